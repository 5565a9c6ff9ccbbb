/**
 * GaLore's low-rank gradient projection, shared by `galore` and `naturalGalore`: the per-leaf state
 * layout, the Gram matrix read for a basis refresh, the projection R = PᵀG (or GP), and the Adam
 * step on the projected gradient mapped back to the full matrix.
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import { asMatrix, topEigvecs } from './linalg.js';
import { isMatrixLeaf } from './matrix-common.js';

/** The per-leaf state both GaLore variants keep: Adam moments of the projected gradient and the basis P. */
export type ProjectedLeaf = { m: Tensor; v: Tensor; P: Tensor | null; left: boolean; matrix: boolean };

/** Adam rates and scale of the projected step. */
export interface ProjectedAdam { eta: number; scale: number; b1: number; b2: number; eps: number; weightDecay: number }

/**
 * The initial state of a leaf: for a matrix G (m×n, [in, out] view) P is on the left when m ≤ n, and
 * the moments have the projected shape [r, n] (or [m, r]) with r = min(rank, m, n); a non-matrix
 * leaf keeps full-size moments (it takes plain Adam).
 * @example const s = initProjectedLeaf(tf.zeros([3, 8]), 2);   // s.m.shape = [2, 8], s.left = true
 */
export function initProjectedLeaf(p: Tensor, rank: number): ProjectedLeaf {
  if (!isMatrixLeaf(p)) return { m: tf.zerosLike(p), v: tf.zerosLike(p), P: null, left: true, matrix: false };
  const [mm, n] = asMatrix(p).shape;
  const r = Math.min(rank, mm, n);
  const shape = mm <= n ? [r, n] : [mm, r];
  return { m: tf.zeros(shape), v: tf.zeros(shape), P: null, left: mm <= n, matrix: true };
}

/**
 * The Gram matrix whose top eigenvectors are the new basis: GGᵀ when P is on the left, else GᵀG
 * (read to the host for a float64 eigh).
 * @example read: (g, s) => ({ gram: gramForBasis(g, s.left) })
 */
export function gramForBasis(g: Tensor, left: boolean): Tensor {
  const G = asMatrix(g);
  return left ? tf.matMul(G, G, false, true) : tf.matMul(G, G, true, false);
}

/**
 * The new basis P: the top r = min(rank, m, n) eigenvectors of the Gram matrix's values (float64).
 * @example const P = basisFromGram(fetched.gram.values, g, s.left, rank);
 */
export function basisFromGram(gram: ArrayLike<number>, g: Tensor, left: boolean, rank: number): Tensor {
  const [mm, n] = asMatrix(g).shape;
  return topEigvecs(gram, left ? mm : n, Math.min(rank, mm, n));
}

/**
 * The projected gradient R = PᵀG (P on the left) or GP (on the right).
 * @example const R = projectGradient(g, P, s.left);
 */
export function projectGradient(g: Tensor, P: Tensor, left: boolean): Tensor {
  const G = asMatrix(g);
  return left ? tf.matMul(P as never, G, true, false) : tf.matMul(G, P as never);
}

/**
 * Adam on a projected gradient R, mapped back: m ← b1m + (1−b1)R, v ← b2v + (1−b2)R²,
 * N = m̂/(√v̂ + ε), u = −η·α·PN (or −η·α·NPᵀ) − ηλW in the leaf's shape. Returns u and the moments.
 * @example const { u, m, v } = projectedAdamStep(R, P, s, g, p, t, { eta, scale, b1, b2, eps, weightDecay });
 */
export function projectedAdamStep(R: Tensor, P: Tensor, s: { m: Tensor; v: Tensor; left: boolean }, g: Tensor, p: Tensor | undefined, t: number, o: ProjectedAdam): { u: Tensor; m: Tensor; v: Tensor } {
  const { eta, scale, b1, b2, eps, weightDecay } = o;
  const m = tf.add(tf.mul(s.m, b1), tf.mul(R, 1 - b1));
  const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(R), 1 - b2));
  const N = tf.div(tf.div(m, 1 - Math.pow(b1, t)), tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(b2, t))), eps));
  const back = s.left ? tf.matMul(P as never, N as never) : tf.matMul(N as never, P as never, false, true);
  let u = tf.mul(tf.reshape(back, g.shape), -eta * scale);
  if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
  return { u, m, v };
}
