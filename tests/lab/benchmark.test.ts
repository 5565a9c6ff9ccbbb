/**
 * fl.lab.benchmark on problems with closed-form trajectories (tests/lab/fixtures/quadratic-benchmark.mjs:
 * gradient descent on f(w) = ½a‖w‖², so f(w_t) = f(w₀)(1 − ηa)^{2t}): steps to target, the trial
 * selected, the scored seeds and the evaluation curves all predicted in float64 before the run;
 * equal trial counts from the optimizer's own Halton points; and the benchmark split over two
 * kernels with a real `fl.lab.sweep` giving the same profiles as one in-process run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tf } from '../../src/tensor/tf.js';
import { benchmark } from '../../src/lab/benchmark.js';
import { benchmarkTables } from '../../src/lab/benchmark-tables.js';
import { runToTarget } from '../../src/lab/benchmark-run.js';
import { timeToTarget } from '../../src/lab/time-to-target.js';
import { train } from '../../src/lab/train.js';
import { problem } from '../../src/tensor/problem.js';
import { sgd } from '../../src/optim/sgd.js';
import type { Tensor1D } from '../../src/tensor/types.js';
import { searchPoints } from '../../src/lab/search-space.js';
import { sweep } from '../../src/lab/sweep.js';
import type { BenchmarkOptimizer } from '../../src/lab/benchmark-optimizers.js';
import type { BenchmarkProblem } from '../../src/lab/benchmark-problem.js';
import { repoRoot } from '../kernel/helpers.js';

const fixtures = join(repoRoot(), 'tests', 'lab', 'fixtures');
const fx = await import(pathToFileURL(join(fixtures, 'quadratic-benchmark.mjs')).href) as {
  problems: () => BenchmarkProblem[];
  optimizers: Record<string, BenchmarkOptimizer>;
  quadraticProblem: (o: Record<string, unknown>) => BenchmarkProblem;
};
const A: Record<string, number> = { steep: 2, flat: 0.5 };

/** Closed form: the first evaluation step s (multiples of evalEvery, and the budget) with f(w_s) ≤ target; ∞ if none. */
function predicted(a: number, lr: number, seed: number, { steps = 30, evalEvery = 3, target = 1e-3 } = {}): { steps: number; loss: number } {
  const f0 = 0.5 * a * 3 * (1 + seed) ** 2;
  for (let s = evalEvery; s <= steps; s += evalEvery) {
    const f = f0 * (1 - lr * a) ** (2 * s);
    // Keep clear of float32 round-off at the threshold: the test's parameters never land within 1e-3 of it.
    assert.ok(Math.abs(f / target - 1) > 1e-3, `test set-up: f(w_${s}) = ${f} too close to the target`);
    if (f <= target) return { steps: s, loss: f };
  }
  return { steps: Infinity, loss: f0 * (1 - lr * a) ** (2 * steps) };
}

test('runToTarget: steps to target and the evaluation curve of gradient descent on a quadratic, in closed form', async () => {
  const [steep] = fx.problems();
  const before = tf.memory().numTensors;
  for (const lr of [0.1, 0.3, 0.9, 1.1]) {
    const r = await runToTarget(steep, fx.optimizers['gd-fast'], { lr }, { seed: 1, split: 'test' });
    const want = predicted(2, lr, 1);
    assert.equal(r.steps, want.steps, `η = ${lr}`);
    assert.equal(r.reached, Number.isFinite(want.steps));
    assert.equal(r.ran, Number.isFinite(want.steps) ? want.steps : 30, 'stops at the target (AlgoPerf: until the target or the budget)');
    assert.deepEqual(r.curve.map((c) => c.step), Array.from({ length: r.ran / 3 }, (_, i) => 3 * (i + 1)));
    for (const c of r.curve) {
      const f = 0.5 * 2 * 3 * 4 * (1 - lr * 2) ** (2 * c.step);
      assert.ok(Math.abs(c.loss - f) <= 1e-4 * f + 1e-7, `η = ${lr}, step ${c.step}: ${c.loss} vs ${f}`);
    }
    if (r.reached) assert.ok(Number.isFinite(r.time) && r.time >= 0 && r.time <= r.trainTime);
    else assert.equal(r.time, Infinity);
  }
  // η = 1.1: |1 − ηa| = 1.2 > 1, the iterates grow and the target is never met.
  const away = await runToTarget(steep, fx.optimizers['gd-fast'], { lr: 1.1 }, { seed: 0, stopAtTarget: false });
  assert.equal(away.reached, false);
  assert.ok(away.final.loss > 3, 'diverging: the loss grew');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});

test('timeToTarget: the first row meeting the target of a fl.train table on a quadratic, in closed form', async () => {
  // f(w) = ½·2‖w‖² from w₀ = (1, 1, 1): f(w_t) = 3(1 − 2η)^{2t}; the row of step t records f(w_t).
  const P = problem((w) => tf.sum(tf.square(w)), { dim: 3 });
  const w0 = tf.ones([3]) as Tensor1D;
  for (const [lr, target] of [[0.05, 1e-2], [0.2, 1e-4], [0.3, 0.5]]) {
    const run = await train(P, sgd({ lr }), { w0, steps: 60, progress: false });
    let t = 0;
    while (3 * (1 - 2 * lr) ** (2 * t) > target) t++;
    const got = timeToTarget(run.table, { metric: 'loss', value: target });
    assert.deepEqual(got, { steps: t, time: NaN, reached: true, index: t }, `η = ${lr}, target ${target}`);
    assert.deepEqual(timeToTarget(run.table, { metric: 'loss', value: -1 }), { steps: Infinity, time: Infinity, reached: false, index: -1 });
    run.w.dispose();
  }
  w0.dispose();
  assert.deepEqual(timeToTarget([{ step: 1, time: 0.5, acc: 0.2 }, { step: 2, time: 0.9, acc: null }, { step: 3, time: 1.4, acc: 0.95 }], { metric: 'acc', value: 0.9 }), { steps: 3, time: 1.4, reached: true, index: 2 });
  assert.throws(() => timeToTarget([{ step: 2, loss: 1 }, { step: 1, loss: 0 }], { metric: 'loss', value: 0.5 }), /rows must be in step order/);
  assert.throws(() => timeToTarget([{ step: 1, loss: 1 }], { metric: 'accuracy', value: 0.5 }), /no column 'accuracy'/);
});

test('benchmark: equal trials from each optimizer\'s Halton points, the fastest trial selected, fresh seeds scored — all as predicted', async () => {
  const problems = fx.problems();
  const optimizers = [fx.optimizers['gd-fast'], fx.optimizers['gd-slow']];
  const lines: string[] = [];
  const before = tf.memory().numTensors;
  const r = await benchmark({ problems, optimizers, budget: 4, seeds: [1, 2], defaults: { seeds: [3] }, searchSeed: 5, progress: (l) => lines.push(l) });
  const trials = r.trials.objects() as Array<Record<string, any>>;
  const runs = r.runs.objects() as Array<Record<string, any>>;
  assert.equal(lines.length, 4, 'one progress line per problem × optimizer');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked over 24 runs');
  for (const p of problems) {
    for (const o of optimizers) {
      const mine = trials.filter((t) => t.problem === p.name && t.optimizer === o.name);
      const points = searchPoints(o.space, 4, { seed: 5 });
      assert.equal(mine.length, 4, `${p.name}/${o.name}: exactly the budget of trials`);
      assert.deepEqual(mine.map((t) => JSON.parse(t.hyper)), points, 'the optimizer\'s own Halton points, in order');
      // Predicted trial results on the tuning seed 0, and the selection: fewest steps, then lower loss there.
      const want = points.map((h) => predicted(A[p.name], h.lr as number, 0));
      mine.forEach((t, j) => assert.equal(t.steps, want[j].steps, `${p.name}/${o.name} trial ${j}`));
      const order = want.map((w, j) => [w.steps, w.loss, j]).sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
      const best = order[0][2];
      assert.deepEqual(mine.filter((t) => t.selected).map((t) => t.trial), [best], `${p.name}/${o.name}: selected trial`);
      // The selected point re-run from seeds 1 and 2 (test split), the defaults from seed 3 for the whole budget.
      const tuned = runs.filter((x) => x.phase === 'tuned' && x.problem === p.name && x.optimizer === o.name);
      assert.deepEqual(tuned.map((x) => x.seed), [1, 2]);
      tuned.forEach((x) => assert.equal(x.steps, predicted(A[p.name], points[best].lr as number, x.seed).steps, `${p.name}/${o.name} seed ${x.seed}`));
      const def = runs.filter((x) => x.phase === 'default' && x.problem === p.name && x.optimizer === o.name);
      assert.equal(def.length, 1);
      assert.equal(def[0].steps, predicted(A[p.name], o.defaults.lr as number, 3).steps);
    }
  }
  // Each scored run's steps to target equal timeToTarget over its own evaluation curve.
  const curves = r.curves.objects() as Array<Record<string, any>>;
  for (const x of runs) {
    const mine = curves.filter((c) => c.phase === x.phase && c.problem === x.problem && c.optimizer === x.optimizer && c.seed === x.seed);
    assert.equal(timeToTarget(mine, { metric: 'loss', value: 1e-3 }).steps, x.steps, `${x.phase} ${x.problem}/${x.optimizer} seed ${x.seed}`);
  }
  // The summary and the scores are those of the runs table (recomputed by benchmarkTables from it).
  const again = benchmarkTables(r.runs);
  assert.deepEqual(r.scores.objects(), again.scores.objects());
  const sum = r.summary.objects() as Array<Record<string, any>>;
  const steepFast = sum.find((x) => x.phase === 'tuned' && x.problem === 'steep' && x.optimizer === 'gd-fast')!;
  const tunedFast = runs.filter((x) => x.phase === 'tuned' && x.problem === 'steep' && x.optimizer === 'gd-fast').map((x) => x.steps);
  assert.equal(steepFast.steps, (tunedFast[0] + tunedFast[1]) / 2, 'median of two seeds');
});

test('benchmark: bad input is refused with the fix', async () => {
  const problems = fx.problems();
  await assert.rejects(benchmark({ problems, optimizers: ['nope'], budget: 2 }), /unknown optimizer 'nope'; known: adamw, nesterov, lion, soap, muon, scheduleFreeAdamw, sania/);
  await assert.rejects(benchmark({ problems, optimizers: [fx.optimizers['gd-fast']], budget: 0 }), /budget \(tuning trials per optimizer\) must be a positive integer/);
  await assert.rejects(benchmark({ problems: [problems[0], problems[0]], optimizers: [fx.optimizers['gd-fast']] }), /problem names must be unique/);
  await assert.rejects(benchmark({ problems, optimizers: [fx.optimizers['gd-fast']], budget: 1, target: { metric: 'loss', value: NaN } }), /target must be \{ metric, value/);
  await assert.rejects(benchmark({ problems: [], optimizers: ['adamw'] }), /problems must be a non-empty array/);
});

test('an interrupt (the kernel\'s stop probe) stops the benchmark with KeyboardInterrupt instead of recording a miss', async () => {
  const key = Symbol.for('flowlab.interruptRequested');
  let polls = 0;
  (globalThis as Record<symbol, unknown>)[key] = () => ++polls > 40;   // Stop pressed during the second trial
  const before = tf.memory().numTensors;
  try {
    await assert.rejects(benchmark({ problems: fx.problems(), optimizers: [fx.optimizers['gd-slow']], budget: 3, progress: false }),
      (e: Error) => e.name === 'KeyboardInterrupt' && /interrupted at step \d+ of 30 \(steep, gd-slow\)/.test(e.message));
  } finally {
    delete (globalThis as Record<symbol, unknown>)[key];
  }
  assert.equal(tf.memory().numTensors, before, 'the interrupted run freed its tensors');
});

test('sweepable: the benchmark split over two kernels by fl.lab.sweep gives the profiles of one in-process run', { timeout: 240_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'flowlab-bench-sweep-'));
  try {
    const s = await sweep({ notebook: join(fixtures, 'benchmark-sweep.ipynb'), grid: { optimizers: [['gd-fast'], ['gd-slow']] }, local: 2, out, quiet: true });
    assert.equal(s.failed.length, 0, s.failed.map((f) => f.error).join('\n'));
    const one = await benchmark({ problems: fx.problems(), optimizers: [fx.optimizers['gd-fast'], fx.optimizers['gd-slow']], budget: 3, seeds: [1, 2], progress: false });
    const key = (x: Record<string, any>) => `${x.problem}/${x.optimizer}/${x.seed}`;
    const steps = (rows: Array<Record<string, any>>) => Object.fromEntries(rows.map((x) => [key(x), x.steps]));
    assert.deepEqual(steps(s.table.objects() as Array<Record<string, any>>), steps(one.runs.objects() as Array<Record<string, any>>), 'the same steps to target, run by run');
    const bySteps = (t: { scores: { objects(): object[] }; profiles: { objects(): object[] } }) => ({
      scores: (t.scores.objects() as Array<Record<string, any>>).filter((x) => x.by === 'steps'),
      profiles: (t.profiles.objects() as Array<Record<string, any>>).filter((x) => x.by === 'steps'),
    });
    assert.deepEqual(bySteps(benchmarkTables(s.table)), bySteps(one));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
