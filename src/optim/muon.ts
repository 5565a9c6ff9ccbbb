/** Muon and AdaMuon: orthogonalised momentum for matrix parameters. */
import { tf } from '../tensor/tf.js';
import type { Tensor, Tensor2D } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';
import { asMatrix, newtonSchulz } from './linalg.js';
import { AUX_ADAM, auxAdamStep, isMatrixLeaf, type AuxAdam } from './matrix-common.js';

export interface MuonOptions {
  /** Learning rate η for matrices (default 0.02). */ lr?: HyperValue;
  /** Momentum μ (default 0.95). */ momentum?: number;
  /** Nesterov-style U = lerp(G, M, μ) (default true). */ nesterov?: boolean;
  /** Decoupled weight decay λ on matrices (default 0). */ weightDecay?: number;
  /** Newton–Schulz iterations (default 5). */ nsSteps?: number;
  /** Adam for non-matrix leaves (default η 3e-4, betas (0.9, 0.95), ε 1e-10). */ adam?: Partial<AuxAdam>;
}

/**
 * Muon (Jordan et al. 2024, "Muon: an optimizer for hidden layers"; Liu et al. 2025, arXiv 2502.16982):
 * for each matrix W ([in, out], leading axes merged): M ← μM + (1−μ)G; U = (1−μ)G + μM (Nesterov) or M;
 * O = NS5(U/‖U‖_F) with (a, b, c) = (3.4445, −4.7750, 2.0315); O ← O·√max(1, fanOut/fanIn)
 * (the reference's √max(1, rows/cols) in PyTorch's [out, in] layout); W ← W(1 − ηλ) − ηO.
 * Non-matrix leaves (biases, norms, AND a flat w without a spec) use Adam. To run Muon on a
 * model's flat w, wrap it: `withSpec(P.spec, muon())`.
 * @example const opt = withSpec(P.spec!, muon({ lr: 0.02 }));
 */
export function muon({ lr = 0.02, momentum = 0.95, nesterov = true, weightDecay = 0, nsSteps = 5, adam = {} }: MuonOptions = {}) {
  const aux = { ...AUX_ADAM, ...adam };
  return leafwise<{ m: Tensor; v: Tensor | null }>('muon', { lr, momentum, nesterov, weightDecay, nsSteps, adam: aux }, {
    init: (p) => ({ m: tf.zerosLike(p), v: isMatrixLeaf(p) ? null : tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      if (s.v) {
        const r = auxAdamStep(g, s.m, s.v!, t, aux, p, weightDecay);
        return { u: r.u, s: { m: r.m, v: r.v } };
      }
      const m = tf.add(tf.mul(s.m, momentum), tf.mul(g, 1 - momentum));
      const U = nesterov ? tf.add(tf.mul(g, 1 - momentum), tf.mul(m, momentum)) : m;
      const M2 = asMatrix(U);
      const [rows, cols] = M2.shape;
      const O = tf.mul(newtonSchulz(M2 as Tensor2D, nsSteps), Math.sqrt(Math.max(1, cols / rows)));
      const eta = hyperAt(lr, t - 1);
      let u = tf.mul(tf.reshape(O, g.shape), -eta);
      if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
      return { u, s: { m, v: null } };
    },
  }, { needsParams: weightDecay !== 0 });
}

/**
 * AdaMuon (Si et al. 2025, arXiv 2507.11005): Muon's orthogonalised O, then an element-wise second
 * moment V ← b2V + (1−b2)O⊙O, Ô = O/(√V + ε), rescaled to RMS 0.2: γ = 0.2√(mn)/‖Ô‖_F;
 * W ← W(1 − ηλ) − ηγÔ. Defaults η 1e-3 (Adam-matched RMS), μ 0.95, b2 0.95, ε 1e-8, λ 0.
 * Non-matrix leaves use Adam (η 3e-4, betas (0.9, 0.95)).
 * @example const opt = withSpec(P.spec!, adamuon({ lr: 1e-3 }));
 */
export function adamuon({ lr = 1e-3, momentum = 0.95, nesterov = true, b2 = 0.95, eps = 1e-8, weightDecay = 0, nsSteps = 5, adam = {} }: MuonOptions & { b2?: number; eps?: number } = {}) {
  const aux = { ...AUX_ADAM, ...adam };
  return leafwise<{ m: Tensor; v: Tensor; matrix: boolean }>('adamuon', { lr, momentum, nesterov, b2, eps, weightDecay, nsSteps, adam: aux }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p), matrix: isMatrixLeaf(p) }),
    update: (g, s, p, t) => {
      if (!s.matrix) {
        const r = auxAdamStep(g, s.m, s.v, t, aux, p, weightDecay);
        return { u: r.u, s: { m: r.m, v: r.v, matrix: false } };
      }
      const m = tf.add(tf.mul(s.m, momentum), tf.mul(g, 1 - momentum));
      const U = nesterov ? tf.add(tf.mul(g, 1 - momentum), tf.mul(m, momentum)) : m;
      const O = tf.reshape(newtonSchulz(asMatrix(U), nsSteps), g.shape);
      const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(O), 1 - b2));
      const Oh = tf.div(O, tf.add(tf.sqrt(v), eps));
      const gamma = tf.div(0.2 * Math.sqrt(g.size), tf.maximum(tf.norm(Oh), 1e-12));
      const eta = hyperAt(lr, t - 1);
      let u = tf.mul(Oh, tf.mul(gamma, -eta));
      if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
      return { u, s: { m, v, matrix: true } };
    },
  }, { needsParams: weightDecay !== 0 });
}
