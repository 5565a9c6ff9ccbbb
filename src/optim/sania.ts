/** SANIA: the preconditioned Polyak step, with AdaGrad-SQR / Adam-SQR preconditioners (scale invariant). */
import { tf } from '../tensor/tf.js';
import type { Scalar, Tensor, Tensor1D } from '../tensor/types.js';
import type { HyperValue, OptState, UpdateContext } from './types.js';
import { checkHyper, defineTransformation, hyperAt } from './core.js';
import { asRecord, likeParams } from './tree.js';
import { flatOf } from './flatten.js';

export interface SaniaOptions {
  /** 'adagrad' (AdaGrad-SQR: B = Σ g², default) or 'adam' (Adam-SQR: B = bias-corrected EMA of g²). */ preconditioner?: 'adagrad' | 'adam';
  /** EMA rate of Adam-SQR (default 0.999). */ b2?: number;
  /** ε added to B's diagonal (default 1e-10; 0 makes the step exactly scale invariant). */ eps?: number;
  /** The optimal value f* of the (minibatch) loss (default 0, interpolation). */ fStar?: number;
  /** A multiplier of the Polyak step (default 1: the parameter-free method). */ lr?: HyperValue;
}

type SaniaState = OptState & { count: number; v: Record<string, Tensor> };

/** f(w) as a number or a device scalar: `context.loss`, else `context.problem.loss(w)`. */
function lossOf(ctx: UpdateContext, params: Record<string, Tensor> | undefined, grads: Record<string, Tensor>): number | Scalar {
  if (typeof ctx.loss === 'number') return ctx.loss;
  if (ctx.problem) return ctx.problem.loss((ctx.w ?? flatOf(params ?? grads, ctx.problem, 'sania')) as Tensor1D);
  if (ctx.lossFn && ctx.w) return ctx.lossFn(ctx.w);
  throw new Error('sania.update: the Polyak step needs the loss at the gradient point; pass context.loss (a number) or context.problem and context.w — fl.train does this for you.');
}

/**
 * SANIA (Abdukhakimov, Xiang, Kamzolov, Gower & Takáč 2023, arXiv 2312.17369), the preconditioned
 * Polyak step of its general framework with the diagonal preconditioners AdaGrad-SQR and Adam-SQR:
 *   AdaGrad-SQR: v ← v + g⊙g,  B = diag(v) + ε   (no square root: hence "SQR")
 *   Adam-SQR:    v ← b2v + (1−b2)g⊙g,  B = diag(v/(1 − b2ᵗ)) + ε
 *   w ← w − η · max(f(w) − f*, 0)/‖g‖²_{B⁻¹} · B⁻¹g,   ‖g‖²_{B⁻¹} = Σ g²/B (over every leaf).
 * Because B scales like g², the step is invariant to rescaling the features of a generalised
 * linear model (x → xD, w → D⁻¹w gives w_t → D⁻¹w_t, the same predictions), with ε = 0 exactly.
 * The loss f(w) comes from `context.loss` (fl.train passes it) or `context.problem.loss(w)`;
 * it stays on the device when it is a tensor. Defaults: AdaGrad-SQR, f* = 0, ε 1e-10, η 1, b2 0.999.
 * flowlab's reading: the paper's Adam-SQR is taken as the preconditioner only (no first moment),
 * so the step stays a Polyak step along B⁻¹g; f(w) − f* is clipped at 0 (a wrong f* gives no step, not an ascent).
 * @example const run = await fl.train(P, fl.optim.sania({ preconditioner: 'adam' }), { w0, steps: 100 });
 */
export function sania({ preconditioner = 'adagrad', b2 = 0.999, eps = 1e-10, fStar = 0, lr = 1 }: SaniaOptions = {}) {
  if (preconditioner !== 'adagrad' && preconditioner !== 'adam') throw new RangeError(`sania: preconditioner must be 'adagrad' or 'adam', got ${String(preconditioner)}.`);
  checkHyper('sania', 'b2', b2, (x) => x >= 0 && x < 1, 'in [0, 1)');
  checkHyper('sania', 'eps', eps, (x) => x >= 0, 'non-negative');
  return defineTransformation<SaniaState>({
    name: 'sania',
    hyperparams: { preconditioner, b2, eps, fStar, lr },
    init: (p) => ({ count: 0, v: Object.fromEntries(Object.entries(asRecord(p)).map(([k, x]) => [k, tf.zerosLike(x)])) }),
    update: (grads, s, params, ctx) => {
      const t = s.count + 1;
      const g = asRecord(grads);
      const keys = Object.keys(g);
      const v: Record<string, Tensor> = {};
      const dir: Record<string, Tensor> = {};
      for (const k of keys) {
        const sq = tf.square(g[k]);
        v[k] = preconditioner === 'adagrad' ? tf.add(s.v[k], sq) : tf.add(tf.mul(s.v[k], b2), tf.mul(sq, 1 - b2));
        const B = preconditioner === 'adagrad' ? v[k] : tf.div(v[k], 1 - Math.pow(b2, t));
        const Be = eps ? tf.add(B, eps) : B;
        dir[k] = tf.where(tf.greater(Be, 0), tf.div(g[k], tf.maximum(Be, 1e-38)), tf.zerosLike(Be)); // a coordinate never seen moves not
      }
      const gBg = tf.addN(keys.map((k) => tf.sum(tf.mul(g[k], dir[k]))));
      const gap = tf.relu(tf.sub(lossOf(ctx, params ? asRecord(params) : undefined, g), fStar));
      // 0/0 (a zero gradient) gives no step.
      const step = tf.where(tf.greater(gBg, 0), tf.div(gap, tf.maximum(gBg, 1e-30)), tf.zerosLike(gBg));
      const scale = tf.mul(step, -hyperAt(lr, t - 1));
      const u = Object.fromEntries(keys.map((k) => [k, tf.mul(dir[k], scale)]));
      return { updates: likeParams(grads, u), state: { count: t, v } };
    },
  });
}
