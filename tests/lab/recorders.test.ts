/**
 * Recorders of fl.train: the evaluation recorder pairs Schedule-Free's averaged point x_t with the
 * iterate w_t of the same row, checked against Schedule-Free SGD's iterates computed by hand
 * (Defazio et al. 2024, arXiv 2405.15682: y = (1−β)z + βx, z ← z − γ∇f(y), x ← (1−c)x + cz).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { problem } from '../../src/tensor/index.js';
import { read } from '../../src/tensor/read.js';
import type { Tensor1D } from '../../src/tensor/types.js';
import * as O from '../../src/optim/index.js';
import { train } from '../../src/lab/train.js';
import { evalRecorder } from '../../src/lab/recorders.js';

/** f(w) = ½·a·(w − c)² on one coordinate. */
const quadratic1d = (a: number, c: number) => problem((w) => tf.mul(0.5 * a, tf.sum(tf.square(tf.sub(w, c)))), { dim: 1, name: 'quadratic1d' });

/** A recorder of w_t itself (column `w`), to see which iterate each row describes. */
const wRecorder = { name: 'w', record: async (c: { w: Tensor1D }) => (await read(c.w))[0] };

test('evalRecorder on Schedule-Free SGD: evalLoss = f(x_t) beside loss = f(w_t), hand-computed for three steps', async () => {
  // f(w) = ½w², w₀ = 1, γ = 0.5, β = 0.9; weights γ² each, so c_{t+1} = 1/(t+1):
  // t = 0: y₀ = x₀ = z₀ = 1;       g = 1    → z₁ = 0.5,     x₁ = 0.5,              y₁ = 0.05 + 0.45 = 0.5
  // t = 1: y₁ = 0.5, x₁ = 0.5;     g = 0.5  → z₂ = 0.25,    x₂ = ½·0.5 + ½·0.25 = 0.375, y₂ = 0.025 + 0.3375 = 0.3625
  // t = 2: y₂ = 0.3625, x₂ = 0.375.
  const P = quadratic1d(1, 0);
  const w0 = tf.tensor1d([1]) as Tensor1D;
  const before = tf.memory().numTensors;
  const run = await train(P, O.scheduleFreeSgd({ lr: 0.5, b1: 0.9 }), { w0, steps: 3, progress: false, every: { eval: 1 }, recorders: [wRecorder] });
  const rows = run.table.objects() as Array<Record<string, number>>;
  const y = [1, 0.5, 0.3625], x = [1, 0.5, 0.375];
  rows.forEach((row, t) => {
    assert.ok(Math.abs(row.w - y[t]) < 1e-6, `row ${t}: w_t = y_t = ${y[t]}, got ${row.w}`);
    assert.ok(Math.abs(row.loss - 0.5 * y[t] ** 2) < 1e-6, `row ${t}: loss = f(y_t)`);
    assert.ok(Math.abs(row.evalLoss - 0.5 * x[t] ** 2) < 1e-6, `row ${t}: evalLoss = f(x_t) = ${0.5 * x[t] ** 2}, got ${row.evalLoss}`);
  });
  assert.ok(Math.abs(rows[2].evalLoss - 0.0703125) < 1e-7 && Math.abs(rows[2].loss - 0.06570312) < 1e-7, 'x₂ ≠ y₂: the two columns differ');
  run.w.dispose(); O.disposeState(run.state);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  w0.dispose();
});

test('evalRecorder on Schedule-Free SGD: 12 steps of f(w) = 3/2·(w − 0.5)² against the paper\'s recurrence, every 3 steps', async () => {
  const a = 3, c = 0.5, lr = 0.1, b1 = 0.9, w0v = 2;
  const f = (w: number) => 0.5 * a * (w - c) ** 2;
  const P = quadratic1d(a, c);
  const w0 = tf.tensor1d([w0v]) as Tensor1D;
  const run = await train(P, O.scheduleFreeSgd({ lr, b1 }), { w0, steps: 12, progress: false, every: { eval: 3 }, recorders: [wRecorder] });
  let z = w0v, x = w0v, weightSum = 0;
  (run.table.objects() as Array<Record<string, number | null>>).forEach((row, t) => {
    const y = (1 - b1) * z + b1 * x;
    assert.ok(Math.abs(row.w! - y) < 1e-5, `row ${t}: w_t = y_t`);
    if (t % 3 === 0) assert.ok(Math.abs(row.evalLoss! - f(x)) < 1e-5 * (1 + f(x)), `row ${t}: evalLoss ${row.evalLoss} vs f(x_t) = ${f(x)}`);
    else assert.equal(row.evalLoss, null, `row ${t}: no evaluation`);
    weightSum += lr ** 2;
    z -= lr * a * (y - c);
    const ct = lr ** 2 / weightSum;
    x = (1 - ct) * x + ct * z;
  });
  const [xFinal] = await read(O.evalParams(O.scheduleFreeSgd({ lr, b1 }), run.state) as Tensor1D);
  assert.ok(Math.abs(xFinal - x) < 1e-5, 'the state after the last step holds x_T');
  run.w.dispose(); O.disposeState(run.state); w0.dispose();
});

test('evalRecorder without an evaluation point: evalProblem at w_t', async () => {
  const P = quadratic1d(1, 0), Q = quadratic1d(2, 1);
  const w0 = tf.tensor1d([3]) as Tensor1D;
  const run = await train(P, O.sgd({ lr: 0.25 }), { w0, steps: 3, progress: false, recorders: [evalRecorder(1, Q)] });
  // w: 3 → 2.25 → 1.6875; Q(w) = (w − 1)².
  (run.table.array('evalLoss') as number[]).forEach((v, t) => assert.ok(Math.abs(v - ([3, 2.25, 1.6875][t] - 1) ** 2) < 1e-5, `row ${t}`));
  run.w.dispose(); O.disposeState(run.state); w0.dispose();
});
