/**
 * Block Lanczos with full re-orthogonalisation. Block size k finds eigenvalues of multiplicity up
 * to k (single-vector Lanczos sees one copy of a repeated eigenvalue only); with k = 1 it is the
 * classical Lanczos recurrence whose projected matrix T is tridiagonal. Lanczos (1950);
 * Golub & Underwood (1977) for the block form.
 */
import { combine, dot } from '../linalg/vec.js';
import { eigh } from '../linalg/eigh.js';
import { tridiagonalEigh } from '../linalg/tridiagonal.js';
import { gramSchmidt } from '../linalg/qr.js';
import type { SymOperator } from '../operator.js';
import { checkInterrupt, relativeResidual, startBlock, type SolverOptions, type SolverResult } from './common.js';

interface Block {
  Q: Float32Array[];
  /** QᵀHQ, row-major b×b. */
  A: Float64Array;
  /** Coupling to the next block: H Q = … + Q_next B, row-major (b_next × b). */
  B: Float64Array | null;
  nextSize: number;
}

/** Top-k eigenpairs of op by block Lanczos (block size k), stopping on relative residual ≤ tol. Async: one operator read per block step. */
export async function lanczos(op: SymOperator, { k, tol, maxIter, start, rng }: SolverOptions): Promise<SolverResult> {
  const dim = op.dim;
  const blocks: Block[] = [];
  const basis: Float32Array[] = [];
  let Qj = startBlock(dim, k, start, rng);
  let result: SolverResult | null = null;
  for (let it = 0; it < maxIter; it++) {
    checkInterrupt();
    const b = Qj.length;
    const Q32 = Qj.map((q) => new Float32Array(q));
    const W = await op.apply(Qj);
    const A = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) A[i * b + j] = dot(Qj[i], W[j]);
    symmetrize(A, b);
    // W ← W − Q_j A − Q_{j−1} B_{j−1}ᵀ, then full re-orthogonalisation inside gramSchmidt
    for (let j = 0; j < b; j++) for (let i = 0; i < b; i++) subtract(W[j], A[i * b + j], Qj[i]);
    const prev = blocks[blocks.length - 1];
    if (prev && prev.B) {
      const bp = prev.Q.length;
      for (let j = 0; j < b; j++) for (let i = 0; i < bp; i++) subtract(W[j], prev.B[j * bp + i], prev.Q[i]);
    }
    basis.push(...Q32);
    const room = dim - basis.length;
    const { R, dropped } = gramSchmidt(W, { against: basis, dropTol: 1e-8 });
    // deficient directions: the Krylov space is invariant there; restart them with random vectors
    let next = W.filter((_, i) => !dropped.includes(i));
    let Bfull = rowsOf(R, b, dropped);
    if (dropped.length && room > next.length) {
      const extra = startBlock(dim, Math.min(dropped.length, room - next.length), [], rng, [...basis, ...next.map((v) => new Float32Array(v))] as Float32Array[]);
      next = next.concat(extra);
      Bfull = new Float64Array([...Bfull, ...new Float64Array(extra.length * b)]);
    }
    if (next.length > room) {
      next = next.slice(0, room);
      Bfull = Bfull.slice(0, room * b);
    }
    blocks.push({ Q: Q32, A, B: Bfull, nextSize: next.length });
    result = ritz(blocks, basis, k, dim, false);
    const done = result.residuals.slice(0, k).every((r) => r <= tol);
    if (done || next.length === 0 || it === maxIter - 1) {
      result = ritz(blocks, basis, k, dim, true);
      result.iterations = it + 1;
      result.converged = done || next.length === 0;
      return result;
    }
    Qj = next;
  }
  return result!;
}

/** Rayleigh–Ritz on the block tridiagonal T; residual of pair i is ‖B_last · s_last,i‖. */
function ritz(blocks: Block[], basis: Float32Array[], k: number, dim: number, withVectors: boolean): SolverResult {
  const n = basis.length;
  const T = new Float64Array(n * n);
  let off = 0;
  for (const bl of blocks) {
    const b = bl.Q.length;
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) T[(off + i) * n + off + j] = bl.A[i * b + j];
    if (bl.B && off + b < n) {
      const bn = bl.nextSize;
      for (let i = 0; i < bn; i++) for (let j = 0; j < b; j++) {
        T[(off + b + i) * n + off + j] = bl.B[i * b + j];
        T[(off + j) * n + off + b + i] = bl.B[i * b + j];
      }
    }
    off += b;
  }
  const eig = blocks.every((bl) => bl.Q.length === 1) ? tridiagonalEigh(diagOf(T, n), subDiagOf(T, n)) : eigh(T, n);
  const last = blocks[blocks.length - 1];
  const bl = last.Q.length;
  const lastOff = n - bl;
  const kk = Math.min(k, n);
  const values: number[] = [], vectors: Float64Array[] = [], res: number[] = [];
  const maxAbs = Math.max(Math.abs(eig.values[0]), Math.abs(eig.values[n - 1]));
  for (let r = 0; r < kk; r++) {
    const col = n - 1 - r;
    const theta = eig.values[col];
    let rr = 0;
    for (let i = 0; i < last.nextSize; i++) {
      let s = 0;
      for (let j = 0; j < bl; j++) s += last.B![i * bl + j] * eig.vectors[(lastOff + j) * n + col];
      rr += s * s;
    }
    if (withVectors) {
      const coef = new Float64Array(n);
      for (let i = 0; i < n; i++) coef[i] = eig.vectors[i * n + col];
      vectors.push(combine(basis, coef, dim));
    }
    values.push(theta);
    res.push(relativeResidual(Math.sqrt(rr), theta, maxAbs));
  }
  return { values, vectors, residuals: res, iterations: blocks.length, converged: false };
}

function subtract(x: Float64Array, c: number, q: ArrayLike<number>): void {
  if (c === 0) return;
  for (let i = 0; i < x.length; i++) x[i] -= c * q[i];
}

function symmetrize(A: Float64Array, b: number): void {
  for (let i = 0; i < b; i++) for (let j = i + 1; j < b; j++) {
    const s = 0.5 * (A[i * b + j] + A[j * b + i]);
    A[i * b + j] = s; A[j * b + i] = s;
  }
}

/** R (b×b) without the rows of dropped vectors: the coupling block of the kept ones. */
function rowsOf(R: Float64Array, b: number, dropped: number[]): Float64Array {
  const rows: number[] = [];
  for (let i = 0; i < b; i++) if (!dropped.includes(i)) for (let j = 0; j < b; j++) rows.push(R[i * b + j]);
  return new Float64Array(rows);
}

function diagOf(T: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = T[i * n + i];
  return d;
}

function subDiagOf(T: Float64Array, n: number): Float64Array {
  const e = new Float64Array(Math.max(0, n - 1));
  for (let i = 0; i < n - 1; i++) e[i] = T[(i + 1) * n + i];
  return e;
}
