import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { bar, createProgress, formatDuration, plainLine } from '../../runtime/cli/progress.ts';
import type { JobProgress } from '../../runtime/execute/job.ts';
import type { Task } from '../../runtime/plan/plan.ts';

const p = (done: number, fitsDone: number): JobProgress => ({ done, total: 400, ran: done, reused: 0, failed: 0, skipped: 0, fitsDone, fitsTotal: 1000 });

function sink(tty: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = tty;
  return { stream, text: () => text };
}

const task: Task = { id: 'tune:sv:mstl:0', kind: 'tune', market: 'sv', deps: [], after: [], hash: 'h', action: 'run', fits: 40 };

describe('progress', () => {
  it('draws a bar with tasks done/total, fits per second and an ETA', () => {
    assert.equal(bar(p(100, 250), 10, 8), '[##------] 100/400 tasks · 25.0 fits/s · ETA 30s · 10s');
    assert.equal(plainLine(p(100, 250), 3, 12, 10), 'progress: 100/400 tasks, 3/12 markets, 25.0 fits/s, ETA 30s (10.0s)');
    assert.equal(formatDuration(3725), '1h02m');
    assert.equal(formatDuration(125), '2m05s');
    assert.equal(formatDuration(null), '?');
  });

  it('off a terminal: market lines, no carriage returns', () => {
    const out = sink(false);
    const progress = createProgress({ quiet: false, format: 'text', markets: 2, stream: out.stream, clock: () => 0 });
    progress.start({ runId: 'r1', markets: 2, tasks: 18, toRun: 18, fits: 24, executor: 'inline' });
    progress.onTaskDone(task, { id: task.id, status: 'succeeded', startedAt: null, ms: 5, fits: 40, key: 'k' }, p(1, 40));
    progress.onMarketDone({ market: 'sv', ok: true, family: 'mstl', periods: 26, reusedSelection: true });
    progress.onMarketDone({ market: 'it', ok: true, family: 'snaive', periods: 26, fallback: 'select failed: every candidate failed' });
    progress.stop();
    assert.equal(
      out.text(),
      'run r1: 2 market(s), 18 task(s), 18 to run (24 model fits), executor inline\n' +
        '[1/2] ✓ sv: mstl, 26 periods forecast (reused selection) (0.0s)\n' +
        '[2/2] ✓ it: snaive, 26 periods forecast — FALLBACK: select failed: every candidate failed (0.0s)\n',
    );
  });

  it('on a terminal: the bar is redrawn in place and cleared at the end', () => {
    const out = sink(true);
    const progress = createProgress({ quiet: false, format: 'text', markets: 1, stream: out.stream, clock: () => 1000 });
    progress.start({ runId: 'r1', markets: 1, tasks: 400, toRun: 400, fits: 1000, executor: 'pool (2 worker threads)' });
    progress.onTaskDone(task, { id: task.id, status: 'succeeded', startedAt: null, ms: 5, fits: 40, key: 'k' }, p(400, 1000));
    progress.stop();
    assert.match(out.text(), /\r\x1b\[2K\[#+\] 400\/400 tasks/);
    assert.ok(out.text().endsWith('\r\x1b[2K'));
  });

  it('json: one object per line; quiet: nothing', () => {
    const out = sink(false);
    const progress = createProgress({ quiet: false, format: 'json', markets: 1, stream: out.stream, clock: () => 0 });
    progress.start({ runId: 'r1', markets: 1, tasks: 9, toRun: 9, fits: 12, executor: 'inline' });
    progress.onTaskDone(task, { id: task.id, status: 'failed', error: 'boom', startedAt: null, ms: 5, fits: 0, key: null }, p(1, 0));
    progress.stop();
    const events = out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(events.map((e) => e['event']), ['start', 'task']);
    assert.deepEqual(events[1], { event: 'task', id: 'tune:sv:mstl:0', kind: 'tune', market: 'sv', status: 'failed', ms: 5, fits: 0, error: 'boom', done: 1, total: 400, t: 0 });
    const quiet = sink(false);
    const q = createProgress({ quiet: true, format: 'text', markets: 1, stream: quiet.stream });
    q.start({ runId: 'r', markets: 1, tasks: 1, toRun: 1, fits: 0, executor: 'inline' });
    q.stop();
    assert.equal(quiet.text(), '');
  });
});
