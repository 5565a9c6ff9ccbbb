/**
 * `problem(lossFn, { dim })`: the Problem contract (./types.ts) for any scalar function of a flat
 * float32 vector w, with exact derivatives to third order:
 *
 *   loss(w) = L(w)      grad(w) = ∇L(w)      hvp(w, v) = H(w)v = ∇_w⟨∇L(w), v⟩
 *   hvpBatch(w, V)ᵢ = H(w)Vᵢ (rows; one shared forward/backward pass, see autodiff.hvpBatchOf)
 *   curvatureGrad(w, u, v) = ∇_w(uᵀH(w)v)
 *   curvatureGradBatch(w, U, pairs) = L, ∇L, H Uᵢ and ∇_w(Uᵢᵀ H Uⱼ) per pair, one shared pass
 *
 * Reverse-over-reverse on flowlab's higher-order-safe gradients (see ./gradients). Every method
 * validates its inputs (float32 Tensor1D of length dim, finite) and its result (finite), returns
 * new tensors the caller owns, and frees everything else.
 */
import { tfjs as tf } from './tfjs.js';
import './tf.js';
import { curvatureGradBatchOf, curvatureGradOf, gradOf, hvpBatchOf, hvpOf, valueAndGradOf } from './autodiff.js';
import type { CurvatureBatch, ParamSpec, Problem, Scalar, Tensor1D, Tensor2D } from './types.js';
import { checkFinite, checkMatrix, checkScalarLoss, checkVector } from './validate.js';

/** Index pairs (i, j), i ≤ j < k, of the upper triangle in row order (k(k+1)/2 of them). */
export function upperPairs(k: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) out.push([i, j]);
  return out;
}

/** Options of `problem`. */
export interface ProblemOptions {
  /** Length of w (required). */
  dim: number;
  /** Name used in tables, figures and error messages (default 'problem'). */
  name?: string;
  /** Parameter spec (models attach one). */
  spec?: ParamSpec;
  /** Check that w and results are finite (one scalar read-back each; default true). */
  checkFinite?: boolean;
}

/**
 * Wraps a scalar loss of a flat Tensor1D as a Problem with exact loss, gradient, Hessian-vector
 * products and contracted third derivatives.
 * @param lossFn (w: Tensor1D) => Scalar, written with `fl.tf` ops; must not dispose w.
 * @example
 * const P = fl.problem((w) => tf.sum(tf.pow(w, 4)), { dim: 3 });
 * P.hvp(w, v); // 12 w² ⊙ v
 */
export function problem(lossFn: (w: Tensor1D) => Scalar, { dim, name, spec, checkFinite: finite = true }: ProblemOptions): Problem {
  if (typeof lossFn !== 'function') {
    throw new TypeError(`problem: argument 'lossFn' must be a function (w: Tensor1D) => Scalar, got ${typeof lossFn}.`);
  }
  if (!Number.isInteger(dim) || dim <= 0) {
    throw new Error(`problem: option 'dim' must be a positive integer (the length of w), got ${String(dim)}.`);
  }
  if (spec && spec.numParams !== dim) {
    throw new Error(`problem: option 'spec' describes ${spec.numParams} parameters but 'dim' is ${dim}; they must agree.`);
  }
  const label = name ?? 'problem';
  const where = (m: string) => `${label}.${m}`;
  const f = (m: string) => (w: Tensor1D): Scalar => {
    const y = lossFn(w);
    checkScalarLoss(y, where(m));
    return y;
  };
  const vec = (x: unknown, m: string, arg: string) => checkVector(x, dim, where(m), arg, finite);
  const out = <T extends tf.Tensor>(t: T, m: string, what: string): T => {
    if (finite) {
      try {
        checkFinite(t, where(m), what);
      } catch (e) {
        t.dispose();
        throw e;
      }
    }
    return t;
  };

  const P: Problem = {
    dim,
    spec,
    name,
    loss(w) {
      vec(w, 'loss', 'w');
      return out(tf.tidy(() => f('loss')(w)), 'loss', 'the loss L(w)');
    },
    grad(w) {
      vec(w, 'grad', 'w');
      return out(gradOf(f('grad'), w), 'grad', 'the gradient ∇L(w)');
    },
    lossAndGrad(w) {
      vec(w, 'lossAndGrad', 'w');
      const { value, grad } = valueAndGradOf(f('lossAndGrad'), w);
      try {
        out(value, 'lossAndGrad', 'the loss L(w)');
      } catch (e) {
        grad.dispose();
        throw e;
      }
      try {
        out(grad, 'lossAndGrad', 'the gradient ∇L(w)');
      } catch (e) {
        value.dispose();
        throw e;
      }
      return { loss: value, grad };
    },
    hvp(w, v) {
      vec(w, 'hvp', 'w');
      vec(v, 'hvp', 'v');
      return out(hvpOf(f('hvp'), w, v), 'hvp', 'the Hessian-vector product H(w)v');
    },
    hvpBatch(w, V) {
      vec(w, 'hvpBatch', 'w');
      checkMatrix(V, dim, where('hvpBatch'), 'V', finite);
      const k = V.shape[0];
      if (k === 0) return tf.zeros([0, dim]) as Tensor2D;
      const fn = f('hvpBatch');
      const result = tf.tidy(() => tf.stack(hvpBatchOf(fn, w, tf.unstack(V) as Tensor1D[])) as Tensor2D);
      return out(result, 'hvpBatch', 'the Hessian-vector products H(w)Vᵢ');
    },
    curvatureGrad(w, u, v) {
      vec(w, 'curvatureGrad', 'w');
      vec(u, 'curvatureGrad', 'u');
      vec(v, 'curvatureGrad', 'v');
      return out(curvatureGradOf(f('curvatureGrad'), w, u, v), 'curvatureGrad', 'the curvature gradient ∇(uᵀH(w)v)');
    },
    curvatureGradBatch(w, U, pairs) {
      vec(w, 'curvatureGradBatch', 'w');
      checkMatrix(U, dim, where('curvatureGradBatch'), 'U', finite);
      const k = U.shape[0];
      const list = pairs ?? upperPairs(k);
      list.forEach((pair, q) => {
        if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((i) => Number.isInteger(i) && i >= 0 && i < k)) {
          throw new Error(`${where('curvatureGradBatch')}: pairs[${q}] must be [i, j] with integers 0 ≤ i, j < ${k} (rows of U), got ${JSON.stringify(pair)}.`);
        }
      });
      const r = tf.tidy(() => {
        const rows = tf.unstack(U) as Tensor1D[];
        const b = curvatureGradBatchOf(f('curvatureGradBatch'), w, rows, list);
        const stack = (ts: Tensor1D[]) => (ts.length ? tf.stack(ts) : tf.zeros([0, dim])) as Tensor2D;
        return { loss: b.value, grad: b.grad, hvp: stack(b.hvps), curvatureGrad: stack(b.curvatureGrads) };
      }) as CurvatureBatch;
      const parts: Array<[tf.Tensor, string]> = [[r.loss, 'the loss L(w)'], [r.grad, 'the gradient ∇L(w)'], [r.hvp, 'the Hessian-vector products H(w)Uᵢ'], [r.curvatureGrad, 'the curvature gradients ∇(Uᵢᵀ H(w) Uⱼ)']];
      try {
        for (const [t, what] of parts) if (finite) checkFinite(t, where('curvatureGradBatch'), what);
      } catch (e) {
        tf.dispose(parts.map(([t]) => t));
        throw e;
      }
      return r;
    },
  };
  return P;
}
