/** SinkGD: stateless multi-normalised (Sinkhorn) gradient descent. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';
import { asMatrix } from './linalg.js';
import { AUX_ADAM, auxAdamStep, isMatrixLeaf } from './matrix-common.js';

/**
 * The SR-Sinkhorn normalisation of Scetbon et al. 2025 ("Gradient Multi-Normalization for
 * Stateless and Scalable LLM Training", arXiv 2502.06742): for an m×n matrix, `iters` times
 * scale every row to norm √n, then every column to norm √m.
 * @example const X = sinkhornNormalize(tf.randomNormal([8, 4]));   // rows ≈ √4, columns ≈ √8
 */
export function sinkhornNormalize(G: Tensor, iters = 5): Tensor {
  return tf.tidy(() => {
    const [m, n] = G.shape;
    let X = G;
    for (let i = 0; i < iters; i++) {
      X = tf.mul(X, tf.div(Math.sqrt(n), tf.maximum(tf.norm(X, 'euclidean', 1, true), 1e-30)));
      X = tf.mul(X, tf.div(Math.sqrt(m), tf.maximum(tf.norm(X, 'euclidean', 0, true), 1e-30)));
    }
    return X;
  });
}

/**
 * SinkGD (Scetbon et al. 2025, arXiv 2502.06742): W ← W − η·SR-Sinkhorn(G) with L = 5 alternating
 * row/column normalisations, no optimizer state for matrices. Non-matrix leaves (and a flat w
 * without a spec) use Adam (η 3e-4, betas (0.9, 0.95)), as for Muon. Defaults η 1e-3, λ 0.
 * @example const opt = withSpec(P.spec!, sinkgd({ lr: 1e-3 }));
 */
export function sinkgd({ lr = 1e-3, iters = 5, weightDecay = 0, adam = {} }: { lr?: HyperValue; iters?: number; weightDecay?: number; adam?: Partial<typeof AUX_ADAM> } = {}) {
  const aux = { ...AUX_ADAM, ...adam };
  return leafwise<{ m: Tensor | null; v: Tensor | null }>('sinkgd', { lr, iters, weightDecay, adam: aux }, {
    init: (p) => (isMatrixLeaf(p) ? { m: null, v: null } : { m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      if (s.m) {
        const r = auxAdamStep(g, s.m, s.v!, t, aux, p, weightDecay);
        return { u: r.u, s: { m: r.m, v: r.v } };
      }
      const eta = hyperAt(lr, t - 1);
      let u = tf.mul(tf.reshape(sinkhornNormalize(asMatrix(g), iters), g.shape), -eta);
      if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
      return { u, s: { m: null, v: null } };
    },
  }, { needsParams: weightDecay !== 0 });
}
