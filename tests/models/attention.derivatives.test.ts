/**
 * ViT, causal transformer (token and vector inputs) and GroupNorm ResNet end to end through the
 * derivative-check harness on tiny instances, against float64 finite differences of independent
 * plain-TypeScript forward passes (reference64nets.ts). With dim > 64 the harness checks along 2–3
 * random unit directions (float64 central differences), tolerances: the harness's reference
 * defaults (grad 1e-5, hvp 1e-4, curvatureGrad 1e-3, relative).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, checkDerivatives } from '../../src/tensor/index.js';
import { vit, transformer, resnet, fromModel, mse, crossEntropy, maskedCrossEntropy, maskedMse, type Model, type Loss } from '../../src/models/index.js';
import { sortingTask, ar1Sequences } from '../../src/data/synthetic/index.js';
import { rng } from '../../src/data/random.js';
import { ce64, mse64, type Img64 } from './reference64.js';
import { resnet64, transformer64, vit64 } from './reference64nets.js';

/** Masked row-mean of ½‖f − y‖² or −y·log softmax f (rows of width C, mask per row). */
function maskedRef(kind: 'mse' | 'ce', f: Float64Array, y: ArrayLike<number>, mask: ArrayLike<number>, C: number): number {
  const keepF: number[] = [];
  const keepY: number[] = [];
  let rows = 0;
  for (let r = 0; r < mask.length; r++) {
    if (!mask[r]) continue;
    rows++;
    for (let c = 0; c < C; c++) {
      keepF.push(f[r * C + c]);
      keepY.push(y[r * C + c]);
    }
  }
  return kind === 'mse' ? mse64(Float64Array.from(keepF), keepY, rows) : ce64(Float64Array.from(keepF), keepY, rows, C);
}

function imageData(n: number, shape: number[], classes: number, seed: number) {
  const r = rng(seed);
  const v = Float64Array.from({ length: n * shape.reduce((a, b) => a * b) }, () => r.normal());
  const Y = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) Y[i * classes + (i % classes)] = 1;
  const img: Img64 = { n, h: shape[0], w: shape[1], c: shape[2], v };
  return { img, Y, x: tf.tensor(Float32Array.from(v), [n, ...shape]), y: tf.tensor2d(Float32Array.from(Y), [n, classes]) };
}

async function check(model: Model, data: { x: tf.Tensor; y: tf.Tensor; mask?: tf.Tensor }, loss: Loss, reference: (w: Float64Array) => number, s: number) {
  const before = tf.memory().numTensors;
  const P = fromModel(model, data, loss);
  const r = rng(4);
  // Random N(0, s²) weights: zero-initialised heads would make the check trivial.
  const w = tf.tensor1d(Float32Array.from({ length: model.numParams }, () => s * r.normal()));
  const report = await checkDerivatives(P, w, { reference, directions: 2 });
  assert.equal(report.mode, 'reference-float64');
  assert.ok(report.pass, report.toString());
  w.dispose();
  P.dispose();
  assert.equal(tf.memory().numTensors, before);
}

const vitOpts = { patch: 2, dim: 4, depth: 1, heads: 2, dimHead: 2, mlp: 4, output: 3 };
const resOpts = { width: 2, stages: [1, 1], output: 3 };

for (const [lossName, loss] of [['mse', mse], ['crossEntropy', crossEntropy]] as const) {
  const ref = (f: Float64Array, Y: Float64Array, n: number) => (lossName === 'mse' ? mse64(f, Y, n) : ce64(f, Y, n, 3));
  test(`vit (tiny: patch 2, dim 4, depth 1, heads 2) + ${lossName}: derivatives match float64 finite differences`, async () => {
    const d = imageData(2, [4, 4, 1], 3, 1);
    await check(vit({ input: [4, 4, 1], ...vitOpts }), d, loss, (w) => ref(vit64(w, d.img, vitOpts), d.Y, 2), 0.5);
    tf.dispose([d.x, d.y]);
  });
  test(`resnet (tiny: width 2, stages [1, 1]) + ${lossName}: derivatives match float64 finite differences`, async () => {
    const d = imageData(2, [8, 8, 1], 3, 2);
    await check(resnet({ input: [8, 8, 1], ...resOpts }), d, loss, (w) => ref(resnet64(w, d.img, resOpts), d.Y, 2), 0.5);
    tf.dispose([d.x, d.y]);
  });
}

for (const [kind, loss] of [['mse', maskedMse], ['ce', maskedCrossEntropy]] as const) {
  test(`causal transformer on the sorting task (tiny) + masked ${kind}: derivatives match float64 finite differences`, async () => {
    const data = sortingTask({ n: 2, vocab: 3, length: 3, seed: 1 });
    const o = { T: 5, vocab: 3, d: 4, heads: 2, layers: 1, mlp: 4, output: 3 };
    const tokens = data.x.dataSync();
    const Y = data.y.dataSync();
    const M = data.mask!.dataSync();
    await check(transformer({ seqLen: 5, vocab: 3, dModel: 4, heads: 2, layers: 1, mlp: 4 }), data, loss, (w) => maskedRef(kind, transformer64(w, tokens, 2, o), Y, M, 3), 0.5);
    data.dispose();
  });
}

test('transformer with vector inputs (AR(1) sequences) + maskedMse: derivatives match float64 finite differences', async () => {
  const data = ar1Sequences({ n: 2, dim: 2, length: 4, seed: 3, maskFirst: 1 });
  const o = { T: 3, inputDim: 2, d: 4, heads: 2, layers: 1, mlp: 4, output: 2 };
  const X = data.x.dataSync();
  const Y = data.y.dataSync();
  const M = data.mask!.dataSync();
  await check(transformer({ seqLen: 3, inputDim: 2, dModel: 4, heads: 2, layers: 1, mlp: 4 }), data, maskedMse, (w) => maskedRef('mse', transformer64(w, X, 2, o), Y, M, 2), 0.5);
  data.dispose();
});
