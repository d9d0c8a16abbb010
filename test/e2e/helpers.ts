/** Build throwaway projects from the repository's own demo files and run the real CLI on them. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A temp project with forecast.yaml, the demo data and the named demo markets. */
export function makeDemoProject(markets: readonly string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forecast-e2e-'));
  cpSync(path.join(repoRoot, 'forecast.yaml'), path.join(dir, 'forecast.yaml'));
  cpSync(path.join(repoRoot, 'schema'), path.join(dir, 'schema'), { recursive: true });
  cpSync(path.join(repoRoot, 'data'), path.join(dir, 'data'), { recursive: true });
  mkdirSync(path.join(dir, 'markets'));
  for (const m of markets) cpSync(path.join(repoRoot, 'markets', `${m}.yaml`), path.join(dir, 'markets', `${m}.yaml`));
  return dir;
}

export function writeFile(dir: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `forecast <args>` in a child process with `cwd`, as a user would. */
export function runCli(cwd: string, args: readonly string[]): CliResult {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/forecast.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    timeout: 300_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Run `forecast <args>` through the CLI's `main()` in this process, with `cwd` as the working
 * folder: the same code path as the binary minus the process start (seconds per call), for checks
 * that need no separate process.
 */
export async function runMain(cwd: string, args: readonly string[]): Promise<CliResult> {
  const { main } = await import('../../runtime/cli/main.ts');
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  const capture = (append: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  const previous = process.cwd();
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  process.chdir(cwd);
  try {
    const status = await main(args);
    return { status, stdout, stderr };
  } finally {
    process.chdir(previous);
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
