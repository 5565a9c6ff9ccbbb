/**
 * The sweep scheduler with stand-in executors (no kernels): load spreading, retries on another
 * executor after a machinery failure, dropping an executor whose health check fails, the retry
 * bound, and the per-run timeout.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandGrid, type SweepRun } from '../../src/lab/sweep-grid.js';
import { InfraError, schedule, type Executor, type RunOutput } from '../../src/lab/sweep-schedule.js';

const ok = (run: SweepRun): RunOutput => ({ notebook: { nbformat: 4, nbformat_minor: 5, metadata: { ran: run.key }, cells: [] } });

function fake(name: string, slots: number, behave: (run: SweepRun, n: number) => Promise<RunOutput>, health: () => string | undefined = () => undefined): Executor & { started: string[]; maxBusy: number } {
  let busy = 0;
  const ex = {
    name, slots, started: [] as string[], maxBusy: 0,
    async check() { return health(); },
    async close() {},
    async run(run: SweepRun) {
      ex.started.push(run.key);
      busy++; ex.maxBusy = Math.max(ex.maxBusy, busy);
      try { return await behave(run, ex.started.length); } finally { busy--; }
    },
  };
  return ex;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('runs spread over executors within their slot limits; every run finishes once', async () => {
  const runs = expandGrid({ lr: [1, 2, 3, 4, 5, 6] }, 2);
  const a = fake('a', 2, async (r) => { await sleep(5); return ok(r); });
  const b = fake('b', 1, async (r) => { await sleep(5); return ok(r); });
  const outcomes = await schedule(runs, [a, b]);
  assert.equal(outcomes.length, 12);
  assert.deepEqual(new Set(outcomes.map((o) => o.run.key)), new Set(runs.map((r) => r.key)));
  assert.ok(outcomes.every((o) => o.status === 'done' && o.attempts === 1));
  assert.equal(a.started.length + b.started.length, 12);
  assert.ok(a.maxBusy <= 2 && b.maxBusy <= 1 && a.maxBusy === 2, `slots respected (a ${a.maxBusy}, b ${b.maxBusy})`);
  assert.ok(b.started.length >= 2, 'the second executor got work');
});

test('a server that dies mid-sweep: its runs are retried elsewhere and it is dropped', async () => {
  let dead = false;
  const runs = expandGrid({ x: [1, 2, 3, 4, 5, 6, 7, 8] });
  const down: string[] = [], retried: string[] = [];
  const a = fake('a', 1, async (r) => { await sleep(5); return ok(r); });
  const b = fake('b', 1, async (r, n) => {
    await sleep(5);
    if (n >= 2) { dead = true; throw new InfraError('connection lost'); }
    return ok(r);
  }, () => (dead ? 'b is unreachable' : undefined));
  const outcomes = await schedule(runs, [a, b], { events: { onExecutorDown: (e, m) => down.push(`${e.name}:${m}`), onRetry: (r) => retried.push(r.key) } });
  assert.deepEqual(down, ['b:b is unreachable']);
  assert.equal(retried.length, 1);
  assert.equal(b.started.length, 2, 'no run goes to a dropped executor');
  assert.equal(outcomes.length, 8);
  assert.ok(outcomes.every((o) => o.status === 'done'));
  const again = outcomes.find((o) => o.run.key === retried[0])!;
  assert.equal(again.where, 'a');
  assert.equal(again.attempts, 2);
});

test('retries are bounded; a run that always fails is lost with a message', async () => {
  const runs = expandGrid({ x: [1] });
  const flaky = fake('a', 1, async () => { throw new InfraError('kernel died'); });
  const [o] = await schedule(runs, [flaky], { retries: 2 });
  assert.equal(o.status, 'lost');
  assert.equal(o.attempts, 3);
  assert.match(o.error!, /kernel died .*gave up after 3 attempt/);
});

test('a run past the per-run timeout is aborted and retried on another executor', async () => {
  const runs = expandGrid({ x: [1] });
  let aborted = false;
  const slow = fake('slow', 1, (r) => new Promise(() => { void r; }));
  const slowRun = slow.run.bind(slow);
  slow.run = (r, signal) => { signal.addEventListener('abort', () => { aborted = true; }); return slowRun(r, signal); };
  const fast = fake('fast', 1, async (r) => ok(r));
  // slow is tried first (both idle; ties go to the first listed).
  const [o] = await schedule(runs, [slow, fast], { timeoutMs: 50 });
  assert.ok(aborted, 'the slow run was told to stop');
  assert.equal(o.status, 'done');
  assert.equal(o.where, 'fast');
});

test('an aborted schedule starts nothing more, aborts running runs without retrying them, and resolves with what finished', async () => {
  const runs = expandGrid({ x: [1, 2, 3, 4, 5, 6] });
  const ctl = new AbortController();
  const told: string[] = [], retried: string[] = [];
  // Each run finishes when its signal aborts (rejecting) or after 20 ms; the third start aborts the schedule.
  const ex = fake('a', 2, async (r) => { await sleep(20); return ok(r); });
  const run = ex.run.bind(ex);
  ex.run = (r, signal) => {
    if (ex.started.length === 2) queueMicrotask(() => ctl.abort(new Error('stop')));
    return Promise.race([run(r, signal), new Promise<never>((_, rej) => signal.addEventListener('abort', () => { told.push(r.key); rej(signal.reason); }))]);
  };
  const outcomes = await schedule(runs, [ex], { signal: ctl.signal, events: { onRetry: (r) => retried.push(r.key) } });
  assert.equal(ex.started.length, 3, 'no run started after the abort');
  assert.equal(told.length, 2, 'the two running runs were told to stop');
  assert.deepEqual(retried, [], 'aborted runs are not retried');
  assert.equal(outcomes.length, 1, 'only the run that finished before the abort is reported');
  assert.equal(outcomes[0]!.status, 'done');
});
