/**
 * fl.train's `batch: number` on fromModel problems: a problem built with { batch: b } trains on its
 * minibatch t at step t. Checked against gradient descent on least squares computed by hand in
 * float64 (closed-form gradient of L_B(w) = (1/|B|) Σ_{i∈B} ½(xᵢᵀk + c − yᵢ)²): with b = n it is
 * full-batch GD, and with b < n each step uses the documented minibatch of that step, with or
 * without the `batch` option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { problem } from '../../src/tensor/index.js';
import { read } from '../../src/tensor/read.js';
import type { Problem, Tensor1D } from '../../src/tensor/types.js';
import * as O from '../../src/optim/index.js';
import { fromModel } from '../../src/models/fromModel.js';
import { linear } from '../../src/models/toys.js';
import { train } from '../../src/lab/train.js';

// 12 examples in 2-D, y = 1·x₁ − 2·x₂ + 0.5 + a fixed perturbation (numbers chosen by hand).
const X = [[1, 0], [0, 1], [-1, 0.5], [0.5, -1], [2, 1], [-0.5, -0.5], [1.5, 0.25], [0, -2], [-1, -1], [0.25, 0.75], [1, 1], [-2, 0.5]];
const Y = X.map(([a, b], i) => a - 2 * b + 0.5 + 0.1 * ((i % 3) - 1));
const n = X.length;

/** ∇ and value of L_B at w = [k₁, k₂, c] (the linear model's layout: kernel then bias), in float64. */
function lossAndGrad(w: number[], idx: ArrayLike<number>): { loss: number; grad: number[] } {
  const g = [0, 0, 0];
  let loss = 0;
  for (const i of Array.from(idx)) {
    const r = w[0] * X[i][0] + w[1] * X[i][1] + w[2] - Y[i];
    loss += 0.5 * r * r;
    g[0] += r * X[i][0]; g[1] += r * X[i][1]; g[2] += r;
  }
  const m = idx.length;
  return { loss: loss / m, grad: g.map((x) => x / m) };
}

function setup() {
  const model = linear({ input: 2, output: 1 });
  const data = { x: tf.tensor2d(X), y: tf.tensor2d(Y.map((y) => [y])) };
  const w0v = [0.3, -0.2, 0.1];
  return { model, data, w0v, w0: tf.tensor1d(w0v) as Tensor1D, dispose: () => tf.dispose([data.x, data.y]) };
}

test('batch = n on fromModel({ batch: n }): the trajectory of full-batch GD (float64 by hand and the full-batch problem)', async () => {
  const { model, data, w0v, w0, dispose } = setup();
  assert.equal(model.numParams, 3);
  const S = fromModel(model, data, 'mse', { batch: n, seed: 3 });
  const F = fromModel(model, data, 'mse');
  const lr = 0.1, steps = 15;
  const mini = await train(S, O.sgd({ lr }), { w0, steps, progress: false, batch: n });
  const full = await train(F, O.sgd({ lr }), { w0, steps, progress: false });
  const all = Array.from({ length: n }, (_, i) => i);
  let w = w0v.slice();
  const lm = mini.table.array('loss') as number[], lf = full.table.array('loss') as number[];
  for (let t = 0; t < steps; t++) {
    const { loss, grad } = lossAndGrad(w, all);
    assert.ok(Math.abs(lm[t] - loss) < 1e-5 * (1 + loss), `step ${t}: minibatch-n loss ${lm[t]} vs GD ${loss}`);
    assert.ok(Math.abs(lm[t] - lf[t]) < 1e-6 * (1 + lf[t]), `step ${t}: same loss as the full-batch problem`);
    w = w.map((x, j) => x - lr * grad[j]);
  }
  const [wm, wf] = [await read(mini.w), await read(full.w)];
  w.forEach((x, j) => {
    assert.ok(Math.abs(wm[j] - x) < 1e-5, `final w[${j}] ${wm[j]} vs ${x}`);
    assert.ok(Math.abs(wm[j] - wf[j]) < 1e-6, `final w[${j}] as full batch`);
  });
  for (const r of [mini, full]) { r.w.dispose(); O.disposeState(r.state); }
  S.dispose(); F.dispose(); w0.dispose(); dispose();
});

test('batch = 4 of 12: step t follows minibatch t (a fresh permutation each epoch), GD by hand on those examples', async () => {
  const { model, data, w0v, w0, dispose } = setup();
  const b = 4, lr = 0.2, steps = 8;
  const S = fromModel(model, data, 'mse', { batch: b, seed: 5 });
  // The minibatches, drawn from a second problem with the same seed through fromModel's public sample(step).
  const D = fromModel(model, data, 'mse', { batch: b, seed: 5 });
  const drawn = Array.from({ length: steps }, (_, t) => Array.from(D.sample(t)));
  D.dispose();
  for (const e of [0, 1]) assert.deepEqual(drawn.slice(3 * e, 3 * e + 3).flat().sort((p, q) => p - q), Array.from({ length: n }, (_, i) => i), `epoch ${e} visits every example once`);
  const before = tf.memory().numTensors;
  const run = await train(S, O.sgd({ lr }), { w0, steps, progress: false, batch: b });
  let w = w0v.slice();
  (run.table.array('loss') as number[]).forEach((l, t) => {
    const { loss, grad } = lossAndGrad(w, drawn[t]);
    assert.ok(Math.abs(l - loss) < 1e-5 * (1 + loss), `step ${t}: loss of minibatch ${drawn[t]} = ${loss}, got ${l}`);
    w = w.map((x, j) => x - lr * grad[j]);
  });
  Array.from(await read(run.w)).forEach((x, j) => assert.ok(Math.abs(x - w[j]) < 1e-5, `final w[${j}] ${x} vs ${w[j]}`));
  run.w.dispose(); O.disposeState(run.state);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  S.dispose(); w0.dispose(); dispose();
});

test('no batch option on fromModel({ batch: 4 }): still minibatch t at step t, as with batch: 4 (GD by hand); a resumed run draws on from its step', async () => {
  const { model, data, w0v, w0, dispose } = setup();
  const b = 4, lr = 0.2, steps = 8;
  const D = fromModel(model, data, 'mse', { batch: b, seed: 7 });
  const drawn = Array.from({ length: steps }, (_, t) => Array.from(D.sample(t)));
  D.dispose();
  assert.notDeepEqual(drawn[1], drawn[0], 'the data has more than one minibatch, so reusing minibatch 0 would show');
  // Minibatch GD in float64: w_{t+1} = w_t − η ∇L_{B_t}(w_t), B_t = the examples of sample(t).
  const ws = [w0v.slice()], losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const { loss, grad } = lossAndGrad(ws[t], drawn[t]);
    losses.push(loss);
    ws.push(ws[t].map((x, j) => x - lr * grad[j]));
  }
  const S = fromModel(model, data, 'mse', { batch: b, seed: 7 });
  const before = tf.memory().numTensors;
  const run = await train(S, O.sgd({ lr }), { w0, steps, progress: false });
  (run.table.array('loss') as number[]).forEach((l, t) => assert.ok(Math.abs(l - losses[t]) < 1e-5 * (1 + losses[t]), `step ${t}: loss of minibatch ${drawn[t]} = ${losses[t]}, got ${l}`));
  Array.from(await read(run.w)).forEach((x, j) => assert.ok(Math.abs(x - ws[steps][j]) < 1e-5, `final w[${j}] ${x} vs ${ws[steps][j]}`));
  run.w.dispose(); O.disposeState(run.state);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  // Stop after 5 steps and resume: steps 5…7 train on minibatches 5…7, not on whatever is current.
  const first = await train(S, O.sgd({ lr }), { w0, steps: 5, progress: false });
  const rest = await train(S, O.sgd({ lr }), { resume: { w: first.w, state: first.state, step: first.step }, steps, progress: false });
  assert.deepEqual(rest.table.array('step'), [5, 6, 7]);
  (rest.table.array('loss') as number[]).forEach((l, k) => assert.ok(Math.abs(l - losses[5 + k]) < 1e-5 * (1 + losses[5 + k]), `resumed step ${5 + k}`));
  Array.from(await read(rest.w)).forEach((x, j) => assert.ok(Math.abs(x - ws[steps][j]) < 1e-5, `resumed final w[${j}] ${x} vs ${ws[steps][j]}`));
  for (const r of [first, rest]) { r.w.dispose(); O.disposeState(r.state); }
  S.dispose(); w0.dispose(); dispose();
});

test('batch: named errors with the fix, before any step', async () => {
  const { model, data, w0, dispose } = setup();
  const F = fromModel(model, data, 'mse');
  const S = fromModel(model, data, 'mse', { batch: 4 });
  const before = tf.memory().numTensors;
  await assert.rejects(train(F, O.sgd(), { w0, steps: 2, progress: false, batch: 4 }), /full batch\. Build it with fl\.problem\.fromModel\(model, data, loss, \{ batch: 4 \}\)/);
  await assert.rejects(train(S, O.sgd(), { w0, steps: 2, progress: false, batch: 6 }), /draws minibatches of 4\. Pass batch: 4, or build the problem with fl\.problem\.fromModel\(model, data, loss, \{ batch: 6 \}\)/);
  await assert.rejects(train(S, O.sgd(), { w0, steps: 2, progress: false, batch: 2.5 }), /options\.batch must be a positive integer or a function/);
  const plain = problem((w) => tf.sum(tf.square(w)), { dim: 3 });
  await assert.rejects(train(plain, O.sgd(), { w0, steps: 2, progress: false, batch: 4 }), /problem\.sample\(batchSize, \{ step \}\)/);
  assert.equal(tf.memory().numTensors, before, 'a refused run allocates nothing');
  const wrong = Object.assign(problem((w) => tf.sum(tf.square(w)), { dim: 3 }), { sample: () => new Int32Array(4) }) as Problem;
  await assert.rejects(train(wrong, O.sgd(), { w0, steps: 2, progress: false, batch: 4 }), /problem\.sample\(4, \{ step: 0 \}\) must return the minibatch's Problem, got object/);
  F.dispose(); S.dispose(); w0.dispose(); dispose();
});
