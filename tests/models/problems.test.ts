/** fromModel (full batch and minibatch), quadratic and logistic-regression Problems. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/index.js';
import { mlp, fromModel, mse, quadratic, logisticRegression } from '../../src/models/index.js';
import { gaussianMixture, separable, sortingTask } from '../../src/data/synthetic/index.js';
import { transformer, maskedCrossEntropy } from '../../src/models/index.js';

const arr = (t: tf.Tensor) => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

test('fromModel full batch: loss is mse(model(x), y); spec attached; evaluate reports loss and accuracy', async () => {
  const before = tf.memory().numTensors;
  const data = gaussianMixture({ n: 12, classes: 3, seed: 1 });
  const model = mlp({ input: 2, hidden: [5], output: 3, activation: 'tanh' });
  const P = fromModel(model, data, 'mse');
  const w = tf.tensor1d(model.init(0));
  const f = model.apply(w, data.x);
  const direct = mse(f, data.y);
  assert.ok(Math.abs(arr(P.loss(w))[0] - arr(direct)[0]) < 1e-7);
  assert.equal(P.spec, model.spec);
  assert.equal(P.dim, model.numParams);
  const ev = await P.evaluate(w);
  assert.ok(Math.abs(ev.loss - arr(mse(f, data.y))[0]) < 1e-7);
  assert.ok(ev.accuracy >= 0 && ev.accuracy <= 1);
  tf.dispose([w, f]);
  P.dispose();
  data.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('fromModel minibatches: each epoch visits every example once; the batch gradient is the gradient on that subset', () => {
  const before = tf.memory().numTensors;
  const data = gaussianMixture({ n: 12, classes: 3, seed: 2 });
  const model = mlp({ input: 2, hidden: [4], output: 3, activation: 'gelu' });
  const S = fromModel(model, data, mse, { batch: 4, seed: 5 });
  const seen: number[] = [];
  for (let step = 0; step < 3; step++) seen.push(...S.sample(step));
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
  // Deterministic in (seed, step); a new epoch draws a new order.
  const again = fromModel(model, data, mse, { batch: 4, seed: 5 });
  assert.deepEqual([...again.sample(1)], seen.slice(4, 8));
  const epoch2 = [...S.sample(3), ...S.sample(4), ...S.sample(5)];
  assert.notDeepEqual(epoch2, seen);
  // Gradient on batch `step` equals the full-batch gradient of a problem built on just those rows.
  const idx = S.sample(7);
  const it = tf.tensor1d(idx, 'int32');
  const sub = { x: tf.gather(data.x, it), y: tf.gather(data.y, it) };
  const Q = fromModel(model, sub, mse);
  const w = tf.tensor1d(model.init(1));
  assert.ok(maxDiff(arr(S.grad(w)), arr(Q.grad(w))) < 1e-6);
  // current(): the examples of that batch (Sophia-G's GNB labels are sampled on them).
  assert.equal(maxDiff(arr(S.current().x), arr(sub.x)), 0);
  assert.equal(maxDiff(arr(S.current().y), arr(sub.y)), 0);
  assert.throws(() => fromModel(model, data, mse, { batch: 13 }), /batch must be 'full' or an integer in 1…12/);
  tf.dispose([it, sub.x, sub.y, w]);
  S.dispose();
  again.dispose();
  data.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('quadratic from a spectrum: H has those eigenpairs; grad = Hw, hvp = Hv, third derivative 0', () => {
  const P = quadratic({ spectrum: [10, 2, 0.5], seed: 3 });
  const d = 3;
  for (let k = 0; k < d; k++) {
    const q = Array.from(P.eigenvectors!.subarray(k * d, (k + 1) * d));
    const Hq = [0, 1, 2].map((i) => q.reduce((a, v, j) => a + P.H[i * d + j] * v, 0));
    assert.ok(maxDiff(Hq, q.map((v) => P.eigenvalues![k] * v)) < 1e-12);
  }
  const wv = [1, -2, 0.5];
  const w = tf.tensor1d(wv);
  const v = tf.tensor1d([0.3, 0.1, -1]);
  const Hw = [0, 1, 2].map((i) => wv.reduce((a, x, j) => a + P.H[i * d + j] * x, 0));
  assert.ok(Math.abs(arr(P.loss(w))[0] - 0.5 * wv.reduce((a, x, i) => a + x * Hw[i], 0)) < 1e-5);
  assert.ok(maxDiff(arr(P.grad(w)), Hw) < 1e-5);
  assert.ok(maxDiff(arr(P.hvp(w, v)), [0, 1, 2].map((i) => [0.3, 0.1, -1].reduce((a, x, j) => a + P.H[i * d + j] * x, 0))) < 1e-5);
  assert.ok(maxDiff(arr(P.curvatureGrad(w, v, v)), [0, 0, 0]) === 0);
  tf.dispose([w, v]);
  P.dispose();
  assert.throws(() => quadratic({ H: [[1, 2], [0, 1]] }), /must be symmetric/);
});

test('logisticRegression: loss = mean log(1 + exp(−y xᵀw)), gradient = −mean σ(−y xᵀw) y x', () => {
  const data = separable({ n: 20, dim: 2, margin: 0.2, seed: 4 });
  const P = logisticRegression(data);
  const wv = [0.7, -0.3];
  const w = tf.tensor1d(wv);
  const X = data.x.dataSync();
  const Y = data.y.dataSync();
  let L = 0;
  const g = [0, 0];
  for (let i = 0; i < 20; i++) {
    const m = Y[i] * (X[2 * i] * wv[0] + X[2 * i + 1] * wv[1]);
    L += Math.log1p(Math.exp(-m)) / 20;
    const s = 1 / (1 + Math.exp(m));
    g[0] -= (s * Y[i] * X[2 * i]) / 20;
    g[1] -= (s * Y[i] * X[2 * i + 1]) / 20;
  }
  assert.ok(Math.abs(arr(P.loss(w))[0] - L) < 1e-6);
  assert.ok(maxDiff(arr(P.grad(w)), g) < 1e-6);
  w.dispose();
  P.dispose();
  data.dispose();
});

test('chunked evaluation (ghost batches) gives the same loss, grad, hvp and curvatureGrad, with and without masks', async () => {
  const before = tf.memory().numTensors;
  const cases = [
    { model: mlp({ input: 2, hidden: [4], output: 3, activation: 'tanh' }), data: gaussianMixture({ n: 10, classes: 3, seed: 3 }), loss: mse },
    { model: transformer({ seqLen: 5, vocab: 3, dModel: 4, heads: 2, layers: 1, mlp: 4, outputInitScale: 1 }), data: sortingTask({ n: 7, vocab: 3, length: 3, seed: 2 }), loss: maskedCrossEntropy },
  ];
  for (const { model, data, loss } of cases) {
    const whole = fromModel(model, data, loss, { chunk: 1000 });
    const parts = fromModel(model, data, loss, { chunk: 3 });
    assert.equal(whole.chunk, 1000);
    const w = tf.tensor1d(model.init(2));
    const u = tf.randomNormal([model.numParams], 0, 1, 'float32', 1) as tf.Tensor1D;
    const v = tf.randomNormal([model.numParams], 0, 1, 'float32', 2) as tf.Tensor1D;
    const rel = (a: number[], b: number[]) => maxDiff(a, b) / Math.max(...b.map(Math.abs), 1e-12);
    assert.ok(rel(arr(parts.loss(w)), arr(whole.loss(w))) < 1e-5, `${model.name} loss`);
    assert.ok(rel(arr(parts.grad(w)), arr(whole.grad(w))) < 1e-4, `${model.name} grad`);
    assert.ok(rel(arr(parts.hvp(w, v)), arr(whole.hvp(w, v))) < 1e-4, `${model.name} hvp`);
    assert.ok(rel(arr(parts.curvatureGrad(w, u, v)), arr(whole.curvatureGrad(w, u, v))) < 1e-3, `${model.name} curvatureGrad`);
    const lg = parts.lossAndGrad(w);
    assert.ok(rel(arr(lg.grad), arr(whole.grad(w))) < 1e-4);
    lg.loss.dispose();
    const ev = await parts.evaluate(w);
    assert.ok(Math.abs(ev.loss - (await whole.evaluate(w)).loss) < 1e-5);
    tf.dispose([w, u, v]);
    whole.dispose();
    parts.dispose();
    data.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});
