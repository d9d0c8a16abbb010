/**
 * Progress of a run on stderr: one line per finished market (both on a terminal and in logs,
 * so CI logs show the same story), and on a terminal a live counter of tasks done.
 */
import type { Task } from '../plan/plan.ts';
import type { TaskOutcome } from '../execute/inline.ts';

export interface Progress {
  start(runId: string): void;
  onTaskDone(task: Task, outcome: TaskOutcome, done: number, total: number): void;
  stop(): void;
}

export function createProgress(opts: { quiet: boolean; total: number; markets: number }): Progress {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  const failedMarkets = new Set<string>();
  let marketsDone = 0;
  const width = String(opts.markets).length;
  const clearLine = (): void => {
    if (tty) process.stderr.write('\r\x1b[2K');
  };
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  return {
    start(runId) {
      if (!opts.quiet) process.stderr.write(`run ${runId}: ${opts.markets} market(s), ${opts.total} task(s)\n`);
    },
    onTaskDone(task, outcome, done, total) {
      if (opts.quiet) return;
      const market = task.market;
      let line: string | null = null;
      if (market && outcome.status === 'failed' && !failedMarkets.has(market)) {
        failedMarkets.add(market);
        marketsDone++;
        line = `✗ ${market}: ${task.kind} failed: ${outcome.error}`;
      } else if (task.kind === 'apply' && outcome.status === 'succeeded') {
        marketsDone++;
        const value = outcome.value as { chosen: { family: string }; rows: unknown[] };
        line = `✓ ${market}: ${value.chosen.family}, ${value.rows.length} periods forecast`;
      }
      if (line) {
        clearLine();
        process.stderr.write(`[${String(marketsDone).padStart(width)}/${opts.markets}] ${line} (${elapsed()})\n`);
      }
      if (tty) process.stderr.write(`\r\x1b[2K  ${done}/${total} tasks, ${elapsed()}`);
    },
    stop() {
      clearLine();
    },
  };
}
