/**
 * The native CPU path against pure wasm on the derivative harness's quantities: loss, grad, hvp,
 * hvpBatch and curvatureGrad of a GELU MLP, the central-flows CNN and a causal transformer
 * (batched matMuls with transposes, softmax, LayerNorm), computed with the native kernels on
 * (OpenBLAS matMul, C GELU) and off (XNNPACK, JavaScript GELU), and by the cpu backend (elementary-op
 * GELU, plain JavaScript matMul) as a third, independent implementation. Agreement is float32
 * rounding (relative L2 error ≤ 2e-5); the finite-difference checks of each model live in their
 * own suites and run on whichever path the process uses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend } from '../../src/tensor/index.js';
import { nativeActive, nativeStatus } from '../../src/tensor/native/index.js';
import { cnn, mlp, transformer, fromModel, mse, maskedCrossEntropy, type Model, type Loss } from '../../src/models/index.js';
import { sortingTask } from '../../src/data/synthetic/index.js';
import { rng } from '../../src/data/random.js';
import type { Tensor1D, Tensor2D } from '../../src/tensor/types.js';

const skip = nativeStatus().available ? false : `native addon unavailable: ${nativeStatus().reason}`;

type Values = Record<'loss' | 'grad' | 'hvp' | 'hvpBatch' | 'curvatureGrad', Float32Array>;

function evaluate(model: Model, data: { x: tf.Tensor; y: tf.Tensor; mask?: tf.Tensor }, loss: Loss, scale: number): Values {
  const P = fromModel(model, data, loss);
  const r = rng(5);
  const normal = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * r.normal());
  const w = tf.tensor1d(normal(model.numParams, scale)) as Tensor1D;
  const u = tf.tensor1d(normal(model.numParams)) as Tensor1D;
  const v = tf.tensor1d(normal(model.numParams)) as Tensor1D;
  const V = tf.tensor2d(normal(2 * model.numParams), [2, model.numParams]) as Tensor2D;
  const take = (t: tf.Tensor) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  };
  const out: Values = {
    loss: take(P.loss(w)), grad: take(P.grad(w)), hvp: take(P.hvp(w, v)), hvpBatch: take(P.hvpBatch(w, V)), curvatureGrad: take(P.curvatureGrad(w, u, v)),
  };
  P.dispose();
  tf.dispose([w, u, v, V]);
  return out;
}

function relError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

const images = (n: number, shape: number[], classes: number) => {
  const r = rng(9);
  const x = tf.tensor(Float32Array.from({ length: n * shape.reduce((a, b) => a * b) }, () => r.normal()), [n, ...shape]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % classes), 'int32'), classes).toFloat();
  return { x, y };
};

const cases: { name: string; build: () => { model: Model; data: { x: tf.Tensor; y: tf.Tensor; mask?: tf.Tensor }; loss: Loss; scale: number } }[] = [
  { name: 'GELU MLP 48→32→32→4', build: () => ({ model: mlp({ input: 48, hidden: [32, 32], output: 4, activation: 'gelu' }), data: images(40, [48], 4), loss: mse, scale: 0.4 }) },
  { name: 'central-flows CNN (gelu, width 2)', build: () => ({ model: cnn({ input: [8, 8, 3], output: 3, width: 2, activation: 'gelu' }), data: images(6, [8, 8, 3], 3), loss: mse, scale: 0.5 }) },
  {
    name: 'causal transformer on the sorting task',
    build: () => {
      const d = sortingTask({ n: 6, length: 4, vocab: 3, seed: 2 });
      return { model: transformer({ seqLen: d.x.shape[1], vocab: 3, dModel: 8, heads: 2, layers: 1, mlp: 16, outputInitScale: 1 }), data: d, loss: maskedCrossEntropy, scale: 0.5 };
    },
  },
];

for (const c of cases) {
  test(`native and pure wasm agree with the cpu backend: ${c.name}`, { skip }, async () => {
    const { model, data, loss, scale } = c.build();
    const results: Record<string, Values> = {};
    for (const [name, use] of [['native', () => backend.use('wasm', { blas: true })], ['wasm', () => backend.use('wasm', { blas: false })], ['cpu', () => backend.use('cpu')]] as const) {
      await use();
      if (name === 'native') assert.ok(nativeActive());
      // the data tensors live on whichever backend made them; TF.js moves them on first use
      const before = tf.memory().numTensors;
      results[name] = evaluate(model, data, loss, scale);
      assert.equal(tf.memory().numTensors, before, `${name}: no tensors leak`);
    }
    await backend.use('wasm');
    for (const q of Object.keys(results.cpu) as (keyof Values)[]) {
      const native = relError(results.native[q], results.cpu[q]);
      const wasm = relError(results.wasm[q], results.cpu[q]);
      assert.ok(native <= 2e-5, `${q}: native vs cpu relative error ${native.toExponential(2)}`);
      assert.ok(wasm <= 2e-5, `${q}: pure wasm vs cpu relative error ${wasm.toExponential(2)}`);
    }
    tf.dispose([data.x, data.y, ...(data.mask ? [data.mask] : [])]);
  });
}
