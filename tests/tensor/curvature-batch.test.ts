/**
 * Problem.curvatureGradBatch: L, ∇L, H Uᵢ and ∇(Uᵢᵀ H Uⱼ) per pair from one shared pass. Checked
 * against float64 finite differences of a plain-TypeScript MLP (every component; grad 1e-5,
 * hvp 1e-4, curvature gradients 1e-3 relative, the harness's tolerances), against central
 * differences of the float32 hvp (d/dε Uᵢᵀ H(w + εz) Uⱼ = zᵀ∇(UᵢᵀHUⱼ); 1e-3 of ‖∇(UᵢᵀHUⱼ)‖), and
 * against the unbatched methods (1e-5); explicit pairs, k = 0, chunked fromModel Problems, bad input
 * and leaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testBackends } from '../backends.js';
import { tf } from '../../src/tensor/tf.js';
import { backend, problem, read } from '../../src/tensor/index.js';
import { mixedDerivative } from '../../src/tensor/stencil.js';
import * as ref from '../../src/tensor/reference.js';
import type { Tensor1D, Tensor2D } from '../../src/tensor/types.js';
import { mlp as modelMlp, fromModel } from '../../src/models/index.js';
import { mlp, type Activation } from './fixtures.js';

/** max|x − y| / (max|y| + floor). */
function relErr(x: ArrayLike<number>, y: ArrayLike<number>, floor = 1e-6): number {
  let d = 0, s = 0;
  for (let i = 0; i < y.length; i++) { d = Math.max(d, Math.abs(x[i] - y[i])); s = Math.max(s, Math.abs(y[i])); }
  return d / (s + floor);
}

function unitRows(k: number, dim: number, seed: number): Float64Array[] {
  const r = ref.rng(seed);
  return Array.from({ length: k }, () => {
    const v = r.normals(dim);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
}

for (const be of testBackends()) {
  test(`curvatureGradBatch matches float64 finite differences, finite differences of hvp and the unbatched methods on ${be}`, async () => {
    await backend.use(be);
    const failures: string[] = [];
    for (const act of ['tanh', 'gelu', 'silu'] as Activation[]) {
      for (const loss of ['mse', 'xent'] as const) {
        const m = mlp(act, loss, { seed: 7 });
        const P = problem(m.loss, { dim: m.dim, name: `${act}/${loss}` });
        const w64 = Float64Array.from(m.w0);
        const us = unitRows(3, m.dim, 11);
        const w = tf.tensor1d(m.w0);
        const U = tf.tensor2d(us.map((u) => Array.from(u)));
        const b = P.curvatureGradBatch!(w, U);
        const [L, g, HU, G] = await Promise.all([b.loss, b.grad, b.hvp, b.curvatureGrad].map((t) => read(t)));
        const pairs = [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]];
        assert.deepEqual(b.curvatureGrad.shape, [6, m.dim]);
        assert.deepEqual(b.hvp.shape, [3, m.dim]);
        // float64 reference: f(w + Σ cⱼ dⱼ) along the coordinate axes and the rows of U
        const at = (dirs: Float64Array[]) => (c: number[]) => m.reference(w64.map((x, i) => x + dirs.reduce((s, d, j) => s + c[j] * d[i], 0)));
        const axis = (l: number) => { const e = new Float64Array(m.dim); e[l] = 1; return e; };
        const fd = (extra: Float64Array[], h: number) => Array.from({ length: m.dim }, (_, l) => mixedDerivative(at([axis(l), ...extra]), 1 + extra.length, h));
        const worst = { loss: Math.abs(L[0] - m.reference(w64)) / Math.abs(m.reference(w64)), grad: relErr(g, fd([], 1e-5)), hvp: 0, curvatureGrad: 0, fdHvp: 0, unbatched: 0 };
        us.forEach((u, i) => { worst.hvp = Math.max(worst.hvp, relErr(HU.subarray(i * m.dim, (i + 1) * m.dim), fd([u], 1e-4))); });
        const rowsT = tf.unstack(U) as Tensor1D[];
        for (const [q, [i, j]] of pairs.entries()) {
          const Gq = G.subarray(q * m.dim, (q + 1) * m.dim);
          worst.curvatureGrad = Math.max(worst.curvatureGrad, relErr(Gq, fd([us[i], us[j]], 2e-3)));
          // d/dε Uᵢᵀ H(w + εz) Uⱼ by a 4-point stencil on the float32 hvp, along Gq itself and a random z
          const norm = Math.hypot(...Gq);
          for (const z of [Float64Array.from(Gq, (x) => x / norm), unitRows(1, m.dim, 100 + q)[0]]) {
            const eps = 1e-2;
            const quad = async (c: number) => {
              const wz = tf.tensor1d(Float32Array.from(w64, (x, l) => x + c * eps * z[l]));
              const hv = P.hvp(wz, rowsT[j]);
              const v = await read(hv);
              tf.dispose([wz, hv]);
              return v.reduce((s, x, l) => s + x * us[i][l], 0);
            };
            const d = (8 * (await quad(1)) - 8 * (await quad(-1)) - (await quad(2)) + (await quad(-2))) / (12 * eps);
            const zG = Gq.reduce((s, x, l) => s + x * z[l], 0);
            worst.fdHvp = Math.max(worst.fdHvp, Math.abs(zG - d) / norm);
          }
          const single = P.curvatureGrad(w, rowsT[i], rowsT[j]);
          worst.unbatched = Math.max(worst.unbatched, relErr(Gq, await read(single)));
          single.dispose();
        }
        const lg = P.lossAndGrad(w);
        const hb = P.hvpBatch(w, U);
        worst.unbatched = Math.max(worst.unbatched, relErr(L, await read(lg.loss)), relErr(g, await read(lg.grad)), relErr(HU, await read(hb)));
        const tol = { loss: 1e-5, grad: 1e-5, hvp: 1e-4, curvatureGrad: 1e-3, fdHvp: 1e-3, unbatched: 1e-5 };
        for (const key of Object.keys(tol) as Array<keyof typeof tol>) {
          if (!(worst[key] <= tol[key])) failures.push(`${act}/${loss} ${key}: ${worst[key].toExponential(2)} > ${tol[key]}`);
        }
        tf.dispose([w, U, b.loss, b.grad, b.hvp, b.curvatureGrad, ...rowsT, lg.loss, lg.grad, hb]);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });
}

for (const be of testBackends()) {
  test(`explicit pairs, k = 0 (empty U: webgpu cannot sum an empty tensor), and a chunked fromModel Problem agree with the unbatched methods on ${be}`, async () => {
    await backend.use(be);
    const m = mlp('tanh', 'mse', { seed: 2 });
    const P = problem(m.loss, { dim: m.dim });
    const w = tf.tensor1d(m.w0);
    const U = tf.tensor2d(unitRows(3, m.dim, 5).map((u) => Array.from(u)));
    const rows = tf.unstack(U) as Tensor1D[];
    const b = P.curvatureGradBatch!(w, U, [[2, 0], [1, 1]]);
    assert.deepEqual(b.curvatureGrad.shape, [2, m.dim]);
    for (const [q, [i, j]] of [[2, 0], [1, 1]].entries()) {
      const single = P.curvatureGrad(w, rows[i], rows[j]);
      assert.ok(relErr((await read(b.curvatureGrad)).subarray(q * m.dim, (q + 1) * m.dim), await read(single)) < 1e-5, `pair (${i}, ${j})`);
      single.dispose();
    }
    const empty = P.curvatureGradBatch!(w, tf.zeros([0, m.dim]) as Tensor2D);
    assert.deepEqual([empty.hvp.shape, empty.curvatureGrad.shape], [[0, m.dim], [0, m.dim]]);
    assert.ok(relErr(await read(empty.grad), await read(b.grad)) < 1e-6);
    tf.dispose([w, U, ...rows, b.loss, b.grad, b.hvp, b.curvatureGrad, empty.loss, empty.grad, empty.hvp, empty.curvatureGrad]);

    // fromModel splits the data into chunks and sums each quantity with the chunks' weights
    const model = modelMlp({ input: 5, hidden: [4], output: 3, activation: 'gelu' });
    const x = tf.randomNormal([10, 5], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3).toFloat();
    const whole = fromModel(model, { x, y }, 'mse');
    const parts = fromModel(model, { x, y }, 'mse', { chunk: 3 });
    const wm = tf.tensor1d(model.init(1));
    const Um = tf.tensor2d(unitRows(2, model.numParams, 9).map((u) => Array.from(u)));
    const [bw, bp] = [whole.curvatureGradBatch!(wm, Um), parts.curvatureGradBatch!(wm, Um)];
    for (const key of ['loss', 'grad', 'hvp', 'curvatureGrad'] as const) {
      assert.ok(relErr(await read(bp[key]), await read(bw[key])) < 1e-5, `chunked ${key}`);
    }
    const r0 = tf.unstack(Um) as Tensor1D[];
    const single = parts.curvatureGrad(wm, r0[0], r0[1]);
    assert.ok(relErr((await read(bp.curvatureGrad)).subarray(model.numParams, 2 * model.numParams), await read(single)) < 1e-5);
    tf.dispose([bw.loss, bw.grad, bw.hvp, bw.curvatureGrad, bp.loss, bp.grad, bp.hvp, bp.curvatureGrad, single, ...r0, wm, Um, x, y]);
    whole.dispose();
    parts.dispose();
  });
}

test('bad input names the argument; no tensors leak over repeated calls, failing ones included', async () => {
  await backend.use('wasm');
  const m = mlp('silu', 'xent', { n: 4, d: 2, h: 3, c: 2 });
  const P = problem(m.loss, { dim: m.dim, name: 'net' });
  const w = tf.tensor1d(m.w0);
  const U = tf.tensor2d(unitRows(2, m.dim, 1).map((u) => Array.from(u)));
  const bad = tf.tensor2d([Array(m.dim).fill(NaN)]);
  const wrong = tf.zeros([m.dim, 2]) as Tensor2D;
  const call = () => { const r = P.curvatureGradBatch!(w, U); tf.dispose([r.loss, r.grad, r.hvp, r.curvatureGrad]); };
  call();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 200; i++) call();
  assert.throws(() => P.curvatureGradBatch!(w, U, [[0, 2]]), /net\.curvatureGradBatch: pairs\[0\] must be \[i, j\] with integers 0 ≤ i, j < 2 \(rows of U\), got \[0,2\]/);
  assert.throws(() => P.curvatureGradBatch!(w, U, [[0.5, 1]] as unknown as [number, number][]), /pairs\[0\] must be \[i, j\]/);
  assert.throws(() => P.curvatureGradBatch!(w, bad as Tensor2D), /argument 'U' contains NaN or Inf/);
  assert.throws(() => P.curvatureGradBatch!(w, wrong), /argument 'U' must have shape \[k, \d+\] \(one vector per ROW\).*transpose/);
  assert.equal(tf.memory().numTensors, before, 'no leaks');
  tf.dispose([w, U, bad, wrong]);
});
