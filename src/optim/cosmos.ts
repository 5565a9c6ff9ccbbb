/** COSMOS: SOAP-like adaptivity on the leading eigensubspace, Muon-like orthogonalisation on the rest. */
import { tf } from '../tensor/tf.js';
import type { Tensor, Tensor2D } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';
import { asMatrix, newtonSchulz, orthonormalizeValues, topEigvecs } from './linalg.js';
import { auxAdamStep, isMatrixLeaf, type AuxAdam } from './matrix-common.js';

export interface CosmosOptions {
  /** Learning rate η (default 1e-3); matrices move by η·lrRatio in RMS, other leaves take Adam with η. */ lr?: HyperValue;
  /** Ratio of the matrices' step to η (the reference's lr_ratio, default 0.1). */ lrRatio?: number;
  /** Rank r of the leading eigensubspace (default 64; at most the input side n). */ rank?: number;
  /** Momentum rate β1 (default 0.9) and second-moment / subspace rate β2 (default 0.999). */ b1?: number; b2?: number;
  /** ε (default 1e-8). */ eps?: number;
  /** Weight γ of the orthogonalised remainder (default 0.2). */ gamma?: number;
  /** Nesterov-style momentum (default true). */ nesterov?: boolean;
  /** Decoupled weight decay λ (default 0). */ weightDecay?: number;
  /** Matrices with more than maxDim outputs (embeddings) take Adam instead, as in the reference (default 10000). */ maxDim?: number;
  /** Overrides of the Adam used for non-matrix leaves (default: η, β1, β2, ε above). */ adam?: Partial<AuxAdam>;
}

type S = { M: Tensor; V: Tensor; P: Tensor | null; GG: Tensor | null; aux: Tensor | null };

/**
 * COSMOS (Liu et al. 2025, arXiv 2502.17410), Algorithm 1 as in the official code
 * (lliu606/COSMOS). Per matrix leaf, in the reference's PyTorch [out, in] orientation G (m×n; flowlab's
 * [in, out] leaves are transposed in and out), with P an n×r basis of the leading eigensubspace of
 * the EMA of GᵀG and GG its r×r restriction:
 *   M ← β1M + G (unnormalised momentum; c₁ = Σ_{k<t} β1ᵏ);
 *   t = 1: P = top-r eigenvectors of GᵀG (float64 eigh), GG = (1−β2)(GP)ᵀ(GP);
 *   t > 1: P ← QR(β2·P·GG + (1−β2)Gᵀ(GP)) (thin QR in float64, one power step), T = P_oldᵀP,
 *          GG ← β2TᵀGG T + (1−β2)(GP)ᵀ(GP)   (with the new P);
 *   V ← β2V + (1−β2)(GP)²;  Ĝ = (G + β1M)/(1 + β1c₁) (Nesterov) or M/c₁;
 *   A = [ĜP/(√(V/(1−β2ᵗ)) + ε)]Pᵀ   (Adam, i.e. SOAP, inside the subspace);
 *   O = NS5(Ĝ − ĜPPᵀ), O ← √(mn)·O/(‖O‖_F + ε)   (Muon on the remainder);
 *   D = A + γO;  W ← W(1 − ηλ) − η·lrRatio·√(mn)·D/(‖D‖_F + ε).
 * Non-matrix leaves (and matrices with more than `maxDim` outputs) take Adam with η, β1, β2, ε.
 * Deviations, both where the reference is ill-defined: when r ≥ n the remainder is exactly zero
 * and its normalised NS5 is taken as 0 (the reference would normalise float32 round-off); the
 * non-Nesterov branch uses M/c₁ (the reference scales the raw gradient there). Each step reads the
 * n×r matrix to orthonormalise (step 1: GᵀG), for every leaf in one packed transfer.
 * Defaults η 1e-3, lrRatio 0.1, r 64, β (0.9, 0.999), ε 1e-8, γ 0.2, Nesterov, λ 0.
 * @example const opt = withSpec(P.spec!, cosmos({ lr: 1e-3, rank: 64 }));
 */
export function cosmos({ lr = 1e-3, lrRatio = 0.1, rank = 64, b1 = 0.9, b2 = 0.999, eps = 1e-8, gamma = 0.2, nesterov = true, weightDecay = 0, maxDim = 10000, adam = {} }: CosmosOptions = {}) {
  const isMat = (p: Tensor) => isMatrixLeaf(p) && p.shape[p.rank - 1] <= maxDim;
  /** [out, in] orientation of a leaf (the reference's layout). */
  const oriented = (g: Tensor) => tf.transpose(asMatrix(g)) as Tensor2D;
  /** The un-orthonormalised next basis β2·P·GG + (1−β2)Gᵀ(GP) (t > 1) or GᵀG (t = 1). */
  const toRead = (g: Tensor, s: S, t: number) => {
    const G = oriented(g);
    if (t === 1) return tf.matMul(G, G, true, false);
    return tf.add(tf.mul(tf.matMul(s.P as Tensor2D, s.GG as Tensor2D), b2), tf.mul(tf.matMul(G, tf.matMul(G, s.P as Tensor2D), true, false), 1 - b2));
  };
  return leafwise<S>('cosmos', { lr, lrRatio, rank, b1, b2, eps, gamma, nesterov, weightDecay, maxDim, adam }, {
    init: (p) => {
      if (!isMat(p)) return { M: tf.zerosLike(p), V: tf.zerosLike(p), P: null, GG: null, aux: tf.zerosLike(p) };
      const [n, m] = asMatrix(p).shape;
      const r = Math.min(rank, n);
      return { M: tf.zeros([m, n]), V: tf.zeros([m, r]), P: tf.zeros([n, r]), GG: tf.zeros([r, r]), aux: null };
    },
    read: (g, s, _p, t) => (s.aux ? undefined : { X: toRead(g, s, t) }),
    update: (g, s, p, t, _key, _ctx, fetched) => {
      const eta = hyperAt(lr, t - 1);
      if (s.aux) {
        const o = { lr: eta, b1, b2, eps, ...adam };
        const r = auxAdamStep(g, s.M, s.V, t, o, p, weightDecay);
        return { u: r.u, s: { ...s, M: r.m, V: r.v } };
      }
      const G = oriented(g);
      const [m, n] = G.shape;
      const r = Math.min(rank, n);
      const M = tf.add(tf.mul(s.M, b1), G);
      let P: Tensor2D, GG: Tensor;
      if (t === 1) {
        P = topEigvecs(fetched.X.values, n, r);
        const GP = tf.matMul(G, P);
        GG = tf.mul(tf.matMul(GP, GP, true, false), 1 - b2);
      } else {
        P = orthonormalizeValues(fetched.X.values, n, r);
        const T = tf.matMul(s.P as Tensor2D, P, true, false);
        const GP = tf.matMul(G, P);
        GG = tf.add(tf.mul(tf.matMul(tf.matMul(T, s.GG as Tensor2D, true, false), T), b2), tf.mul(tf.matMul(GP, GP, true, false), 1 - b2));
      }
      const low = tf.matMul(G, P);
      const V = tf.add(tf.mul(s.V, b2), tf.mul(tf.square(low), 1 - b2));
      const c1 = (1 - Math.pow(b1, t)) / (1 - b1);
      const Gh = (nesterov ? tf.div(tf.add(G, tf.mul(M, b1)), 1 + b1 * c1) : tf.div(M, c1)) as Tensor2D;
      const GhP = tf.matMul(Gh, P);
      const A = tf.matMul(tf.div(GhP, tf.add(tf.sqrt(tf.div(V, 1 - Math.pow(b2, t))), eps)), P, false, true);
      const sc = Math.sqrt(m * n);
      let D: Tensor = A;
      if (r < n) {
        const O = newtonSchulz(tf.sub(Gh, tf.matMul(GhP, P, false, true)) as Tensor2D);
        D = tf.add(A, tf.mul(tf.div(O, tf.add(tf.norm(O), eps)), gamma * sc));
      }
      const step = tf.mul(tf.div(D, tf.add(tf.norm(D), eps)), -eta * lrRatio * sc);
      let u = tf.reshape(tf.transpose(step), g.shape);
      if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
      return { u, s: { M, V, P, GG, aux: null } };
    },
  }, { needsParams: weightDecay !== 0 });
}
