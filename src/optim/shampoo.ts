/** Shampoo: Kronecker-factored full-matrix AdaGrad. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';
import { asMatrix, symPowerValues } from './linalg.js';
import { isMatrixLeaf } from './matrix-common.js';

/**
 * Shampoo (Gupta, Koren & Singer 2018, arXiv 1802.09568), for each matrix G ([in, out] view):
 * L ← L + GGᵀ, R ← R + GᵀG (both start at εI); every `updateFreq` steps recompute the roots
 * L^(−1/4), R^(−1/4) (float64 eigh); W ← W − η L^(−1/4) G R^(−1/4). A side longer than
 * `maxPrecondDim` (default 1024) is left unpreconditioned (identity). Vectors (and a flat w)
 * use the order-1 rule H ← H + g², w ← w − η g/H^(1/2) (element-wise, i.e. diagonal AdaGrad).
 * Defaults η 1e-2, ε 1e-4, updateFreq 1, λ (coupled) 0.
 * @example const opt = withSpec(P.spec!, shampoo({ lr: 1e-2 }));
 */
export function shampoo({ lr = 1e-2, eps = 1e-4, updateFreq = 1, maxPrecondDim = 1024, weightDecay = 0 }: { lr?: HyperValue; eps?: number; updateFreq?: number; maxPrecondDim?: number; weightDecay?: number } = {}) {
  type S = { L: Tensor | null; R: Tensor | null; Li: Tensor | null; Ri: Tensor | null; H: Tensor | null };
  return leafwise<S>('shampoo', { lr, eps, updateFreq, maxPrecondDim, weightDecay }, {
    init: (p) => {
      if (!isMatrixLeaf(p)) return { L: null, R: null, Li: null, Ri: null, H: tf.fill(p.shape, eps) };
      const [m, n] = asMatrix(p).shape;
      const eye = (k: number) => (k <= maxPrecondDim ? tf.mul(tf.eye(k), eps) : null);
      const L = eye(m);
      const R = eye(n);
      return { L, R, Li: L ? tf.eye(m) : null, Ri: R ? tf.eye(n) : null, H: null };
    },
    // On refresh steps the new L, R are read (one packed transfer for every leaf) for their roots.
    read: (g0, s, p, t) => {
      if (s.H || (t - 1) % updateFreq !== 0) return undefined;
      const G = asMatrix(weightDecay ? tf.add(g0, tf.mul(p!, weightDecay)) : g0);
      const req: Record<string, Tensor> = {};
      if (s.L) req.L = tf.add(s.L, tf.matMul(G, G, false, true));
      if (s.R) req.R = tf.add(s.R, tf.matMul(G, G, true, false));
      return req;
    },
    update: (g0, s, p, t, _key, _ctx, fetched) => {
      const g = weightDecay ? tf.add(g0, tf.mul(p!, weightDecay)) : g0;
      const eta = hyperAt(lr, t - 1);
      if (s.H) {
        const H = tf.add(s.H, tf.square(g));
        return { u: tf.mul(tf.div(g, tf.sqrt(H)), -eta), s: { ...s, H } };
      }
      const G = asMatrix(g);
      const L = fetched.L?.tensor ?? (s.L ? tf.add(s.L, tf.matMul(G, G, false, true)) : null);
      const R = fetched.R?.tensor ?? (s.R ? tf.add(s.R, tf.matMul(G, G, true, false)) : null);
      const Li = fetched.L ? symPowerValues(fetched.L.values, L!.shape[0], -0.25) : s.Li;
      const Ri = fetched.R ? symPowerValues(fetched.R.values, R!.shape[0], -0.25) : s.Ri;
      let P = G as Tensor;
      if (Li) P = tf.matMul(Li as never, P as never);
      if (Ri) P = tf.matMul(P as never, Ri as never);
      return { u: tf.mul(tf.reshape(P, g.shape), -eta), s: { L, R, Li, Ri, H: null } };
    },
  }, { needsParams: weightDecay !== 0 });
}
