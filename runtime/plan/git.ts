/**
 * Reading the project's specs as they are at a git ref, without a checkout: forecast.yaml and the
 * YAML files under the project folder are read with `git show <ref>:<path>` into a temporary
 * folder, which is then loaded like any project. Only specs come from the ref; data are read
 * from the working tree for both sides of a plan diff, so the diff shows what the specs change.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadProject, type LoadOptions, type Project } from '../spec/project.ts';
import type { Diagnostic } from '../spec/diagnostic.ts';
import { PlanError } from './plan.ts';

const run = promisify(execFile);

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new PlanError('git is not installed (needed for --base)');
    throw new PlanError(`git ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

export interface ProjectAtRef {
  /** null when the specs at the ref have errors. */
  readonly project: Project | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The commit the ref resolved to. */
  readonly commit: string;
}

/** Load the project at `root` as it is at `ref`. The temporary copy is deleted before returning. */
export async function loadProjectAtRef(root: string, ref: string, options: LoadOptions = {}): Promise<ProjectAtRef> {
  const top = (await git(root, ['rev-parse', '--show-toplevel']).catch(() => {
    throw new PlanError(`--base needs a git repository, and ${root} is not in one`);
  })).trim();
  const commit = (
    await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
      throw new PlanError(`--base ${ref}: no such commit, branch or tag (in CI, fetch the base branch first, e.g. actions/checkout with fetch-depth: 0)`);
    })
  ).trim();
  // Paths inside the repository, as git names them ('/' separators), of the project folder.
  const prefix = path.relative(await realTop(top), await realTop(root)).split(path.sep).join('/');
  const listed = await git(top, ['ls-tree', '-r', '--name-only', '-z', commit, '--', prefix === '' ? '.' : prefix]);
  const files = listed
    .split('\0')
    .filter((f) => /\.ya?ml$/i.test(f) && !f.split('/').includes('node_modules'))
    .map((f) => (prefix === '' ? f : f.slice(prefix.length + 1)));
  if (!files.includes('forecast.yaml')) throw new PlanError(`--base ${ref}: the project has no forecast.yaml at that commit`);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'forecast-base-'));
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const rel = files[next++]!;
        const text = await git(top, ['show', `${commit}:${prefix === '' ? rel : `${prefix}/${rel}`}`]);
        const dest = path.join(tmp, ...rel.split('/'));
        await mkdir(path.dirname(dest), { recursive: true });
        await writeFile(dest, text);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker));
    const loaded = await loadProject(tmp, options);
    // Paths in the loaded project point into the temporary copy; point them back at the project.
    const back = (p: string): string => path.join(root, path.relative(tmp, p));
    // Normalized markets hold absolute paths too (custom.path, custom.module): same rewrite, on
    // their JSON, so that a path in a spec does not read as changed only because of the copy.
    const rewrite = <T>(value: T): T => JSON.parse(JSON.stringify(value).split(jsonText(tmp)).join(jsonText(root))) as T;
    const project: Project | null = loaded.project && {
      ...loaded.project,
      markets: rewrite(loaded.project.markets),
      root,
      storePath: loaded.project.storePath === null ? null : back(loaded.project.storePath),
      outputDir: back(loaded.project.outputDir),
      marketsDir: back(loaded.project.marketsDir),
    };
    const diagnostics = loaded.diagnostics.map((d) => ({ ...d, file: back(d.file) }));
    return { project, diagnostics, commit };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** `text` as it appears inside a JSON string. */
function jsonText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** The path with symbolic links resolved (git reports the real path of the repository's top). */
async function realTop(p: string): Promise<string> {
  return realpath(p).catch(() => p);
}
