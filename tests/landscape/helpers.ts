/**
 * Test fixtures for landscape: closed-form quadratic Problems with a chosen spectrum, built in
 * float64 independently of the solvers under test (random rotations from a seeded Householder
 * product, not from flowlab's QR).
 */
import { tf } from '../../src/tensor/tf.js';
import { backend } from '../../src/tensor/index.js';
import type { Problem, ParamSpec, Tensor1D, Tensor2D, Scalar } from '../../src/tensor/types.js';
import { onWebgpu } from '../backends.js';

/**
 * The backend the landscape suites run on: the one FLOWLAB_BACKEND names (webgpu in the webgpu job,
 * where the suites shrink their problems; wasm), otherwise cpu, the fastest for these tiny problems
 * (the small MLP's third-order graphs take twice as long on wasm).
 */
export async function useSuiteBackend(): Promise<void> {
  const named = process.env.FLOWLAB_BACKEND as 'cpu' | 'wasm' | 'webgpu' | undefined;
  await backend.use(onWebgpu() ? 'webgpu' : named ?? 'cpu');
}

/** Deterministic uniform generator (LCG) independent of src/landscape/random.ts. */
export function lcg(seed: number): () => number {
  let s = (seed * 2654435761 + 1) >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

/** A random orthogonal n×n matrix (row-major) as a product of n Householder reflectors. */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  const r = lcg(seed);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let h = 0; h < n; h++) {
    const v = Array.from({ length: n }, () => r() - 0.5);
    const nv = Math.hypot(...v);
    for (let i = 0; i < n; i++) v[i] /= nv;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += Q[i * n + j] * v[j];
      for (let j = 0; j < n; j++) Q[i * n + j] -= 2 * s * v[j];
    }
  }
  return Q;
}

/** A = Q diag(eigs) Qᵀ (row-major); column j of Q is the eigenvector of eigs[j]. */
export function symmetricWithSpectrum(eigs: number[], Q: Float64Array): Float64Array {
  const n = eigs.length;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += Q[i * n + t] * eigs[t] * Q[j * n + t];
    A[i * n + j] = s;
  }
  return A;
}

/** L(w) = ½ wᵀAw + bᵀw as a Problem with closed-form derivatives (curvatureGrad = 0). */
export function quadraticProblem(A: Float64Array, n: number, { spec }: { spec?: ParamSpec } = {}): Problem & { hvpCalls: number } {
  const At = () => tf.tensor2d(Float32Array.from(A), [n, n]);
  const P = {
    dim: n,
    spec,
    name: 'quadratic',
    hvpCalls: 0,
    loss: (w: Tensor1D) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(w, tf.squeeze(tf.matMul(At(), tf.reshape(w, [n, 1]))))))) as Scalar,
    grad: (w: Tensor1D) => tf.tidy(() => tf.reshape(tf.matMul(At(), tf.reshape(w, [n, 1])), [n])) as Tensor1D,
    lossAndGrad: (w: Tensor1D) => ({ loss: P.loss(w), grad: P.grad(w) }),
    hvp: (_w: Tensor1D, v: Tensor1D) => { P.hvpCalls++; return P.grad(v); },
    hvpBatch: (_w: Tensor1D, V: Tensor2D) => { P.hvpCalls += V.shape[0]; return tf.tidy(() => tf.matMul(V, At(), false, true)) as Tensor2D; },
    curvatureGrad: (w: Tensor1D) => tf.zerosLike(w) as Tensor1D,
  };
  return P;
}

/** Relative error |a − b| / |b|. */
export function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
