/**
 * The code version that task hashes include: a fingerprint of the engine code that computes task
 * results (cleaning, models, evaluation, execution, storage) and of the locked dependency
 * versions. Any edit there invalidates stored results, which is the safe side: a cache must never
 * serve a result that the current code would not produce. (CLI, planner, specs and report code do
 * not change results and are left out; spec changes reach the hashes through the spec fragments.)
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CODE_DIRS = ['runtime/adjust', 'runtime/evaluate', 'runtime/execute', 'runtime/models', 'runtime/store'];
const CODE_FILES = ['package-lock.json'];
const SOURCE = /\.(ts|mts|js|mjs|cjs|json)$/;

let memo: Promise<string> | null = null;

/** 16 hex digits; computed once per process. */
export function codeVersion(): Promise<string> {
  memo ??= compute();
  return memo;
}

async function compute(): Promise<string> {
  const files: string[] = [...CODE_FILES];
  for (const dir of CODE_DIRS) files.push(...(await listFiles(dir)));
  files.sort();
  const hash = createHash('sha256');
  for (const rel of files) {
    const text = await readFile(path.join(ROOT, rel)).catch(() => null);
    if (text === null) continue;
    hash.update(`${rel}\0`).update(text).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function listFiles(rel: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, rel), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await listFiles(child)));
    else if (e.isFile() && SOURCE.test(e.name)) out.push(child);
  }
  return out;
}
