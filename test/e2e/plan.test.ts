import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeDemoProject, repoRoot, runCli, runMain, writeFile } from './helpers.ts';
import { parseRunResults } from '../../runtime/execute/results.ts';

/** Give a demo market many MSTL candidates (a grid over a second seasonal period). */
function manyCandidates(dir: string, market: string, sets: number): void {
  const file = path.join(dir, 'markets', `${market}.yaml`);
  const choices = JSON.stringify([[52], ...Array.from({ length: sets - 1 }, (_, k) => [k + 2, 52])]);
  writeFile(dir, `markets/${market}.yaml`, `${readFileSync(file, 'utf8').trimEnd()}\n  models:\n    - family: mstl\n      params: { periods: { choice: ${choices} } }\n`);
}

function editSpec(dir: string, market: string, edit: (text: string) => string): void {
  writeFile(dir, `markets/${market}.yaml`, edit(readFileSync(path.join(dir, 'markets', `${market}.yaml`), 'utf8')));
}

describe('forecast plan / run plan.json / runs (end to end)', function () {
  this.timeout(300_000);
  let dir: string;

  before(() => {
    dir = makeDemoProject(['sv', 'it']);
  });

  it('prints a summary, writes the plan, and runs exactly that plan', async () => {
    const p = await runMain(dir, ['plan', '--out', 'plan.json']);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /2 market\(s\), mode weekly/);
    assert.match(p.stdout, /tasks: 18 \(ingest 2, qa 2, prepare 2, tune 4, select 2, holdout 2, apply 2, publish 1, report 1\)/);
    assert.match(p.stdout, /to run: 18 task\(s\), \d+ model fit\(s\)/);
    assert.match(p.stdout, /sv {2}tune {3}never tuned/);
    const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as { format: string; version: number };
    assert.deepEqual([plan.format, plan.version], ['forecast-plan', 1]);

    const r = runCli(dir, ['run', 'plan.json']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /succeeded, 2\/2 markets/);
    assert.match(r.stdout, /^report: out\/runs\/.+\/index\.html$/m);
    const resultsFile = /^run results: (.+)$/m.exec(r.stdout)![1]!;
    const results = parseRunResults(readFileSync(path.join(dir, resultsFile), 'utf8'), resultsFile);
    assert.equal(results.counts.tasks.planned, 18);
    assert.equal(results.counts.tasks.succeeded, 18);
    assert.ok(results.tasks.every((t) => t.status === 'succeeded' && t.ms >= 0));

    const again = await runMain(dir, ['plan', '--detailed-exitcode']);
    assert.equal(again.status, 0, 'nothing left to run');
    assert.match(again.stdout, /reused from earlier runs: 16 task\(s\)/);
  });

  it('refuses a plan made from specs that changed since, saying which', async () => {
    const p = await runMain(dir, ['plan', '--out', 'old.json']);
    assert.equal(p.status, 0, p.stderr);
    editSpec(dir, 'sv', (t) => `${t.trimEnd()}\n  forecast: { horizon: 13 }\n`);
    const r = runCli(dir, ['run', 'old.json']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error: old\.json is stale and was not run: the spec of market sv changed \(markets\/sv\.yaml\)\. Make a new plan with `forecast plan --out old\.json`\./);
    const plan = await runMain(dir, ['plan', '--detailed-exitcode', '--select', 'changed']);
    assert.equal(plan.status, 2, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /1 market\(s\), mode weekly, selected by changed/);
    // Only apply re-runs (and publish, report): one fit per member of the chosen ensemble.
    assert.match(plan.stdout, /to run: 3 task\(s\), [1-3] model fit\(s\)/);
  });

  it('rejects a plan of another version and bad options with clear messages', async () => {
    writeFile(dir, 'v9.json', JSON.stringify({ format: 'forecast-plan', version: 9, tasks: [], markets: [] }));
    const r = await runMain(dir, ['run', 'v9.json']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /v9\.json is a version 9 plan, but this program reads version 1 plans/);
    const mixed = await runMain(dir, ['run', 'v9.json', '--select', 'market:sv']);
    assert.match(mixed.stderr, /a plan file fixes the selection/);
    const mode = await runMain(dir, ['run', '--mode', 'daily']);
    assert.equal(mode.status, 1);
    assert.match(mode.stderr, /--mode must be one of weekly, tune/);
  });

  it('lists runs with mode, status, duration and counts', async () => {
    const r = await runMain(dir, ['runs']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^RUN +MODE +STATUS +STARTED \(UTC\) +DURATION +MARKETS OK +TASKS RAN\/REUSED\/FAILED\/SKIPPED +FITS/);
    assert.match(lines[1]!, /weekly +succeeded .* 2\/2 +18\/0\/0\/0/);
    const id = lines[1]!.split(/\s+/)[0]!;
    const one = await runMain(dir, ['runs', id, '--all']);
    assert.match(one.stdout, new RegExp(`^run ${id}: succeeded, mode weekly`));
    assert.match(one.stdout, /succeeded +tune:sv:mstl:0 /);
    const json = JSON.parse((await runMain(dir, ['runs', '--format', 'json'])).stdout) as { runId: string; tasks: { succeeded: number } }[];
    assert.equal(json.at(-1)!.tasks.succeeded, 18);
  });
});

describe('forecast run --resume after SIGKILL (end to end, real child process)', function () {
  this.timeout(300_000);

  it('re-runs only what the killed run did not finish', async () => {
    const dir = makeDemoProject(['sv', 'it', 'de']);
    for (const m of ['sv', 'it', 'de']) manyCandidates(dir, m, 30);

    // Start a run and kill it with SIGKILL once a few tune tasks are recorded as done.
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/forecast.js'), 'run', '--executor', 'inline', '--log-format', 'json', '--no-report'], {
      cwd: dir,
      env: { ...process.env, TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const doneBeforeKill = new Set<string>();
    let runId = '';
    let buffered = '';
    const killed = await new Promise<boolean>((resolve, reject) => {
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith('{')) continue;
          const e = JSON.parse(line) as { event: string; runId?: string; id?: string; kind?: string; status?: string };
          if (e.event === 'start') runId = e.runId!;
          if (e.event === 'task' && e.status === 'succeeded') {
            doneBeforeKill.add(e.id!);
            if ([...doneBeforeKill].filter((id) => id.startsWith('tune:')).length === 3 && child.exitCode === null) child.kill('SIGKILL');
          }
        }
      });
      child.on('error', reject);
      child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL'));
    });
    assert.ok(killed, 'the run was killed before it finished');
    assert.ok(runId !== '');
    const tunesDone = [...doneBeforeKill].filter((id) => id.startsWith('tune:'));
    assert.ok(tunesDone.length >= 3);

    const r = runCli(dir, ['run', '--resume', runId, '--executor', 'inline']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`note: run\\(s\\) ${runId} did not finish`));
    assert.match(r.stdout, /succeeded, 3\/3 markets/);
    const file = /^run results: (.+)$/m.exec(r.stdout)![1]!;
    const results = parseRunResults(readFileSync(path.join(dir, file), 'utf8'), file);
    assert.equal(results.resumedFrom, runId);
    const status = new Map(results.tasks.map((t) => [t.taskId, t.status]));
    for (const id of doneBeforeKill) assert.equal(status.get(id), 'reused', `${id} was reported done before the kill and is not redone`);
    // What the killed run recorded as finished (a task is recorded before it is reported, so this
    // may be a few tasks more than the log showed) is exactly what the resumed run reused.
    const record = JSON.parse((await runMain(dir, ['runs', runId, '--format', 'json'])).stdout) as { tasks: { taskId: string; status: string }[] };
    const finished = record.tasks.filter((t) => t.status === 'succeeded').map((t) => t.taskId).sort();
    assert.deepEqual(results.tasks.filter((t) => t.status === 'reused').map((t) => t.taskId).sort(), finished);
    const tunes = results.tasks.filter((t) => t.kind === 'tune');
    assert.equal(tunes.length, 9);
    const ranAgain = tunes.filter((t) => t.status === 'succeeded').length;
    assert.ok(ranAgain > 0 && ranAgain === 9 - finished.filter((id) => id.startsWith('tune:')).length, 'only the unfinished tune tasks ran');

    const runs = (await runMain(dir, ['runs'])).stdout;
    assert.match(runs, new RegExp(`${runId} +weekly +failed .*interrupted`));
    assert.match(runs, new RegExp(`resumes ${runId}`));
  });
});

describe('forecast plan --base (end to end, temporary git repository)', function () {
  this.timeout(120_000);
  let dir: string;
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };

  before(() => {
    dir = makeDemoProject(['sv', 'it', 'de']);
    git('init', '-q', '-b', 'main');
    git('add', 'forecast.yaml', 'markets');
    git('commit', '-q', '-m', 'specs');
  });

  it('exits 0 and says so when the specs did not change', async () => {
    const r = runCli(dir, ['plan', '--base', 'main', '--detailed-exitcode']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'no changes to the plan against main\n');
  });

  it('prints markets added, removed and changed (which keys), tasks that re-run and model fits; exits 2', async () => {
    editSpec(dir, 'sv', (t) => `${t.trimEnd()}\n  evaluation: { folds: 3 }\n`);
    writeFile(dir, 'markets/es.yaml', readFileSync(path.join(repoRoot, 'markets/es.yaml'), 'utf8'));
    spawnSync('git', ['rm', '-q', 'markets/de.yaml'], { cwd: dir });

    const text = runCli(dir, ['plan', '--base', 'main', '--detailed-exitcode']);
    assert.equal(text.status, 2, text.stderr);
    assert.match(text.stdout, /^plan diff against main: 1 market\(s\) changed, 1 added, 1 removed\n/);
    assert.match(text.stdout, / {2}~ sv {2}changed: evaluation\.folds\n/);
    assert.match(text.stdout, / {2}\+ es {2}added\n/);
    assert.match(text.stdout, / {2}- de {2}removed\n/);
    assert.match(text.stdout, /task\(s\) will re-run \(.*\), \d+ model fit\(s\)/);
    assert.ok(!/ingest:sv/.test(text.stdout), 'ingest does not read the evaluation settings');

    const md = await runMain(dir, ['plan', '--base', 'main', '--format', 'markdown']);
    assert.equal(md.status, 0, 'without --detailed-exitcode, changes are not an error');
    assert.match(md.stdout, /^### Forecast plan: 1 market\(s\) changed, 1 added, 1 removed; /);
    assert.match(md.stdout, /\| `sv` \| changed \| `evaluation\.folds` \|/);

    const json = JSON.parse((await runMain(dir, ['plan', '--base', 'main', '--format', 'json'])).stdout) as { markets: { id: string; change: string }[]; fits: number };
    assert.deepEqual(json.markets.map((m) => `${m.change}:${m.id}`), ['removed:de', 'added:es', 'changed:sv']);
    assert.ok(json.fits > 0);
  });

  it('exits 1 for an unknown ref, and for a bad command line, under --detailed-exitcode', async () => {
    const r = await runMain(dir, ['plan', '--base', 'no-such-branch', '--detailed-exitcode']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--base no-such-branch: no such commit, branch or tag/);
    const bad = await runMain(dir, ['plan', '--bogus', '--detailed-exitcode']);
    assert.equal(bad.status, 1);
  });
});
