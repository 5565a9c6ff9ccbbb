/**
 * Adaptive batch sizes (AdAdaGrad, Lau et al. 2024): the test statistics against float64 sums
 * written here, the growth rule, and fl.train with `batchSize` on a least-squares model problem —
 * the first row's test ratio and the next batch size recomputed by hand from closed-form
 * microbatch gradients, and the batch growing when the test fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import type { Tensor1D } from '../../src/tensor/types.js';
import { readScalars } from '../../src/tensor/read.js';
import * as O from '../../src/optim/index.js';
import { train } from '../../src/lab/train.js';
import { adaptiveBatch, batchTestStatistics, nextBatchSize } from '../../src/lab/batch-size.js';
import { fromModel } from '../../src/models/fromModel.js';
import { linear } from '../../src/models/toys.js';
import { rng } from '../../src/data/random.js';

const near = (a: number, b: number, rtol = 1e-4, what = '') => assert.ok(Math.abs(a - b) <= rtol * Math.abs(b) + 1e-9, `${what}: got ${a}, expected ${b}`);

/** The three variance estimates of the mean of rows g_j, in float64. */
function stats64(G: number[][]) {
  const J = G.length, d = G[0].length;
  const gb = Array.from({ length: d }, (_, i) => G.reduce((s, g) => s + g[i], 0) / J);
  const g2 = gb.reduce((s, x) => s + x * x, 0);
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
  const c = 1 / (J * (J - 1));
  const Vn = c * G.reduce((s, g) => s + g.reduce((t, x, i) => t + (x - gb[i]) ** 2, 0), 0);
  const Vip = c * G.reduce((s, g) => s + (dot(g, gb) - g2) ** 2, 0);
  const Vo = c * G.reduce((s, g) => { const a = dot(g, gb) / g2; return s + g.reduce((t, x, i) => t + (x - a * gb[i]) ** 2, 0); }, 0);
  const Rc = Math.max(...gb.map((m, i) => (c * G.reduce((s, g) => s + (g[i] - m) ** 2, 0)) / (m * m)));
  return { g2, Vn, Vip, Vo, Rc };
}

test('batchTestStatistics: ‖ḡ‖² and the norm / inner-product / orthogonality variances of ḡ', async () => {
  const G = [[1, 2, -1], [0.5, 1.5, 0], [2, -1, 1], [1, 1, 1]];
  const t = tf.tensor2d(G);
  const s = batchTestStatistics(t);
  const [g2, Vn, Vip, Vo, Rc] = await readScalars(s);
  tf.dispose([t, ...s]);
  const e = stats64(G);
  near(g2, e.g2, 1e-5, 'g2'); near(Vn, e.Vn, 1e-5, 'Vn'); near(Vip, e.Vip, 1e-5, 'Vip'); near(Vo, e.Vo, 1e-5, 'Vo'); near(Rc, e.Rc, 1e-4, 'Rc');
});

test('nextBatchSize: a failing test asks for ⌈b·V/threshold⌉ (rounded to the microbatch multiple, capped), a passing one keeps b', () => {
  const s = { g2: 2, Vn: 1.5, Vip: 3, Vo: 10 };
  // norm: V/(η²‖ḡ‖²) = 1.5/(0.25·2) = 3 → 8·3 = 24
  assert.deepEqual(nextBatchSize(s, 8, { test: 'norm', eta: 0.5 }), { size: 24, ratio: 3 });
  // inner product: 3/(0.25·4) = 3; augmented adds orthogonality 10/(4·2) = 1.25 → max 3
  assert.equal(nextBatchSize(s, 8, { test: 'innerProduct', theta: 0.5 }).size, 24);
  assert.equal(nextBatchSize({ ...s, Vip: 0 }, 8, { test: 'augmentedInnerProduct', theta: 0.5, nu: 2 }).size, 10);
  assert.equal(nextBatchSize(s, 8, { test: 'norm', eta: 2 }).size, 8);
  // coordinate-wise: R_c/η² = 1.5/0.25 = 6 → 48
  assert.equal(nextBatchSize({ ...s, Rc: 1.5 }, 8, { test: 'coordinateNorm', eta: 0.5 }).size, 48);
  assert.equal(nextBatchSize(s, 8, { test: 'norm', eta: 0.5, multiple: 16 }).size, 32);
  assert.equal(nextBatchSize(s, 8, { test: 'norm', eta: 0.5, bMax: 20 }).size, 20);
});

test('train with an adaptive batch size: the batch grows when the norm test fails, batchSize is a column', async () => {
  const n = 64, d = 3;
  const r = rng(4);
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => r.normal()));
  const Y = X.map((x) => x[0] - 2 * x[1] + 0.5 * x[2] + 0.8 * r.normal());
  const data = { x: tf.tensor2d(X), y: tf.tensor2d(Y.map((y) => [y])) };
  const model = linear({ input: d, output: 1, bias: false });
  const P = fromModel(model, data, 'mse');
  const w0v = [0.2, -0.5, 0.1];
  const before = tf.memory().numTensors;
  const w0 = tf.tensor1d(w0v) as Tensor1D;
  const eta = 0.3, J = 4, b0 = 8;
  const ctrl = adaptiveBatch(P, { test: 'norm', eta, b0, microbatches: J, seed: 0 });
  await assert.rejects(() => train(P, O.adagrad({ lr: 0.1 }), { w0, steps: 1, batch: 4, batchSize: ctrl, progress: false }), /not both/);
  const run = await train(P, O.adagrad({ lr: 0.1 }), { w0, steps: 25, batchSize: ctrl, progress: false });
  const sizes = run.table.array('batchSize') as number[];
  const ratios = run.table.array('batchTest') as number[];
  assert.equal(sizes[0], b0);
  for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] >= sizes[i - 1] && sizes[i] % J === 0, `batch sizes never shrink and stay multiples of J: ${sizes}`);
  assert.ok(sizes[sizes.length - 1] > b0, `the batch grew: ${sizes}`);
  // Row 0 by hand: the controller's draw, J microbatch gradients of ½ mean (xw − y)² at w0.
  const idx = rng(0).permutation(n).slice(0, b0);
  const k = b0 / J;
  const G = Array.from({ length: J }, (_, j) => {
    const g = [0, 0, 0];
    for (const i of idx.slice(j * k, (j + 1) * k)) {
      const res = X[i].reduce((s, x, c) => s + x * w0v[c], 0) - Y[i];
      X[i].forEach((x, c) => { g[c] += (x * res) / k; });
    }
    return g;
  });
  const s = stats64(G);
  near(ratios[0], s.Vn / (eta * eta * s.g2), 1e-3, 'row 0 batchTest');
  const expected = nextBatchSize(s, b0, { test: 'norm', eta, bMax: n, multiple: J }).size;
  assert.equal(sizes[1], expected, `row 1 batch size from the hand statistic (ratio ${ratios[0]})`);
  // Every failing test (ratio > 1) is followed by a larger batch unless capped.
  ratios.forEach((q, i) => { if (i + 1 < sizes.length && q > 1 && sizes[i] < n) assert.ok(sizes[i + 1] > sizes[i], `step ${i}: test failed (${q}) but the batch stayed ${sizes[i]}`); });
  run.w.dispose(); O.disposeState(run.state);
  // The other tests, with Adam (AdAdaGrad's schemes apply to both): same growth contract.
  for (const [testName, opt] of [['innerProduct', O.adam({ lr: 0.05 })], ['augmentedInnerProduct', O.adam({ lr: 0.05 })], ['coordinateNorm', O.adagrad({ lr: 0.1 })]] as const) {
    const c = adaptiveBatch(P, { test: testName, b0, microbatches: J, theta: 0.3, nu: 1, eta });
    const rr = await train(P, opt as O.GradientTransformation, { w0, steps: 8, batchSize: c, progress: false });
    const bs = rr.table.array('batchSize') as number[], q = rr.table.array('batchTest') as number[];
    bs.forEach((b, i) => { if (i + 1 < bs.length) assert.ok(bs[i + 1] >= b && (q[i] <= 1 || b === n || bs[i + 1] > b), `${testName} step ${i}: ${bs}, ${q}`); });
    assert.ok(q.every((x) => Number.isFinite(x) || x === Infinity), `${testName}: ratios ${q}`);
    rr.w.dispose(); O.disposeState(rr.state);
  }
  w0.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leak');
  P.dispose(); tf.dispose([data.x, data.y]);
});
