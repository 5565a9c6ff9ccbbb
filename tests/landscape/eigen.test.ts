/**
 * topEigenpairs / sharpness on quadratics whose spectra are known by construction: diagonal,
 * randomly rotated, clustered and degenerate. All three methods must hit 1e-4 relative accuracy.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import type * as tfTypes from '@tensorflow/tfjs';
import { topEigenpairs, sharpness, preconditionedSharpness, bottomEigenvalue, directionalCurvature } from '../../src/landscape/index.js';
import { lcg, quadraticProblem, randomOrthogonal, rel, symmetricWithSpectrum, useSuiteBackend } from './helpers.js';

before(useSuiteBackend);

const n = 48;
const spectra: Record<string, number[]> = {
  // diagonal entries shuffled so the top ones are not the first coordinates
  diagonal: Array.from({ length: n }, (_, i) => ((i * 17) % n) * 0.25 - 2),
  rotatedDistinct: Array.from({ length: n }, (_, i) => 20 / (1 + i) - 1),
  degenerate: Array.from({ length: n }, (_, i) => (i < 3 ? 12 : i < 5 ? 9 : 4 - i * 0.1)),
  clustered: Array.from({ length: n }, (_, i) => (i < 4 ? 10 - 0.02 * i : 3 - i * 0.05)),
};

function matrixFor(name: string): Float64Array {
  const eigs = spectra[name];
  if (name === 'diagonal') {
    const A = new Float64Array(n * n);
    eigs.forEach((l, i) => { A[i * n + i] = l; });
    return A;
  }
  return symmetricWithSpectrum(eigs, randomOrthogonal(n, 3));
}

for (const name of Object.keys(spectra)) {
  for (const method of ['lanczos', 'lobpcg', 'power'] as const) {
    test(`${method}: top-4 of a ${name} spectrum to 1e-4 relative, with small residuals`, async () => {
      const A = matrixFor(name);
      const P = quadraticProblem(A, n);
      const before = tf.memory().numTensors;
      const r = await topEigenpairs(P, new Float32Array(n), { k: 4, method, maxIter: method === 'power' ? 3000 : undefined });
      assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
      const exact = [...spectra[name]].sort((a, b) => b - a).slice(0, 4);
      exact.forEach((l, i) => assert.ok(rel(r.values[i], l) < 1e-4, `${method} λ${i} = ${r.values[i]}, exact ${l}`));
      assert.equal(r.hvps, P.hvpCalls, 'hvps counts every Hessian-vector product');
      // brute-force check of the vectors: ‖A u − λ u‖ ≤ 1e-3·|λ| in float64, ‖u‖ = 1
      r.vectors.forEach((u, j) => {
        let res = 0, nu = 0;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let t = 0; t < n; t++) s += A[i * n + t] * u[t];
          res += (s - r.values[j] * u[i]) ** 2;
          nu += u[i] * u[i];
        }
        assert.ok(Math.abs(Math.sqrt(nu) - 1) < 1e-5, 'unit norm');
        assert.ok(Math.sqrt(res) < 1e-3 * Math.abs(r.values[j]), `residual of pair ${j}: ${Math.sqrt(res)}`);
      });
    });
  }
}

test('sharpness, bottomEigenvalue and directionalCurvature on a rotated quadratic', async () => {
  const A = matrixFor('rotatedDistinct');
  const P = quadraticProblem(A, n);
  const w = new Float32Array(n);
  assert.ok(rel(await sharpness(P, w), 19) < 1e-5);
  assert.ok(rel(await bottomEigenvalue(P, w), 20 / n - 1) < 1e-4);
  const d = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) { let s = 0; for (let t = 0; t < n; t++) s += A[i * n + t] * d[t]; num += d[i] * s; den += d[i] * d[i]; }
  assert.ok(Math.abs(await directionalCurvature(P, w, d) - num / den) < 1e-5 * Math.abs(num / den) + 1e-6);
});

test('preconditioned sharpness equals the generalised eigenvalue: diagonal closed form a_i/p_i', async () => {
  const a = Array.from({ length: n }, (_, i) => 1 + ((i * 7) % n) / 4);
  const p = Float32Array.from({ length: n }, (_, i) => 0.5 + ((i * 5) % 11) / 3);
  const A = new Float64Array(n * n);
  a.forEach((x, i) => { A[i * n + i] = x; });
  const P = quadraticProblem(A, n);
  const exact = a.map((x, i) => x / p[i]).sort((x, y) => y - x);
  for (const method of ['lanczos', 'lobpcg', 'power'] as const) {
    const r = await topEigenpairs(P, new Float32Array(n), { k: 2, method, preconditioner: p, maxIter: 3000 });
    assert.ok(rel(r.values[0], exact[0]) < 1e-4 && rel(r.values[1], exact[1]) < 1e-4, `${method}: ${r.values} vs ${exact.slice(0, 2)}`);
    // uᵀ diag(p) u = 1 and H u = λ diag(p) u
    for (const [j, u] of r.vectors.entries()) {
      let uDu = 0;
      for (let i = 0; i < n; i++) uDu += p[i] * u[i] * u[i];
      assert.ok(Math.abs(uDu - 1) < 1e-4, `uᵀDu = ${uDu}`);
      for (let i = 0; i < n; i++) assert.ok(Math.abs(a[i] * u[i] - r.values[j] * p[i] * u[i]) < 1e-3);
    }
  }
  assert.ok(rel(await preconditionedSharpness(P, new Float32Array(n), p), exact[0]) < 1e-4);
});

test('preconditioned sharpness on a rotated quadratic equals λmax of the pencil (A, diag p)', async () => {
  // pencil built so its eigenvalues are known: A = D^{1/2} Q Λ Qᵀ D^{1/2}  ⇒  eig(D⁻¹A) = Λ
  const m = 30;
  const lam = Array.from({ length: m }, (_, i) => 6 - 0.3 * i);
  const C = symmetricWithSpectrum(lam, randomOrthogonal(m, 21));
  const r = lcg(4);
  const p = Float32Array.from({ length: m }, () => 0.2 + 2 * r());
  const A = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) A[i * m + j] = Math.sqrt(p[i] * p[j]) * C[i * m + j];
  const P = quadraticProblem(A, m);
  assert.ok(rel(await preconditionedSharpness(P, new Float32Array(m), p, { method: 'lobpcg' }), 6) < 1e-4);
});

test('warm start from exact eigenvectors converges in one block of HVPs, signs aligned', async () => {
  const A = matrixFor('rotatedDistinct');
  const P = quadraticProblem(A, n);
  const cold = await topEigenpairs(P, new Float32Array(n), { k: 2, tol: 1e-6 });
  const flipped = cold.vectors.map((v) => Float32Array.from(v, (x) => -x));
  const warm = await topEigenpairs(P, new Float32Array(n), { k: 2, method: 'lobpcg', warmStart: flipped });
  assert.equal(warm.hvps, 2);
  warm.vectors.forEach((v, j) => {
    let o = 0;
    for (let i = 0; i < n; i++) o += v[i] * flipped[j][i];
    assert.ok(o > 0.999, `sign aligned to the warm start (overlap ${o})`);
  });
});

test('deterministic by seed', async () => {
  const P = quadraticProblem(matrixFor('clustered'), n);
  const a = await topEigenpairs(P, new Float32Array(n), { k: 2, seed: 5, method: 'power', maxIter: 20 });
  const b = await topEigenpairs(P, new Float32Array(n), { k: 2, seed: 5, method: 'power', maxIter: 20 });
  assert.deepEqual(a.values, b.values);
});

test('bad input names the argument and the fix', async () => {
  const P = quadraticProblem(matrixFor('diagonal'), n);
  const w = new Float32Array(n);
  await assert.rejects(() => topEigenpairs(P, w, { k: 0 }), /k must be an integer in \[1, P.dim = 48\]/);
  await assert.rejects(() => topEigenpairs(P, new Float32Array(3)), /w has length 3, expected P.dim = 48/);
  await assert.rejects(() => topEigenpairs(P, w, { method: 'arnoldi' as 'lanczos' }), /method must be/);
  await assert.rejects(() => topEigenpairs(P, w, { warmStart: [new Float32Array(2)] }), /warmStart\[0\] must have length/);
  await assert.rejects(() => topEigenpairs(P, w, { preconditioner: new Float32Array(n) }), /preconditioner\[0\] = 0/);
  await assert.rejects(() => topEigenpairs({} as never, w), /P must be a Problem/);
});

test('EigenTracker grows to every eigenvalue above the threshold (scaled units) and drops those that fall', async () => {
  const { EigenTracker } = await import('../../src/landscape/index.js');
  const m = 30;
  const eigs = Array.from({ length: m }, (_, i) => 30 - 2 * i); // 30, 28, …, −28
  const base = quadraticProblem(symmetricWithSpectrum(eigs, randomOrthogonal(m, 5)), m);
  let factor = 1; // the Hessian is factor·A: lets the test move the spectrum between updates
  const P = {
    ...base,
    hvp: (w: tfTypes.Tensor1D, v: tfTypes.Tensor1D) => tf.tidy(() => tf.mul(factor, base.hvp(w, v))) as tfTypes.Tensor1D,
    hvpBatch: (w: tfTypes.Tensor1D, V: tfTypes.Tensor2D) => tf.tidy(() => tf.mul(factor, base.hvpBatch(w, V))) as tfTypes.Tensor2D,
  };
  const scale = 0.1; // effective eigenvalue 0.1·λ; threshold 1.5 ⇔ λ > 15
  const tr = new EigenTracker(P, { threshold: 1.5, scale });
  const w = new Float32Array(m);
  const r = await tr.update(w);
  const above = eigs.filter((l) => l * scale > 1.5);
  assert.ok(r.values.length >= above.length && r.values.length <= above.length + 1, `tracks ${r.values.length} for ${above.length} above`);
  r.values.forEach((l, i) => assert.ok(rel(l, eigs[i]) < 1e-4, `λ${i} ${l} vs ${eigs[i]}`));
  assert.ok(r.scaled.every((s, i) => Math.abs(s - scale * r.values[i]) < 1e-12));
  factor = 0.6; // now 0.1·0.6·λ > 1.125 (dropBelow) only for λ > 18.75
  const r2 = await tr.update(w);
  const kept = eigs.filter((l) => l * factor * scale >= 0.75 * 1.5);
  assert.equal(r2.values.length, kept.length);
  r2.values.forEach((l, i) => assert.ok(rel(l, factor * eigs[i]) < 1e-4));
  const rq = await tr.rayleigh(w);
  assert.equal(rq.hvps, kept.length);
  rq.values.forEach((l, i) => assert.ok(rel(l, factor * eigs[i]) < 1e-4));
});

test('LOBPCG guard columns: warm start from the previous top-(k+g) vectors still returns exactly the top-k', async () => {
  const A = matrixFor('clustered');
  const P = quadraticProblem(A, n);
  const cold = await topEigenpairs(P, new Float32Array(n), { k: 4, tol: 1e-7 });
  const r = await topEigenpairs(P, new Float32Array(n), { k: 2, method: 'lobpcg', warmStart: cold.vectors, guard: 2 });
  assert.equal(r.values.length, 2);
  assert.equal(r.vectors.length, 2);
  assert.equal(r.hvps, 4, 'one batch for the k + g start columns, already converged');
  [10, 9.98].forEach((l, i) => assert.ok(rel(r.values[i], l) < 1e-4));
  await assert.rejects(() => topEigenpairs(P, new Float32Array(n), { method: 'lobpcg', guard: -1 }), /guard must be a non-negative integer/);
});

test('LOBPCG valueTol (PyHessian-style eigenvalue-change test): the exact top eigenvalue in fewer HVPs than the residual test', async () => {
  const A = matrixFor('rotatedDistinct');
  const P = quadraticProblem(A, n);
  // warm start: the exact top eigenvector (column 0 of the construction's rotation) plus 10 % noise
  const Q = randomOrthogonal(n, 3), noise = lcg(11);
  const u = Float32Array.from({ length: n }, (_, i) => Q[i * n] + 0.1 * (noise() - 0.5));
  const byResidual = await topEigenpairs(P, new Float32Array(n), { k: 1, method: 'lobpcg', warmStart: [u], tol: 1e-6 });
  const byValue = await topEigenpairs(P, new Float32Array(n), { k: 1, method: 'lobpcg', warmStart: [u], tol: 1e-6, valueTol: 1e-6 });
  const exact = spectra.rotatedDistinct[0];
  assert.ok(rel(byValue.values[0], exact) < 1e-5, `λ₁ = ${byValue.values[0]}, exact ${exact}`);
  assert.ok(byValue.converged);
  assert.ok(byValue.hvps < byResidual.hvps, `valueTol stops sooner: ${byValue.hvps} vs ${byResidual.hvps} HVPs`);
  await assert.rejects(() => topEigenpairs(P, new Float32Array(n), { method: 'lobpcg', valueTol: -1 }), /valueTol must lie in \[0, 1\)/);
  await assert.rejects(() => topEigenpairs(P, new Float32Array(n), { method: 'lanczos', valueTol: 1e-5 }), /valueTol applies to method 'lobpcg' only/);
});

test('LOBPCG watch: a pair below the watch line stops on its value, the pair above still converges to tol', async () => {
  // λ₁ = 10 stands alone; λ₂ = 3 sits in a cluster (3, 2.99, 2.98, …) where residuals converge slowly
  const eigs = Array.from({ length: n }, (_, i) => (i === 0 ? 10 : 3 - 0.01 * (i - 1)));
  const P = quadraticProblem(symmetricWithSpectrum(eigs, randomOrthogonal(n, 5)), n);
  const opts = { k: 2, method: 'lobpcg' as const, tol: 1e-6, seed: 2 };
  const full = await topEigenpairs(P, new Float32Array(n), opts);
  const watched = await topEigenpairs(P, new Float32Array(n), { ...opts, watch: { below: 5, valueTol: 1e-3 } });
  assert.ok(rel(watched.values[0], 10) < 1e-6 && watched.residuals[0] <= 1e-6, `λ₁ ${watched.values[0]}, residual ${watched.residuals[0]}`);
  assert.ok(rel(watched.values[1], 3) < 1e-2, `λ₂ ≈ 3 to 1 %: ${watched.values[1]}`);
  assert.ok(watched.converged);
  assert.ok(watched.hvps < full.hvps, `the watched pair stops sooner: ${watched.hvps} vs ${full.hvps} HVPs`);
  await assert.rejects(() => topEigenpairs(P, new Float32Array(n), { ...opts, watch: { below: 5, valueTol: 0 } }), /watch must be \{ below: finite number, valueTol in \(0, 1\) \}/);
  await assert.rejects(() => topEigenpairs(P, new Float32Array(n), { k: 2, watch: { below: 5, valueTol: 1e-3 } }), /with method 'lobpcg'/);
});
