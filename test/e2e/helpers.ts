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
