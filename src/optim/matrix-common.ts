/**
 * Shared pieces of the matrix optimizers: which leaves are matrices, and the Adam step used for
 * the other (non-matrix) leaves, as in Muon's reference (MuonWithAuxAdam).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';

/**
 * A leaf is treated as a matrix when it has rank ≥ 2 and both matrix sides exceed 1.
 * @example isMatrixLeaf(tf.zeros([3, 4])) === true
 */
export function isMatrixLeaf(p: Tensor): boolean {
  if (p.rank < 2) return false;
  const cols = p.shape[p.rank - 1];
  return cols > 1 && p.size / cols > 1;
}

/** Options of the auxiliary Adam used for non-matrix leaves. */
export interface AuxAdam { lr: number; b1: number; b2: number; eps: number }

/** Default auxiliary Adam (Muon reference: η 3e-4, betas (0.9, 0.95), ε 1e-10). */
export const AUX_ADAM: AuxAdam = { lr: 3e-4, b1: 0.9, b2: 0.95, eps: 1e-10 };

/**
 * One Adam step on a non-matrix leaf: returns the update and the new moments.
 * @example const { u, m, v } = auxAdamStep(g, m0, v0, t, AUX_ADAM);
 */
export function auxAdamStep(g: Tensor, m0: Tensor, v0: Tensor, t: number, o: AuxAdam, p?: Tensor, weightDecay = 0) {
  const m = tf.add(tf.mul(m0, o.b1), tf.mul(g, 1 - o.b1));
  const v = tf.add(tf.mul(v0, o.b2), tf.mul(tf.square(g), 1 - o.b2));
  let u = tf.div(tf.mul(m, -o.lr / (1 - Math.pow(o.b1, t))), tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(o.b2, t))), o.eps));
  if (weightDecay && p) u = tf.sub(u, tf.mul(p, o.lr * weightDecay));
  return { u, m, v };
}
