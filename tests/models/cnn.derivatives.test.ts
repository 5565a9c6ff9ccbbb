/**
 * The CNNs end to end through the derivative-check harness on tiny instances, against float64
 * plain-TypeScript forward passes written from the defining sums (conv, pooling, dense).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, checkDerivatives } from '../../src/tensor/index.js';
import { cnn, eosCnn, fromModel, mse, crossEntropy } from '../../src/models/index.js';
import { rng } from '../../src/data/random.js';
import { act64, blocks, ce64, conv64, dense64, mse64, pool64, type Act } from './reference64.js';

const n = 2;
const [H, W, C] = [4, 4, 2];
const classes = 3;
const r = rng(5);
const X = Float64Array.from({ length: n * H * W * C }, () => r.normal());
const Y = new Float64Array(n * classes);
for (let i = 0; i < n; i++) Y[i * classes + (i % classes)] = 1;

/** Central-flows CNN of width k in float64 (layout: conv0, conv1, dense0, dense1 kernel, dense1 bias). */
function cfCnn64(w: Float64Array, a: Act, k: number): Float64Array {
  const flat = (H / 4) * (W / 4) * 2 * k;
  const [K0, K1, D0, D1, b1] = blocks(w, [9 * C * k, 9 * k * 2 * k, flat * 4 * k, 4 * k * classes, classes]);
  const f = act64[a];
  let z = conv64({ n, h: H, w: W, c: C, v: X }, K0, 3, 3, k);
  z = pool64({ ...z, v: z.v.map(f) }, 'avg');
  z = conv64(z, K1, 3, 3, 2 * k);
  z = pool64({ ...z, v: z.v.map(f) }, 'avg');
  const h = dense64(z.v, n, D0, flat, 4 * k).map(f);
  return dense64(h, n, D1, 4 * k, classes, b1);
}

/** EoS CNN (conv+bias → σ → pool) × widths, dense with bias, in float64. */
function eos64(w: Float64Array, a: Act, widths: number[], pooling: 'avg' | 'max'): Float64Array {
  const f = act64[a];
  let z = { n, h: H, w: W, c: C, v: X };
  let off = 0;
  const take = (s: number) => w.subarray(off, (off += s));
  for (const width of widths) {
    const K = take(9 * z.c * width);
    const b = take(width);
    z = conv64(z, K, 3, 3, width);
    z = pool64({ ...z, v: z.v.map((v, i) => f(v + b[i % width])) }, pooling);
  }
  const flat = z.h * z.w * z.c;
  const D = take(flat * classes);
  const b = take(classes);
  return dense64(z.v, n, D, flat, classes, b);
}

const cases: { name: string; model: () => ReturnType<typeof cnn>; ref: (w: Float64Array) => Float64Array }[] = [
  { name: 'central-flows cnn (gelu)', model: () => cnn({ input: [H, W, C], output: classes, width: 2, activation: 'gelu' }), ref: (w) => cfCnn64(w, 'gelu', 2) },
  { name: 'central-flows cnn (silu)', model: () => cnn({ input: [H, W, C], output: classes, width: 2, activation: 'silu' }), ref: (w) => cfCnn64(w, 'silu', 2) },
  { name: 'eos cnn-tanh (max pool)', model: () => eosCnn({ input: [H, W, C], output: classes, widths: [2, 2], activation: 'tanh', pooling: 'max' }), ref: (w) => eos64(w, 'tanh', [2, 2], 'max') },
  { name: 'eos cnn-avgpool-elu', model: () => eosCnn({ input: [H, W, C], output: classes, widths: [2], activation: 'elu', pooling: 'average' }), ref: (w) => eos64(w, 'elu', [2], 'avg') },
];

for (const c of cases) {
  for (const [lossName, loss, ref] of [
    ['mse', mse, (f: Float64Array) => mse64(f, Y, n)],
    ['crossEntropy', crossEntropy, (f: Float64Array) => ce64(f, Y, n, classes)],
  ] as const) {
    test(`${c.name} + ${lossName}: derivatives match float64 finite differences`, async () => {
      const before = tf.memory().numTensors;
      const model = c.model();
      const x = tf.tensor4d(Float32Array.from(X), [n, H, W, C]);
      const y = tf.tensor2d(Float32Array.from(Y), [n, classes]);
      const P = fromModel(model, { x, y }, loss);
      const w = tf.tensor1d(model.init(1).map((v) => 1.5 * v));
      const report = await checkDerivatives(P, w, { reference: (w64) => ref(c.ref(w64)), directions: 2 });
      assert.ok(report.pass, report.toString());
      tf.dispose([x, y, w]);
      P.dispose();
      assert.equal(tf.memory().numTensors, before);
    });
  }
}
