/**
 * Progress of a run on stderr.
 *   - text on a terminal: one line per finished market, under a live bar with tasks done/total,
 *     model fits per second and an ETA;
 *   - text off a terminal (CI logs, files): the same market lines, and a plain progress line
 *     every `intervalMs` instead of the bar (a bar's carriage returns make logs unreadable);
 *   - json: one JSON object per line (`start`, `task`, `market`, `progress`), for machines;
 *   - quiet: nothing (the summary on stdout and errors remain).
 * A task is reported once its record is in the store, so what a log shows as done survives a kill.
 */
import type { Task } from '../plan/plan.ts';
import type { JobProgress, MarketDone, TaskOutcome } from '../execute/job.ts';

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export interface Progress {
  start(info: { runId: string; markets: number; tasks: number; toRun: number; fits: number; executor: string }): void;
  onTaskDone(task: Task, outcome: TaskOutcome, p: JobProgress): void;
  onMarketDone(done: MarketDone): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly quiet: boolean;
  readonly format: LogFormat;
  readonly markets: number;
  /** Live bar (default: whether the stream is a terminal). */
  readonly tty?: boolean;
  /** Plain progress line period off a terminal. */
  readonly intervalMs?: number;
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** The clock, in ms (tests). */
  readonly clock?: () => number;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const clock = opts.clock ?? (() => performance.now());
  const tty = opts.tty ?? stream.isTTY === true;
  const interval = opts.intervalMs ?? 10_000;
  const started = clock();
  const width = String(opts.markets).length;
  let marketsDone = 0;
  let last: JobProgress | null = null;
  let lastDraw = 0;
  let barShown = false;
  let timer: NodeJS.Timeout | null = null;
  const write = (s: string): void => void stream.write(s);
  const elapsed = (): number => (clock() - started) / 1000;

  if (opts.quiet) return { start() {}, onTaskDone() {}, onMarketDone() {}, stop() {} };

  if (opts.format === 'json') {
    const emit = (event: Record<string, unknown>): void => write(`${JSON.stringify({ ...event, t: Number(elapsed().toFixed(3)) })}\n`);
    return {
      start(info) {
        emit({ event: 'start', ...info });
        timer = setInterval(() => last && emit({ event: 'progress', ...last, ...rates(last, elapsed()) }), interval);
        timer.unref();
      },
      onTaskDone(task, o, p) {
        last = p;
        emit({
          event: 'task',
          id: task.id,
          kind: task.kind,
          ...(task.market ? { market: task.market } : {}),
          status: o.status,
          ms: Math.round(o.ms),
          fits: o.fits,
          ...(o.error ? { error: o.error } : {}),
          done: p.done,
          total: p.total,
        });
      },
      onMarketDone(d) {
        emit({ event: 'market', ...d });
      },
      stop() {
        if (timer) clearInterval(timer);
      },
    };
  }

  const clearBar = (): void => {
    if (barShown) write('\r\x1b[2K');
    barShown = false;
  };
  const drawBar = (): void => {
    if (!last) return;
    write(`\r\x1b[2K${bar(last, elapsed())}`);
    barShown = true;
  };
  return {
    start(info) {
      write(`run ${info.runId}: ${info.markets} market(s), ${info.tasks} task(s), ${info.toRun} to run (${info.fits} model fits), executor ${info.executor}\n`);
      if (!tty) {
        timer = setInterval(() => last && write(`${plainLine(last, marketsDone, opts.markets, elapsed())}\n`), interval);
        timer.unref();
      }
    },
    onTaskDone(_task, _o, p) {
      last = p;
      // Redraw at most ten times a second: thousands of cached tasks settle within milliseconds.
      if (tty && (clock() - lastDraw > 100 || p.done === p.total)) {
        lastDraw = clock();
        drawBar();
      }
    },
    onMarketDone(d) {
      marketsDone++;
      const line = d.ok
        ? `✓ ${d.market}: ${d.family ?? '?'}, ${d.periods ?? 0} periods forecast${d.reusedSelection ? ' (reused selection)' : ''}${d.fallback ? ` — FALLBACK: ${d.fallback}` : ''}`
        : `✗ ${d.market}: ${d.error ?? 'failed'}`;
      clearBar();
      write(`[${String(marketsDone).padStart(width)}/${opts.markets}] ${line} (${elapsed().toFixed(1)}s)\n`);
      if (tty) drawBar();
    },
    stop() {
      if (timer) clearInterval(timer);
      clearBar();
    },
  };
}

function rates(p: JobProgress, seconds: number): { fitsPerSecond: number; etaSeconds: number | null } {
  const fitsPerSecond = seconds > 0 ? p.fitsDone / seconds : 0;
  const left = p.fitsTotal - p.fitsDone;
  // Fits dominate a run's time; when none are left (or none measured yet) fall back to tasks.
  let eta: number | null = null;
  if (left > 0 && fitsPerSecond > 0) eta = left / fitsPerSecond;
  else if (p.done > 0 && seconds > 0) eta = ((p.total - p.done) * seconds) / p.done;
  return { fitsPerSecond: Math.round(fitsPerSecond * 10) / 10, etaSeconds: eta === null ? null : Math.round(eta) };
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `[#########-----------]  120/400 tasks · 35.2 fits/s · ETA 1m20s · 12s` */
export function bar(p: JobProgress, seconds: number, width = 24): string {
  const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
  const r = rates(p, seconds);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total} tasks · ${r.fitsPerSecond.toFixed(1)} fits/s · ETA ${formatDuration(r.etaSeconds)} · ${formatDuration(seconds)}`;
}

/** `progress: 120/400 tasks, 3/12 markets, 35.2 fits/s, ETA 1m20s (12.3s)` */
export function plainLine(p: JobProgress, marketsDone: number, markets: number, seconds: number): string {
  const r = rates(p, seconds);
  return `progress: ${p.done}/${p.total} tasks, ${marketsDone}/${markets} markets, ${r.fitsPerSecond.toFixed(1)} fits/s, ETA ${formatDuration(r.etaSeconds)} (${seconds.toFixed(1)}s)`;
}
