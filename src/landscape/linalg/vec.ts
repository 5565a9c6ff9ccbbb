/**
 * Float64-accumulating vector kernels over Float32Array / Float64Array. Solver vectors can have
 * millions of entries; these loops keep every reduction in float64 whatever the storage type.
 * Long Float64Array vectors go to the native addon's chunked float64 kernels when it is loaded
 * (native/vec.c: dgram, dcombine; several times faster than these loops, same float64 arithmetic up
 * to the order of the sums); the loops here are the pure-JS path (FLOWLAB_BLAS=0, no addon).
 */
import { nativeAddon, type NativeAddon } from '../../tensor/native/addon.js';

/** A dense vector stored in single or double precision. */
export type Vec = Float32Array | Float64Array;

/** Below this length a native call costs more than the loop. */
const NATIVE_MIN = 1 << 14;
type BlockKernels = Required<Pick<NativeAddon, 'dgram' | 'dcombine'>>;

/** The native float64 kernels when loaded and every vector is a long Float64Array, else undefined. */
function nativeFor(vs: Vec[], len: number): BlockKernels | undefined {
  if (len < NATIVE_MIN) return undefined;
  const addon = nativeAddon();
  if (!addon?.dgram || !addon.dcombine) return undefined; // an addon built before these kernels
  for (const v of vs) if (!(v instanceof Float64Array) || v.length !== len) return undefined;
  return addon as BlockKernels;
}

/** xᵀy accumulated in float64. @example dot(new Float64Array([1, 2]), new Float64Array([3, 4])) // 11 */
export function dot(x: Vec, y: Vec): number {
  const nat = nativeFor([x, y], x.length);
  if (nat) {
    const g = new Float64Array(1);
    nat.dgram([x as Float64Array], [y as Float64Array], g);
    return g[0];
  }
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** ‖x‖₂ in float64. @example norm(new Float64Array([3, 4])) // 5 */
export function norm(x: Vec): number {
  return Math.sqrt(dot(x, x));
}

/** y ← y + a·x (in place; returns y). @example axpy(y, 2, x) */
export function axpy(y: Vec, a: number, x: Vec): Vec {
  const nat = nativeFor([x, y], y.length);
  if (nat) { nat.dcombine([x as Float64Array], new Float64Array([a]), [y as Float64Array]); return y; }
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
  return y;
}

/** x ← a·x (in place; returns x). @example scale(x, 0.5) */
export function scale(x: Vec, a: number): Vec {
  for (let i = 0; i < x.length; i++) x[i] *= a;
  return x;
}

/** Σⱼ cⱼ·xⱼ as a new Float64Array of length `dim`. @example combine([x, y], [1, -1], x.length) // x − y */
export function combine(xs: Vec[], c: ArrayLike<number>, dim: number): Float64Array {
  const neg = Float64Array.from(c, (x) => -x);
  return subtractCombination(new Float64Array(dim), xs, neg) as Float64Array;
}

/** Elementwise product x ⊙ y as a new Float64Array. @example hadamard(p, v) */
export function hadamard(x: Vec, y: Vec): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * y[i];
  return out;
}

const CHUNK = 2048;

/**
 * c = Qᵀx for many long vectors at once, in cache-sized chunks so x is read from memory once
 * (the reorthogonalisation of Lanczos and SLQ is memory-bound). Float64 accumulation.
 * @example const c = multiDot(basis, x); subtractCombination(x, basis, c); // x ⟂ basis
 */
export function multiDot(Q: Vec[], x: Vec): Float64Array {
  const m = Q.length, n = x.length;
  const c = new Float64Array(m);
  const nat = nativeFor([x, ...Q], n);
  if (nat) { nat.dgram(Q as Float64Array[], [x as Float64Array], c); return c; }
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    for (let j = 0; j < m; j++) {
      const q = Q[j];
      let s = 0;
      for (let i = start; i < end; i++) s += q[i] * x[i];
      c[j] += s;
    }
  }
  return c;
}

/** x ← x − Q c (chunked like multiDot); returns x. @example subtractCombination(x, [q], [dot(q, x)]) */
export function subtractCombination(x: Vec, Q: Vec[], c: ArrayLike<number>): Vec {
  const m = Q.length, n = x.length;
  const nat = nativeFor([x, ...Q], n);
  if (nat) { nat.dcombine(Q as Float64Array[], Float64Array.from(c, (v) => -v), [x as Float64Array]); return x; }
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    for (let j = 0; j < m; j++) {
      const cj = c[j];
      if (cj === 0) continue;
      const q = Q[j];
      for (let i = start; i < end; i++) x[i] -= cj * q[i];
    }
  }
  return x;
}

/**
 * The m rows of C·B for n long vectors B and a small coefficient matrix C (m×n, row-major), as new
 * Float64Arrays of length `dim`: out_r = Σⱼ C[r, j]·Bⱼ, in cache-sized chunks so each Bⱼ is read
 * from memory once for all m outputs (LOBPCG's Rayleigh–Ritz forms X, HX, P, HP this way).
 * @example combineRows([x, y], [1, -1, 2, 0], 2, x.length) // [x − y, 2x]
 */
export function combineRows(B: Vec[], C: ArrayLike<number>, m: number, dim: number): Float64Array[] {
  const n = B.length;
  const out = Array.from({ length: m }, () => new Float64Array(dim));
  const nat = nativeFor(B, dim);
  if (nat) { nat.dcombine(B as Float64Array[], Float64Array.from(C), out); return out; }
  for (let start = 0; start < dim; start += CHUNK) {
    const end = Math.min(dim, start + CHUNK);
    for (let j = 0; j < n; j++) {
      const b = B[j];
      for (let r = 0; r < m; r++) {
        const c = C[r * n + j];
        if (c === 0) continue;
        const o = out[r];
        for (let i = start; i < end; i++) o[i] += c * b[i];
      }
    }
  }
  return out;
}
