/**
 * Every activation × both losses: the MLP's loss, grad, hvp and curvatureGrad against float64
 * central finite differences of an independent plain-TypeScript MLP (tensor's checkDerivatives).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, checkDerivatives } from '../../src/tensor/index.js';
import { mlp, fromModel, mse, crossEntropy, ACTIVATIONS } from '../../src/models/index.js';
import { rng } from '../../src/data/random.js';
import { mlp64, mse64, ce64, type Act } from './reference64.js';

const n = 5;
const widths = [3, 4, 3];
const r = rng(11);
const X = Float64Array.from({ length: n * widths[0] }, () => r.normal());
const labels = Array.from({ length: n }, (_, i) => i % 3);
const Y = new Float64Array(n * 3);
labels.forEach((l, i) => (Y[i * 3 + l] = 1));

for (const a of ACTIVATIONS) {
  for (const [lossName, loss, ref] of [
    ['mse', mse, (f: Float64Array) => mse64(f, Y, n)],
    ['crossEntropy', crossEntropy, (f: Float64Array) => ce64(f, Y, n, 3)],
  ] as const) {
    test(`mlp ${a} + ${lossName}: grad, hvp, curvatureGrad match float64 finite differences`, async () => {
      const before = tf.memory().numTensors;
      const model = mlp({ input: widths[0], hidden: [widths[1]], output: widths[2], activation: a });
      const x = tf.tensor2d(Float32Array.from(X), [n, widths[0]]);
      const y = tf.tensor2d(Float32Array.from(Y), [n, 3]);
      const P = fromModel(model, { x, y }, loss);
      // Scale w up so that activations see their curvature (pre-activations of order 1–2).
      const w0 = model.init(3).map((v) => 2 * v);
      const w = tf.tensor1d(w0);
      const report = await checkDerivatives(P, w, {
        reference: (w64) => ref(mlp64(w64, X, n, widths, a as Act)),
        // relu's second and third derivatives vanish away from kinks; FD near a kink is the only risk.
        directions: 2,
      });
      assert.ok(report.pass, report.toString());
      tf.dispose([x, y, w]);
      P.dispose();
      assert.equal(tf.memory().numTensors, before, 'no tensors leak');
    });
  }
}
