/**
 * `fl.lab.sweep(...)` / `flowlab sweep`: a parameter grid over a notebook, each run a papermill-style
 * parameterised execution on local kernel processes or remote Jupyter servers; every run's result
 * (`fl.lab.result(table)` in the notebook) collected into one arquero table with the parameters as
 * columns, saved as CSV and Arrow with each executed notebook beside it. Finished runs are
 * journaled in DIR/runs.jsonl as they finish, so re-running the same sweep resumes. With `hub`,
 * the servers are named servers the sweep starts on a JupyterHub and stops again afterwards.
 */
import * as aq from 'arquero';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { decodeValue, readResult } from './result.js';
import { expandGrid, runSlug, seedList, type Grid, type SweepRun } from './sweep-grid.js';
import { localExecutor } from './sweep-local.js';
import { loadSweepNotebook } from './sweep-notebook.js';
import { sweepProgress, type SweepCounts } from './sweep-progress.js';
import { schedule, type Executor, type RunOutcome } from './sweep-schedule.js';
import { startSweepHub, type SweepHub } from './sweep-hub.js';
import { appendRecord, completedRuns, type RunRecord } from './sweep-store.js';

export type { SweepHub } from './sweep-hub.js';

/** Options of `sweep`. */
export interface SweepOptions {
  /** Path of the .ipynb to run; it needs a code cell tagged `parameters` declaring every swept name. */
  notebook: string;
  /** Parameter name → values; the runs are the cartesian product. */
  grid: Grid;
  /** A count n (seed = 0…n−1) or a list of seeds, swept innermost as parameter `seed`. Default: none. */
  seeds?: number | number[];
  /** Jupyter server base URLs to run on. Default: none (run locally). */
  servers?: string[];
  /** The servers' token (one for all, or one per server). */
  token?: string | string[];
  /**
   * A JupyterHub to start named single-user servers on for this sweep (stopped again at the end,
   * also on error or abort). Its runs go through the Hub's proxy like `servers` URLs. Default: none.
   */
  hub?: SweepHub;
  /** Concurrent local runs (child processes). Default: 1 when no servers are given, else 0. */
  local?: number;
  /** Concurrent kernels per server. Default 1. */
  perServer?: number;
  /** Extra attempts for a run whose kernel or server failed. Default 2. */
  retries?: number;
  /** Per-run time limit in seconds. Default 1800. */
  timeout?: number;
  /** Output folder (results.csv, results.arrow, runs.jsonl, executed notebooks). Default `sweep-<notebook name>`. */
  out?: string;
  /** Kernelspec name on the servers. Default 'flowlab'. */
  kernelName?: string;
  /** No progress lines (messages still print). Default false. */
  quiet?: boolean;
  /** Called on every scheduling event (tests and custom dashboards). */
  onEvent?: (event: SweepEvent) => void;
  /** Stops the sweep: running runs are aborted, Hub servers stopped, and the sweep rejects with the signal's reason (finished runs stay in runs.jsonl). */
  signal?: AbortSignal;
}


/** A scheduling event. */
export type SweepEvent =
  | { type: 'start'; run: SweepRun; where: string; attempt: number }
  | { type: 'finish'; record: RunRecord }
  | { type: 'retry'; run: SweepRun; where: string; error: string }
  | { type: 'down'; where: string; message: string }
  | { type: 'hub-server'; where: string; name: string; user: string };

/** What a sweep returns. */
export interface SweepResult {
  /** One row per result row of every successful run; parameter columns first. */
  table: aq.ColumnTable;
  /** Every successful run's record (resumed ones included), in grid order. */
  records: RunRecord[];
  /** Runs that failed (cell error, no result, or every attempt lost). */
  failed: RunRecord[];
  counts: { total: number; skipped: number; executed: number; retried: number; failed: number };
  dir: string;
  csvPath: string;
  /** undefined when the table could not be written as Arrow (the reason is in `arrowError`). */
  arrowPath?: string;
  arrowError?: string;
}

function toRecord(o: RunOutcome, hash: string, dir: string): RunRecord {
  const base = { key: o.run.key, params: o.run.params, where: o.where, attempts: o.attempts, seconds: o.seconds, notebookHash: hash, finishedAt: new Date().toISOString() };
  if (o.status === 'lost' || !o.output) return { ...base, status: 'lost', rows: [], columns: [], error: o.error };
  const file = `${runSlug(o.run.params)}.ipynb`;
  writeFileSync(join(dir, file), JSON.stringify(o.output.notebook, null, 1) + '\n');
  const res = readResult(o.output.notebook.cells);
  const error = o.output.error ?? (res ? undefined : 'the notebook recorded no result; call fl.lab.result(table) in its last cell');
  return { ...base, status: error ? 'error' : 'ok', rows: res?.rows ?? [], columns: res?.columns ?? [], notebook: file, error };
}

/** Joins the records' rows with their parameters into one table (parameter columns first). */
export function sweepTable(records: RunRecord[]): aq.ColumnTable {
  const names: string[] = [];
  const add = (k: string) => { if (!names.includes(k)) names.push(k); };
  for (const r of records) Object.keys(r.params).forEach(add);
  for (const r of records) r.columns.forEach(add);
  const cols: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const r of records) {
    for (const row of r.rows) {
      const full: Record<string, unknown> = { ...row };
      for (const [k, v] of Object.entries(r.params)) full[k] = v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
      for (const n of names) cols[n].push(n in full ? decodeValue(full[n]) : undefined);
    }
  }
  return aq.table(cols);
}

/**
 * Runs the sweep; resolves when every run finished (or failed for good). Bad input (no parameters
 * cell, an undeclared parameter, an unreachable server, a wrong token, a Hub without named
 * servers) throws before any run. Hub servers it started are stopped before it resolves or rejects.
 * @example
 * const s = await fl.lab.sweep({ notebook: 'lr.ipynb', grid: { lr: [0.01, 0.02, 0.04] }, seeds: 3,
 *   servers: ['http://gpu1:8888', 'http://gpu2:8888'], token, out: 'sweeps/lr' });
 * fl.plot.sweepHeatmap(s.table, { x: 'lr', y: 'seed', z: 'loss' });
 * // or on 4 named servers of a JupyterHub, started for this sweep and stopped after it:
 * await fl.lab.sweep({ notebook: 'lr.ipynb', grid: { lr: [0.01, 0.02] }, hub: { url: 'https://hub.example.org/', token, servers: 4 } });
 */
export async function sweep(options: SweepOptions): Promise<SweepResult> {
  if (!options || typeof options !== 'object') throw new Error('sweep: pass an options object, e.g. sweep({ notebook: "nb.ipynb", grid: { lr: [0.1, 0.2] } }).');
  const { notebook, grid, seeds, servers = [], token = '', hub, perServer = 1, retries = 2, timeout = 1800, kernelName = 'flowlab', quiet = false, onEvent, signal } = options;
  const local = options.local ?? (servers.length || hub ? 0 : 1);
  if (!Array.isArray(servers)) throw new Error(`sweep: servers must be an array of base URLs, got ${JSON.stringify(servers)}.`);
  if (hub !== undefined && (typeof hub !== 'object' || typeof hub.url !== 'string' || typeof hub.token !== 'string')) {
    throw new Error('sweep: hub must be { url, token, servers? }, e.g. { url: "https://hub.example.org/", token, servers: 2 }.');
  }
  if (!Number.isInteger(retries) || retries < 0) throw new Error(`sweep: retries must be a non-negative integer, got ${retries}.`);
  if (!(timeout > 0)) throw new Error(`sweep: timeout must be a positive number of seconds per run, got ${timeout}.`);
  if (!servers.length && !hub && !(local > 0)) throw new Error('sweep: nowhere to run; pass servers (Jupyter server URLs), hub (a JupyterHub) or local (a number of concurrent local runs).');
  const tokens = Array.isArray(token) ? token : servers.map(() => token);
  if (tokens.length !== servers.length) throw new Error(`sweep: got ${tokens.length} tokens for ${servers.length} servers; pass one token for all or one per server.`);

  const runs = expandGrid(grid, seeds);
  const params = [...Object.keys(grid), ...(seedList(seeds) ? ['seed'] : [])];
  const nb = await loadSweepNotebook(notebook, params);
  const remote = servers.length || hub ? await import('../remote/index.js') : undefined;
  const targets = servers.map((url, i) => ({ url, token: tokens[i] }));
  const problems = (await Promise.all(targets.map((t) => remote!.checkServer(t, { kernelName })))).filter(Boolean);
  if (problems.length) throw new Error(`sweep: ${problems.join('\n')}\nNo run was started.`);
  signal?.throwIfAborted();
  const hubServers = hub ? await startSweepHub(hub, remote!, kernelName, signal) : [];
  try {
    for (const s of hubServers) onEvent?.({ type: 'hub-server', where: s.url, name: s.name, user: s.user });
    const executors: Executor[] = [
      ...targets.map((t) => remote!.serverExecutor(t, nb.notebook, { slots: perServer, kernelName })),
      ...hubServers.map((s) => remote!.hubExecutor(hub!, s, nb.notebook, { slots: perServer, kernelName })),
    ];
    return await runSweep({ ...options, local, retries, timeout, quiet }, runs, nb, executors);
  } finally {
    await Promise.all(hubServers.map((s) => remote!.stopHubServer(hub!, s.user, s.name).catch((e: Error) => {
      process.stderr.write(`sweep: ${e.message}\n`);
    })));
  }
}

async function runSweep(options: SweepOptions & { local: number; retries: number; timeout: number; quiet: boolean }, runs: SweepRun[], nb: Awaited<ReturnType<typeof loadSweepNotebook>>, remoteExecutors: Executor[]): Promise<SweepResult> {
  const { notebook, local, retries, timeout, quiet, onEvent, signal } = options;
  const dir = resolve(options.out ?? `sweep-${basename(notebook).replace(/\.ipynb$/, '')}`);
  mkdirSync(dir, { recursive: true });
  const done = completedRuns(dir, nb.hash);
  const pending = runs.filter((r) => !done.has(r.key));
  const counts: SweepCounts = { total: runs.length, skipped: runs.length - pending.length, done: runs.length - pending.length, running: 0, failed: 0, retried: 0 };
  const view = sweepProgress({ quiet });
  const executors: Executor[] = [
    ...remoteExecutors,
    ...(local > 0 ? [localExecutor(notebook, { slots: local, scratch: join(dir, '.scratch') })] : []),
  ];
  const fresh = new Map<string, RunRecord>();
  const failed: RunRecord[] = [];
  view.update(counts);
  try {
    await schedule(pending, executors, {
      retries,
      timeoutMs: timeout * 1000,
      signal,
      events: {
        onStart(run, ex, attempt) { counts.running++; view.update(counts); onEvent?.({ type: 'start', run, where: ex.name, attempt }); },
        onFinish(o) {
          if (o.where) counts.running--; // '' = never started again (no server left)
          const record = toRecord(o, nb.hash, dir);
          appendRecord(dir, record);
          if (record.status === 'ok') { counts.done++; fresh.set(record.key, record); } else {
            counts.failed++;
            failed.push(record);
            view.log(`sweep: run ${runSlug(o.run.params)} failed: ${record.error}`);
          }
          view.update(counts);
          onEvent?.({ type: 'finish', record });
        },
        onRetry(run, ex, error) {
          counts.running--; counts.retried++;
          view.log(`sweep: run ${runSlug(run.params)} failed on ${ex.name} (${error}); rescheduling it.`);
          view.update(counts);
          onEvent?.({ type: 'retry', run, where: ex.name, error });
        },
        onExecutorDown(ex, message) {
          view.log(`sweep: ${message} Its runs move to the remaining servers.`);
          onEvent?.({ type: 'down', where: ex.name, message });
        },
      },
    });
  } finally {
    await Promise.all(executors.map((e) => e.close().catch(() => undefined)));
    rmSync(join(dir, '.scratch'), { recursive: true, force: true });
    view.close(counts);
  }
  signal?.throwIfAborted();
  const records = runs.map((r) => fresh.get(r.key) ?? done.get(r.key)).filter((r): r is RunRecord => !!r);
  const table = sweepTable(records);
  const csvPath = join(dir, 'results.csv');
  writeFileSync(csvPath, aq.toCSV(table) + '\n');
  let arrowPath: string | undefined, arrowError: string | undefined;
  try {
    writeFileSync(join(dir, 'results.arrow'), aq.toArrowIPC(table));
    arrowPath = join(dir, 'results.arrow');
  } catch (e) {
    arrowError = (e as Error).message;
    view.log(`sweep: could not write results.arrow (${arrowError}); results.csv has the table.`);
  }
  return { table, records, failed, counts: { total: runs.length, skipped: counts.skipped, executed: fresh.size + failed.length, retried: counts.retried, failed: failed.length }, dir, csvPath, arrowPath, arrowError };
}
