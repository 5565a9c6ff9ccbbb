/**
 * Dense linear algebra against matrices built with known eigendecompositions and factorisations
 * (constructed here in float64, independently of the routines under test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eighJacobi, eigh, tridiagonalEigh, cholesky, solveLower, solveLowerTransposed, qr, gramSchmidt, eighGeneralized } from '../../src/landscape/linalg/index.js';
import { lcg, randomOrthogonal, symmetricWithSpectrum } from './helpers.js';

/** max |A v_j − λ_j v_j| over all pairs, and max |VᵀV − I|. */
function eigChecks(A: Float64Array, n: number, values: Float64Array, V: Float64Array): { res: number; orth: number } {
  let res = 0, orth = 0;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += A[i * n + t] * V[t * n + j];
    res = Math.max(res, Math.abs(s - values[j] * V[i * n + j]));
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += V[t * n + a] * V[t * n + b];
    orth = Math.max(orth, Math.abs(s - (a === b ? 1 : 0)));
  }
  return { res, orth };
}

const spectra: Record<string, number[]> = {
  distinct: Array.from({ length: 12 }, (_, i) => 5 - 0.7 * i),
  degenerate: [4, 4, 4, 1, 1, -2, -2, -2, 0, 0, 3, 3.0000001],
  clustered: [10, 10 - 1e-6, 10 - 2e-6, 1, 0.5, -1e-3, 7, 7, 2, 2, 2, -5],
};

for (const [name, eigs] of Object.entries(spectra)) {
  for (const [solver, fn] of [['eighJacobi', eighJacobi], ['eigh', eigh]] as const) {
    test(`${solver} recovers a ${name} spectrum of Q diag(λ) Qᵀ`, () => {
      const n = eigs.length;
      const A = symmetricWithSpectrum(eigs, randomOrthogonal(n, 7));
      const { values, vectors } = fn(A, n);
      const sorted = [...eigs].sort((a, b) => a - b);
      sorted.forEach((l, i) => assert.ok(Math.abs(values[i] - l) < 1e-12 * 10, `${solver} λ${i} = ${values[i]} vs ${l}`));
      const { res, orth } = eigChecks(A, n, values, vectors);
      assert.ok(res < 1e-12, `residual ${res}`);
      assert.ok(orth < 1e-12, `orthogonality ${orth}`);
    });
  }
}

test('tridiagonalEigh matches the closed form of the 1-D Laplacian tridiag(−1, 2, −1)', () => {
  const n = 30;
  const { values, vectors } = tridiagonalEigh(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1));
  for (let k = 1; k <= n; k++) {
    const exact = 2 - 2 * Math.cos((k * Math.PI) / (n + 1));
    assert.ok(Math.abs(values[k - 1] - exact) < 1e-13, `λ${k}`);
    // eigenvector ∝ sin(j k π/(n+1)); compare up to sign after normalisation
    const v = Array.from({ length: n }, (_, j) => Math.sin(((j + 1) * k * Math.PI) / (n + 1)));
    const nv = Math.hypot(...v);
    let overlap = 0;
    for (let j = 0; j < n; j++) overlap += (v[j] / nv) * vectors[j * n + (k - 1)];
    assert.ok(Math.abs(Math.abs(overlap) - 1) < 1e-10, `eigenvector ${k} overlap ${overlap}`);
  }
});

test('tridiagonalEigh handles a split (zero off-diagonal) matrix and bad input', () => {
  const { values } = tridiagonalEigh([3, 1, 2], [0, 0]);
  assert.deepEqual(Array.from(values), [1, 2, 3]);
  assert.throws(() => tridiagonalEigh([1, 2, 3], [1]), /offDiag must have length/);
  assert.throws(() => tridiagonalEigh([1, NaN], [1]), /finite/);
});

test('cholesky factors L Lᵀ of a constructed lower-triangular L, and the solves invert it', () => {
  const n = 8, r = lcg(3);
  const L0 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L0[i * n + j] = i === j ? 1 + r() : r() - 0.5;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let t = 0; t < n; t++) A[i * n + j] += L0[i * n + t] * L0[j * n + t];
  const L = cholesky(A, n);
  for (let i = 0; i < n * n; i++) assert.ok(Math.abs(L[i] - L0[i]) < 1e-12);
  const x = Array.from({ length: n }, () => r());
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let t = 0; t < n; t++) b[i] += A[i * n + t] * x[t];
  const y = solveLowerTransposed(L, solveLower(L, b, n), n);
  x.forEach((xi, i) => assert.ok(Math.abs(y[i] - xi) < 1e-11));
  assert.throws(() => cholesky(new Float64Array([1, 2, 2, 1]), 2), /not positive definite/);
  assert.throws(() => cholesky(new Float64Array([1, 2, 3]), 2), /n·n = 4/);
});

test('qr: Q has orthonormal columns, R is upper triangular and QR = A; Gram–Schmidt drops dependent vectors', () => {
  const m = 9, n = 5, r = lcg(11);
  const A = Float64Array.from({ length: m * n }, () => r() - 0.5);
  const { Q, R } = qr(A, m, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += Q[i * n + t] * R[t * n + j];
    assert.ok(Math.abs(s - A[i * n + j]) < 1e-13);
  }
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) assert.equal(R[i * n + j], 0);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += Q[i * n + a] * Q[i * n + b];
    assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-14);
  }
  const v = [new Float64Array([1, 0, 0]), new Float64Array([2, 0, 0]), new Float64Array([1, 1, 0])];
  assert.deepEqual(gramSchmidt(v).dropped, [1]);
});

test('eighGeneralized solves A x = λ B x for A = L Q Λ Qᵀ Lᵀ, B = L Lᵀ (x = L⁻ᵀ q, xᵀBx = 1)', () => {
  const n = 7, r = lcg(5);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = i === j ? 0.5 + r() : r() - 0.5;
  const lam = [3, -1, 0.5, 2, 2, 7, -4];
  const C = symmetricWithSpectrum(lam, randomOrthogonal(n, 9));
  const A = new Float64Array(n * n), B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let s = 0; s < n; s++) {
    B[i * n + j] += L[i * n + s] * L[j * n + s];
    for (let t = 0; t < n; t++) A[i * n + j] += L[i * n + s] * C[s * n + t] * L[j * n + t];
  }
  const { values, vectors: X } = eighGeneralized(A, B, n);
  [...lam].sort((a, b) => a - b).forEach((l, i) => assert.ok(Math.abs(values[i] - l) < 1e-11, `λ${i}`));
  for (let j = 0; j < n; j++) {
    let xBx = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0, bx = 0;
      for (let t = 0; t < n; t++) { ax += A[i * n + t] * X[t * n + j]; bx += B[i * n + t] * X[t * n + j]; }
      assert.ok(Math.abs(ax - values[j] * bx) < 1e-10);
      xBx += X[i * n + j] * bx;
    }
    assert.ok(Math.abs(xBx - 1) < 1e-12);
  }
});

test('dense solvers name the bad argument', () => {
  assert.throws(() => eigh(new Float64Array(5), 2), /eigh: A must hold n·n = 4/);
  assert.throws(() => eighJacobi(new Float64Array([1, NaN, NaN, 1]), 2), /A\[1\] is NaN/);
  assert.throws(() => qr(new Float64Array(6), 2, 3), /m ≥ n/);
});
