/**
 * SDCP solver: KKT on random instances, exact recovery of planted solutions (built so that the
 * answer is known independently), and agreement with the k = 1 closed form X = max(0, −α/β).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveSdcp, sdcpResidual } from '../../src/flows/sdcp.js';
import { symEig } from '../../src/flows/dense.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function gauss(r: () => number) {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}
function randSym(k: number, r: () => number) {
  const M = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) M[i * k + j] = M[j * k + i] = gauss(r);
  return M;
}
/** A random PSD operator on symmetric matrices: B = Σ_r vec(M_r) vec(M_r)ᵀ. */
function randBeta(k: number, r: () => number, terms = k * k + 2) {
  const k2 = k * k;
  const B = new Float64Array(k2 * k2);
  for (let t = 0; t < terms; t++) {
    const M = randSym(k, r);
    for (let p = 0; p < k2; p++) for (let q = 0; q < k2; q++) B[p * k2 + q] += M[p] * M[q];
  }
  return B;
}
function frobDiff(A: Float64Array, B: Float64Array) {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += (A[i] - B[i]) ** 2;
  return Math.sqrt(s);
}

test('k = 1 closed form: X = max(0, −α/β), and X = 0 when α ⪰ 0', () => {
  assert.ok(Math.abs(solveSdcp(new Float64Array([-1]), new Float64Array([4]), 1).X[0] - 0.25) < 1e-15);
  assert.equal(solveSdcp(new Float64Array([0.3]), new Float64Array([4]), 1).X[0], 0);
  assert.equal(solveSdcp(new Float64Array([0.3]), new Float64Array([4]), 1).method, 'zero');
});

test('random instances k = 2..4 satisfy KKT: X ⪰ 0, α + β[X] ⪰ 0, ⟨X, α + β[X]⟩ ≈ 0', async () => {
  const r = rng(7);
  for (let k = 2; k <= 4; k++) {
    for (let rep = 0; rep < 6; rep++) {
      const alpha = randSym(k, r);
      const beta = randBeta(k, r); // full rank: the QP is strictly convex, so a solution exists
      const sol = solveSdcp(alpha, beta, k);
      const res = sdcpResidual(alpha, beta, sol.X, k);
      assert.ok(res.relative < 1e-7, `k=${k} rep=${rep}: relative KKT residual ${res.relative} (method ${sol.method}, ${sol.iterations} it)`);
      assert.deepEqual(res, sol.residual);
    }
  }
});

test('planted solutions: α = Y* − β[X*] with X*Y* = 0 recovers X* (unique when β is positive definite)', () => {
  const r = rng(11);
  for (let k = 2; k <= 4; k++) {
    for (let rank = 1; rank < k; rank++) {
      // random orthogonal basis from the eigenvectors of a random symmetric matrix
      const V = symEig(randSym(k, r), k).vectors;
      const Xs = new Float64Array(k * k);
      const Ys = new Float64Array(k * k);
      for (let q = 0; q < k; q++) {
        const d = 0.5 + r();
        const T = q < rank ? Xs : Ys;
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) T[i * k + j] += d * V[q * k + i] * V[q * k + j];
      }
      const beta = randBeta(k, r, rank === 1 ? 2 : k * k + 2); // rank-deficient β for rank-1 plants
      const k2 = k * k;
      const alpha = new Float64Array(k2);
      for (let p = 0; p < k2; p++) {
        let s = 0;
        for (let q = 0; q < k2; q++) s += beta[p * k2 + q] * Xs[q];
        alpha[p] = Ys[p] - s;
      }
      const sol = solveSdcp(alpha, beta, k);
      assert.ok(sol.residual.relative < 1e-9, `k=${k} rank=${rank}: KKT residual ${sol.residual.relative}`);
      if (rank === 1) continue; // β singular: X* need not be the unique solution, KKT is the check
      const err = frobDiff(sol.X, Xs) / frobDiff(Xs, new Float64Array(k2));
      assert.ok(err < 1e-8, `k=${k} rank=${rank}: relative error ${err} (method ${sol.method}, ${sol.iterations} it)`);
    }
  }
});

test('k = 2 decoupled problem agrees with the k = 1 closed form in each block', () => {
  // α = diag(−3, −1), β[X] = diag(2 X11, 5 X22) (no coupling): X = diag(1.5, 0.2)
  const beta = new Float64Array(16);
  beta[0 * 4 + 0] = 2; // (11,11)
  beta[3 * 4 + 3] = 5; // (22,22)
  const sol = solveSdcp(new Float64Array([-3, 0, 0, -1]), beta, 2);
  const expect = [3 / 2, 0, 0, 1 / 5];
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(sol.X[i] - expect[i]) < 1e-8, `entry ${i}: ${sol.X[i]} vs ${expect[i]}`);
  // one block stable: α = diag(−3, +1) ⇒ X = diag(1.5, 0)
  const sol2 = solveSdcp(new Float64Array([-3, 0, 0, 1]), beta, 2);
  assert.ok(Math.abs(sol2.X[0] - 1.5) < 1e-8 && Math.abs(sol2.X[3]) < 1e-8 && Math.abs(sol2.X[1]) < 1e-8);
});

test('bad input names the argument', () => {
  assert.throws(() => solveSdcp(new Float64Array(3), new Float64Array(16), 2), /alpha/);
  assert.throws(() => solveSdcp(new Float64Array(4), new Float64Array(4), 2), /beta/);
  assert.throws(() => solveSdcp(new Float64Array([NaN]), new Float64Array([1]), 1), /NaN/);
});
