/** COSMOS: SOAP-like adaptivity on the leading eigensubspace, Newton–Schulz on the rest. */
import { tf } from '../tensor/tf.js';
import type { Tensor, Tensor2D } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';
import { asMatrix, newtonSchulz, topEigvecs } from './linalg.js';
import { AUX_ADAM, auxAdamStep, isMatrixLeaf } from './matrix-common.js';

/**
 * COSMOS (Liu et al. 2025, arXiv 2502.17410), a simplified reading for flowlab. For a matrix
 * G (m×n view, worked on the orientation with the shorter second side n'):
 *   M ← b1M + (1−b1)G;  C ← b2C + (1−b2)GᵀG;  every `freq` steps U = top-r eigenvectors of C (float64 eigh);
 *   leading part (SOAP/Adam in the subspace): V ← b2V + (1−b2)(GU)², A = (MU/bc₁)/(√(V/bc₂) + ε);
 *   residual part: O = NS5(M − MUUᵀ), scaled by γ = 0.2·√max(m, n) (RMS matching);
 *   W ← W − η(AUᵀ + γO) − ηλW.
 * Deviation: the paper tracks U by a memory-light power iteration; here C is kept in full
 * (n'×n') and U comes from an exact eigh. Non-matrix leaves use Adam (η 3e-4, betas (0.9, 0.95)).
 * Defaults η 1e-3, rank 64, b1 0.9, b2 0.99, ε 1e-8, freq 10, λ 0.
 * @example const opt = withSpec(P.spec!, cosmos({ lr: 1e-3, rank: 64 }));
 */
export function cosmos({ lr = 1e-3, rank = 64, b1 = 0.9, b2 = 0.99, eps = 1e-8, freq = 10, weightDecay = 0, adam = {} }: { lr?: HyperValue; rank?: number; b1?: number; b2?: number; eps?: number; freq?: number; weightDecay?: number; adam?: Partial<typeof AUX_ADAM> } = {}) {
  const aux = { ...AUX_ADAM, ...adam };
  type S = { M: Tensor; C: Tensor | null; U: Tensor | null; V: Tensor | null; aux: Tensor | null; transpose: boolean };
  const oriented = (g: Tensor, s: S) => { const G = asMatrix(g); return s.transpose ? tf.transpose(G) : G; };
  const nextC = (g: Tensor, s: S) => { const G = oriented(g, s); return tf.add(tf.mul(s.C!, b2), tf.mul(tf.matMul(G, G, true, false), 1 - b2)); };
  return leafwise<S>('cosmos', { lr, rank, b1, b2, eps, freq, weightDecay, adam: aux }, {
    init: (p) => {
      if (!isMatrixLeaf(p)) return { M: tf.zerosLike(p), C: null, U: null, V: null, aux: tf.zerosLike(p), transpose: false };
      const [m, n] = asMatrix(p).shape;
      const transpose = n > m;
      const [mm, nn] = transpose ? [n, m] : [m, n];
      const r = Math.min(rank, nn);
      return { M: tf.zeros([mm, nn]), C: tf.zeros([nn, nn]), U: null, V: tf.zeros([mm, r]), aux: null, transpose };
    },
    // On basis refreshes the new C is read for its eigenvectors (one transfer for all leaves).
    read: (g, s, _p, t) => {
      if (s.aux || (s.U && (t - 1) % freq !== 0)) return undefined;
      return { C: nextC(g, s) };
    },
    update: (g, s, p, t, _key, _ctx, fetched) => {
      if (s.aux) {
        const r = auxAdamStep(g, s.M, s.aux, t, aux, p, weightDecay);
        return { u: r.u, s: { ...s, M: r.m, aux: r.v } };
      }
      const G = oriented(g, s);
      const [mm, nn] = G.shape;
      const r = Math.min(rank, nn);
      const M = tf.add(tf.mul(s.M, b1), tf.mul(G, 1 - b1));
      const C = fetched.C?.tensor ?? nextC(g, s);
      const U = fetched.C ? topEigvecs(fetched.C.values, nn, r) : s.U;
      const V = tf.add(tf.mul(s.V!, b2), tf.mul(tf.square(tf.matMul(G, U as Tensor2D)), 1 - b2));
      const MU = tf.matMul(M as Tensor2D, U as Tensor2D);
      const A = tf.div(tf.div(MU, 1 - Math.pow(b1, t)), tf.add(tf.sqrt(tf.div(V, 1 - Math.pow(b2, t))), eps));
      const lead = tf.matMul(A, U as Tensor2D, false, true);
      const resid = tf.sub(M, tf.matMul(MU, U as Tensor2D, false, true)) as Tensor2D;
      const O = r < nn ? tf.mul(newtonSchulz(resid), 0.2 * Math.sqrt(Math.max(mm, nn))) : tf.zerosLike(resid);
      let D = tf.add(lead, O);
      if (s.transpose) D = tf.transpose(D);
      const eta = hyperAt(lr, t - 1);
      let u = tf.mul(tf.reshape(D, g.shape), -eta);
      if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
      return { u, s: { M, C, U, V, aux: null, transpose: s.transpose } };
    },
  }, { needsParams: weightDecay !== 0 });
}
