/**
 * The local executor: each run is a separate Node process (src/lab/sweep-worker.ts) executing the
 * notebook with the flowlab engine, `slots` of them at a time — separate processes, so runs never
 * share TF.js state, globals or a crash.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSlug, type SweepRun } from './sweep-grid.js';
import type { SweepNotebook } from './sweep-notebook.js';
import { InfraError, type Executor, type RunOutput } from './sweep-schedule.js';

/** Options of `localExecutor`. */
export interface LocalExecutorOptions {
  /** Concurrent runs (default 1). */
  slots?: number;
  /** Scratch folder for in-flight notebooks (default: the OS temp dir). */
  scratch: string;
  /** Type checking in the runs (default 'off': a sweep runs code already developed). */
  typecheck?: 'wait' | 'async' | 'off';
}

function workerArgv(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return ['--import', import.meta.resolve('tsx'), join(dirname(here), 'sweep-worker.ts')];
  return [join(dirname(here), 'sweep-worker.js')];
}

/**
 * Runs sweep runs of the notebook at `notebookPath` as child processes on this machine.
 * @example schedule(runs, [localExecutor('nb.ipynb', { slots: 2, scratch: 'out/.scratch' })])
 */
export function localExecutor(notebookPath: string, { slots = 1, scratch, typecheck = 'off' }: LocalExecutorOptions): Executor {
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`sweep: local must be a positive integer number of concurrent runs, got ${slots}.`);
  const input = resolve(notebookPath);
  let counter = 0;
  return {
    name: 'local',
    slots,
    async check() { return undefined; },
    async close() { /* nothing held */ },
    run(run: SweepRun, signal: AbortSignal): Promise<RunOutput> {
      mkdirSync(scratch, { recursive: true });
      const stem = join(scratch, `${runSlug(run.params)}.${process.pid}.${++counter}`);
      const jobFile = `${stem}.job.json`, output = `${stem}.ipynb`;
      writeFileSync(jobFile, JSON.stringify({ input, output, parameters: run.params, cwd: dirname(input), typecheck }));
      return new Promise<RunOutput>((res, rej) => {
        const child = spawn(process.execPath, [...workerArgv(), jobFile], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '', stderr = '';
        child.stdout.on('data', (d: Buffer) => { stdout += d; });
        child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d).slice(-4000); });
        const onAbort = () => { child.kill('SIGKILL'); };
        signal.addEventListener('abort', onAbort, { once: true });
        child.on('error', (e) => rej(new InfraError(`could not start a local run: ${e.message}`)));
        child.on('exit', (code, sig) => {
          signal.removeEventListener('abort', onAbort);
          const cleanup = () => { rmSync(jobFile, { force: true }); rmSync(output, { force: true }); };
          if (signal.aborted) { cleanup(); return rej(signal.reason); }
          if (code !== 0) {
            cleanup();
            return rej(new InfraError(`local run process ${sig ? `was killed (${sig})` : `exited with code ${code}`}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
          }
          try {
            const notebook = JSON.parse(readFileSync(output, 'utf8')) as SweepNotebook;
            const last = stdout.trim().split('\n').pop() ?? '{}';
            const errors = (JSON.parse(last) as { errors?: string[] }).errors ?? [];
            res({ notebook, error: errors[0] });
          } catch (e) {
            rej(new InfraError(`local run produced no readable notebook: ${(e as Error).message}`));
          } finally { cleanup(); }
        });
      });
    },
  };
}
