/**
 * Sweep scheduling: runs go to the least-loaded executor with a free slot (an executor is one
 * Jupyter server, or the local machine, with `slots` concurrent kernels). A run that fails for a
 * reason outside the notebook — its kernel died, its server stopped answering, it ran past the
 * per-run timeout — is retried (at most `retries` more times) on another executor when there is
 * one; an executor that no longer answers its health check is dropped, with a message. An abort
 * signal stops the schedule: nothing new starts, running runs are aborted (neither retried nor
 * reported), and it resolves with the runs that finished.
 */
import type { SweepRun } from './sweep-grid.js';
import type { SweepNotebook } from './sweep-notebook.js';

/** A failure of the machinery (kernel, server, timeout), not of the notebook: the run is retried. */
export class InfraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraError';
  }
}

/** What executing one run produced: the executed notebook, and the first cell error if any. */
export interface RunOutput { notebook: SweepNotebook; error?: string }

/** Somewhere runs execute: a Jupyter server, or local kernel processes. */
export interface Executor {
  /** Shown in messages and recorded per run: the server URL, or 'local'. */
  readonly name: string;
  /** Runs at the same time. */
  readonly slots: number;
  /** Executes one run; rejects with InfraError when the machinery failed; stops when `signal` aborts. */
  run(run: SweepRun, signal: AbortSignal): Promise<RunOutput>;
  /** Resolves to a message when the executor no longer answers, undefined when it is fine. */
  check(): Promise<string | undefined>;
  /** Releases connections (after the sweep). */
  close(): Promise<void>;
}

/** How one run ended. */
export interface RunOutcome {
  run: SweepRun;
  /** 'done': the notebook ran (it may still hold a cell error); 'lost': every attempt failed on the machinery. */
  status: 'done' | 'lost';
  output?: RunOutput;
  error?: string;
  where: string;
  attempts: number;
  seconds: number;
}

/** Hooks called as the schedule advances (all synchronous). */
export interface ScheduleEvents {
  onStart?(run: SweepRun, executor: Executor, attempt: number): void;
  onFinish?(outcome: RunOutcome): void;
  onRetry?(run: SweepRun, executor: Executor, error: string): void;
  onExecutorDown?(executor: Executor, message: string): void;
}

/** Options of `schedule`. */
export interface ScheduleOptions {
  /** Extra attempts after a machinery failure (default 2). */
  retries?: number;
  /** Per-run time limit in ms (default 30 min). */
  timeoutMs?: number;
  events?: ScheduleEvents;
  /** Stops the schedule: no new run starts, running ones are aborted, and it resolves with what finished. */
  signal?: AbortSignal;
}

interface Job { run: SweepRun; attempts: number; avoid: Set<Executor> }

/**
 * Runs every run on the executors; resolves when each one is done or lost (never rejects).
 * @example const outcomes = await schedule(expandGrid({ lr: [0.1, 0.2] }), [localExecutor(nb, { slots: 2 })]);
 */
export function schedule(runs: SweepRun[], executors: Executor[], { retries = 2, timeoutMs = 30 * 60_000, events = {}, signal }: ScheduleOptions = {}): Promise<RunOutcome[]> {
  const queue: Job[] = runs.map((run) => ({ run, attempts: 0, avoid: new Set() }));
  const alive = new Set(executors);
  const busy = new Map<Executor, number>(executors.map((e) => [e, 0]));
  const outcomes: RunOutcome[] = [];
  const inFlight = new Set<AbortController>();
  let running = 0;
  return new Promise((resolve) => {
    const finish = (o: RunOutcome) => { outcomes.push(o); events.onFinish?.(o); };
    const pump = () => {
      if (signal?.aborted) {
        if (running === 0) resolve(outcomes);
        return;
      }
      for (let i = 0; i < queue.length;) {
        const free = [...alive].filter((e) => busy.get(e)! < e.slots);
        if (!free.length) break;
        const job = queue[i];
        const fresh = free.filter((e) => !job.avoid.has(e));
        const anyFreshAlive = [...alive].some((e) => !job.avoid.has(e));
        const pool = fresh.length ? fresh : anyFreshAlive ? [] : free;
        if (!pool.length) { i++; continue; } // wait for an executor it has not failed on
        pool.sort((a, b) => busy.get(a)! / a.slots - busy.get(b)! / b.slots);
        queue.splice(i, 1);
        start(job, pool[0]);
      }
      if (running === 0 && (queue.length === 0 || alive.size === 0)) {
        for (const job of queue.splice(0)) finish({ run: job.run, status: 'lost', error: 'no server left to run it on', where: '', attempts: job.attempts, seconds: 0 });
        resolve(outcomes);
      }
    };
    const start = (job: Job, ex: Executor) => {
      job.attempts++;
      busy.set(ex, busy.get(ex)! + 1);
      running++;
      events.onStart?.(job.run, ex, job.attempts);
      const t0 = performance.now();
      const ctl = new AbortController();
      inFlight.add(ctl);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new InfraError(`run ${job.run.key} ran longer than the per-run timeout (${(timeoutMs / 1000).toFixed(0)} s) on ${ex.name}`);
          ctl.abort(err);
          reject(err);
        }, timeoutMs);
      });
      Promise.race([ex.run(job.run, ctl.signal), timeout]).then(
        (output) => {
          finish({ run: job.run, status: 'done', output, where: ex.name, attempts: job.attempts, seconds: (performance.now() - t0) / 1000 });
        },
        async (err: unknown) => {
          if (!ctl.signal.aborted) ctl.abort(err);
          if (signal?.aborted) return; // stopped from outside: neither retried nor recorded
          const message = (err as Error)?.message ?? String(err);
          job.avoid.add(ex);
          if (alive.has(ex)) {
            const down = await ex.check().catch((e: Error) => e.message);
            if (down && alive.delete(ex)) events.onExecutorDown?.(ex, down);
          }
          if (job.attempts > retries) {
            finish({ run: job.run, status: 'lost', error: `${message} (gave up after ${job.attempts} attempt(s); raise retries to try more)`, where: ex.name, attempts: job.attempts, seconds: (performance.now() - t0) / 1000 });
          } else {
            events.onRetry?.(job.run, ex, message);
            queue.unshift(job);
          }
        },
      ).finally(() => {
        inFlight.delete(ctl);
        clearTimeout(timer);
        busy.set(ex, busy.get(ex)! - 1);
        running--;
        pump();
      });
    };
    signal?.addEventListener('abort', () => { for (const c of inFlight) c.abort(signal.reason); pump(); }, { once: true });
    pump();
  });
}
