/**
 * Iterative solvers against the dense truth on a small MLP: the full Hessian assembled from HVP
 * columns, diagonalised by Jacobi, itself checked by brute force (A v = λ v residuals).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/index.js';
import { EigenTracker, topEigenpairs, preconditionedSharpness } from '../../src/landscape/index.js';
import { eighJacobi } from '../../src/landscape/linalg/index.js';
import { rel, useSuiteBackend } from './helpers.js';
import { readAndDispose } from '../../src/tensor/read.js';
import { onWebgpu } from '../backends.js';
import { denseHessian, smallMlp } from './mlp.js';

let mlp: Awaited<ReturnType<typeof smallMlp>>;
before(async () => { await useSuiteBackend(); mlp = await smallMlp(); });
after(() => mlp.dispose());

function denseTop(H: Float64Array, n: number): number[] {
  const { values, vectors } = eighJacobi(H, n);
  // brute force: every pair satisfies H v = λ v to float64 accuracy
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += H[i * n + t] * vectors[t * n + j];
    assert.ok(Math.abs(s - values[j] * vectors[i * n + j]) < 1e-10);
  }
  return Array.from(values).reverse();
}

async function gdStep(w: Float32Array, lr: number): Promise<Float32Array> {
  const [gv] = await readAndDispose([tf.tidy(() => mlp.P.grad(tf.tensor1d(w)))]);
  return Float32Array.from(w, (x, i) => x - lr * gv[i]);
}

test('Lanczos, LOBPCG and power agree with the dense Jacobi spectrum of the MLP Hessian', async () => {
  const { P, w0 } = mlp;
  assert.ok(P.dim <= 200);
  const exact = denseTop(await denseHessian(P, w0), P.dim);
  const start = tf.memory().numTensors;
  for (const method of ['lanczos', 'lobpcg', 'power'] as const) {
    const r = await topEigenpairs(P, w0, { k: 3, method });
    assert.ok(r.converged, `${method} converged`);
    exact.slice(0, 3).forEach((l, i) => assert.ok(rel(r.values[i], l) < 1e-4, `${method} λ${i}: ${r.values[i]} vs dense ${l}`));
  }
  assert.equal(tf.memory().numTensors, start);
});

test('preconditioned sharpness equals λmax of D^{-1/2} H D^{-1/2} computed densely', async () => {
  const { P, w0 } = mlp;
  const n = P.dim;
  const p = Float32Array.from({ length: n }, (_, i) => 0.3 + ((i * 13) % 7) / 5);
  const H = await denseHessian(P, w0);
  const S = H.map((h, idx) => h / Math.sqrt(p[Math.floor(idx / n)] * p[idx % n]));
  const exact = denseTop(S, n)[0];
  assert.ok(rel(await preconditionedSharpness(P, w0, p), exact) < 1e-4);
});

test('a warm-started top-1 after a small GD step takes ≤ 5 HVPs and matches the dense value', async () => {
  const { P, w0 } = mlp;
  const first = await topEigenpairs(P, w0, { k: 1 });
  const w1 = await gdStep(w0, 0.001);
  const exact = denseTop(await denseHessian(P, w1), P.dim)[0];
  assert.ok(rel(exact, first.values[0]) > 1e-4, 'the step moved the eigenvalue');
  const warm = await topEigenpairs(P, w1, { k: 1, method: 'lobpcg', warmStart: first.vectors, tol: 1e-4 });
  assert.ok(warm.hvps <= 5, `warm start used ${warm.hvps} HVPs`);
  assert.ok(rel(warm.values[0], exact) < 1e-6, `${warm.values[0]} vs dense ${exact}`);
});

test('EigenTracker along a GD run matches dense recomputation at every step', async () => {
  const { P } = mlp;
  let w = mlp.w0;
  const d0 = denseTop(await denseHessian(P, w), P.dim);
  const scale = 1.5 / ((d0[1] + d0[2]) / 2); // two eigenvalues start above the threshold
  const tr = new EigenTracker(P, { threshold: 1.5, scale });
  const start = tf.memory().numTensors;
  let warmHvps = 0;
  const steps = onWebgpu() ? 3 : 6; // lavapipe emulates the GPU on the CPU: a shorter run there
  for (let step = 0; step < steps; step++) {
    const r = await tr.update(w);
    const dense = denseTop(await denseHessian(P, w), P.dim);
    const above = dense.filter((l) => l * scale > 1.5).length;
    assert.ok(r.values.length >= Math.max(1, above), `step ${step}: tracks ${r.values.length}, dense has ${above} above threshold`);
    r.values.forEach((l, i) => assert.ok(rel(l, dense[i]) < 1e-4, `step ${step} λ${i}: ${l} vs ${dense[i]}`));
    r.scaled.forEach((s, i) => assert.ok(Math.abs(s - r.values[i] * scale) < 1e-12));
    if (step > 0) warmHvps += r.hvps;
    // cached vectors re-evaluated by Rayleigh quotients give the same values
    const rq = await tr.rayleigh(w);
    rq.values.forEach((l, i) => assert.ok(rel(l, r.values[i]) < 1e-4));
    w = await gdStep(w, 0.02);
  }
  assert.equal(tf.memory().numTensors, start);
  assert.ok(warmHvps / (steps - 1) < 40, `warm tracking averaged ${warmHvps / (steps - 1)} HVPs per step`);
});
