/** Sophia: clipped second-order steps with a diagonal Hessian estimate (G: Gauss–Newton–Bartlett, H: Hutchinson). */
import { tf } from '../tensor/tf.js';
import type { Scalar, Tensor, Tensor1D } from '../tensor/types.js';
import { problem } from '../tensor/problem.js';
import type { HyperValue, OptState, Params, UpdateContext } from './types.js';
import { defineTransformation, hyperAt } from './core.js';
import { asRecord, likeParams } from './tree.js';
import { flatOf, needProblem, unflatLike } from './flatten.js';
import { rademacher, uniforms } from './seeded-random.js';

export interface SophiaOptions {
  /** Learning rate η (default 1e-4). */ lr?: HyperValue;
  /** Momentum EMA rate (default 0.965). */ b1?: number;
  /** Hessian-estimate EMA rate (default 0.99). */ b2?: number;
  /** Clipping scale ρ (default 0.04). */ rho?: number;
  /** Decoupled weight decay λ (default 0.1). */ weightDecay?: number;
  /** Refresh the Hessian estimate every k steps (default 10; refreshed at steps 1, 1+k, ...). */ k?: number;
  /** The batch size factor `bs` of the reference (default 1). */ batchSize?: number;
}

type SophiaState = OptState & { count: number; m: Record<string, Tensor>; h: Record<string, Tensor>; seed: number };

function sophia(
  name: string,
  o: Required<SophiaOptions>,
  estimate: (g: Record<string, Tensor>, p: Record<string, Tensor> | undefined, ctx: UpdateContext, seed: number) => { est: Record<string, Tensor>; seed: number },
) {
  const { lr, b1, b2, rho, weightDecay, k, batchSize } = o;
  return defineTransformation<SophiaState>({
    name, hyperparams: { ...o }, needsParams: weightDecay !== 0,
    init: (p) => {
      const r = asRecord(p);
      const z = () => Object.fromEntries(Object.entries(r).map(([n, x]) => [n, tf.zerosLike(x)]));
      return { count: 0, m: z(), h: z(), seed: 0x5eed };
    },
    update: (grads, s, params, ctx) => {
      const t = s.count + 1;
      const g = asRecord(grads);
      const p = params ? asRecord(params) : undefined;
      let h = s.h;
      let seed = s.seed;
      if ((t - 1) % k === 0) {
        const e = estimate(g, p, ctx, seed);
        seed = e.seed;
        h = Object.fromEntries(Object.keys(g).map((n) => [n, tf.add(tf.mul(s.h[n], b2), tf.mul(e.est[n], 1 - b2))]));
      }
      const eta = hyperAt(lr, t - 1);
      const m: Record<string, Tensor> = {};
      const u: Record<string, Tensor> = {};
      for (const n of Object.keys(g)) {
        m[n] = tf.add(tf.mul(s.m[n], b1), tf.mul(g[n], 1 - b1));
        const ratio = tf.minimum(tf.div(tf.abs(m[n]), tf.maximum(tf.mul(h[n], rho * batchSize), 1e-15)), 1);
        let d = tf.mul(tf.sign(m[n]), ratio);
        if (weightDecay) d = tf.add(d, tf.mul(p![n], weightDecay));
        u[n] = tf.mul(d, -eta);
      }
      return { updates: likeParams(grads, u), state: { count: t, m, h, seed } as SophiaState };
    },
  });
}

/** What Sophia-G's GNB estimator needs of `context.problem` (every `fl.problem.fromModel` Problem has it). */
interface ModelBatch {
  model: { apply(w: Tensor1D, x: Tensor): Tensor };
  lossFn: ((f: Tensor, y: Tensor, mask?: Tensor) => Scalar) & { lossName: string };
  current(): { x: Tensor; y: Tensor; mask?: Tensor };
}

const isModelBatch = (p: unknown): p is ModelBatch =>
  !!p && typeof (p as ModelBatch).current === 'function' && typeof (p as ModelBatch).lossFn === 'function' && typeof (p as ModelBatch).model?.apply === 'function';

/**
 * Labels sampled from the model's own predictive distribution at outputs f (no tape):
 * cross-entropy → one-hot ŷ ~ Categorical(softmax f) by inverse CDF; mse → ŷ = f + ξ, ξ ~ N(0, I)
 * (Box–Muller); logistic → ŷ = ±1 with P(+1) = σ(f). The uniforms come from the seeded host PRNG.
 */
export function sampleLabels(f: Tensor, lossName: string, seed: number): { y: Tensor; seed: number } {
  const C = f.rank === 1 ? 1 : f.shape[f.rank - 1];
  const rows = f.size / C;
  if (/crossEntropy/i.test(lossName)) {
    const u = uniforms(rows, seed);
    const y = tf.tidy(() => {
      const cdf = tf.cumsum(tf.softmax(tf.reshape(f, [rows, C])), 1);
      const below = tf.sum(tf.cast(tf.less(cdf, tf.tensor2d(Float32Array.from(u.values), [rows, 1])), 'int32'), 1);
      return tf.reshape(tf.oneHot(tf.cast(tf.minimum(below, C - 1), 'int32') as tf.Tensor1D, C).toFloat(), f.shape);
    });
    return { y, seed: u.seed };
  }
  if (/mse/i.test(lossName)) {
    const u = uniforms(2 * f.size, seed);
    const z = Float32Array.from({ length: f.size }, (_, i) => Math.sqrt(-2 * Math.log(1 - u.values[2 * i])) * Math.cos(2 * Math.PI * u.values[2 * i + 1]));
    return { y: tf.tidy(() => tf.add(f, tf.tensor(z, f.shape))), seed: u.seed };
  }
  if (/logistic/i.test(lossName)) {
    const u = uniforms(f.size, seed);
    return { y: tf.tidy(() => tf.sub(tf.mul(tf.cast(tf.less(tf.tensor(Float32Array.from(u.values), f.shape), tf.sigmoid(f)), 'float32'), 2), 1)), seed: u.seed };
  }
  throw new Error(`sophiaG: the Gauss–Newton–Bartlett estimator samples labels for crossEntropy, mse or logistic losses, not "${lossName}"; pass sampledGrad or estimator: 'empiricalFisher'.`);
}

/**
 * The Gauss–Newton–Bartlett gradient ĝ = ∇_w (1/B) Σᵢ ℓ(f_w(xᵢ), ŷᵢ) on the current minibatch of a
 * model Problem, with ŷᵢ sampled from the model at w (see `sampleLabels`).
 */
function gnbGrad(ctx: UpdateContext, w: Tensor1D, seed: number): { g: Tensor1D; seed: number } {
  const P = ctx.problem;
  if (!isModelBatch(P)) {
    throw new Error("sophiaG: the Gauss–Newton–Bartlett estimator needs context.problem to be a model Problem (fl.problem.fromModel: it samples labels from the model's outputs on the current minibatch). For a plain objective pass estimator: 'empiricalFisher' (ĝ = g) or sampledGrad(ctx).");
  }
  const { x, mask } = P.current();
  const f = tf.tidy(() => P.model.apply(w, x));
  const s = sampleLabels(f, P.lossFn.lossName, seed);
  f.dispose();
  const Q = problem((v) => P.lossFn(P.model.apply(v, x), s.y, mask), { dim: w.size, checkFinite: false });
  const g = Q.grad(w);
  s.y.dispose();
  return { g, seed: s.seed };
}

/**
 * Sophia-G (Liu et al. 2023, arXiv 2305.14342; official code Liuhong99/Sophia): m ← b1m + (1−b1)g;
 * every k steps h ← b2h + (1−b2)ĝ⊙ĝ; θ ← θ(1 − ηλ) − η sign(m)·min(|m|/max(ρ·bs·h, 1e-15), 1).
 * `estimator` chooses ĝ:
 * - 'gnb' (default, the paper's Gauss–Newton–Bartlett estimator): ĝ is the minibatch gradient
 *   with labels SAMPLED from the model's own predictive distribution at w (softmax for
 *   cross-entropy; see `sampleLabels` for mse and logistic), on `context.problem.current()` —
 *   every `fl.problem.fromModel` Problem provides it, and fl.train passes the minibatch Problem.
 *   The sampler is seeded (state.seed), so runs are reproducible.
 * - 'empiricalFisher': ĝ = g, the observed gradient (a different, cheaper estimator — not the
 *   paper's; it needs no model and works on any objective).
 * `sampledGrad(ctx)` overrides both with your own ĝ. Defaults η 1e-4, b1 0.965, b2 0.99, ρ 0.04,
 * λ 0.1, k 10, bs 1 (the reference multiplies ρ by its tokens per batch).
 * @example const opt = sophiaG({ lr: 1e-4, rho: 0.04 });   // fl.train(fromModel(...), opt, ...)
 */
export function sophiaG({ sampledGrad, estimator = 'gnb', ...opts }: SophiaOptions & { estimator?: 'gnb' | 'empiricalFisher'; sampledGrad?: (ctx: UpdateContext) => Params } = {}) {
  if (estimator !== 'gnb' && estimator !== 'empiricalFisher') throw new RangeError(`sophiaG: estimator must be 'gnb' or 'empiricalFisher', got ${String(estimator)}.`);
  const o = { lr: 1e-4, b1: 0.965, b2: 0.99, rho: 0.04, weightDecay: 0.1, k: 10, batchSize: 1, ...opts };
  return sophia('sophiaG', { ...o, estimator } as never, (g, p, ctx, seed) => {
    if (sampledGrad) {
      const gh = asRecord(sampledGrad(ctx));
      return { est: Object.fromEntries(Object.keys(g).map((n) => [n, tf.square(gh[n])])), seed };
    }
    if (estimator === 'empiricalFisher') return { est: Object.fromEntries(Object.keys(g).map((n) => [n, tf.square(g[n])])), seed };
    const problemNow = ctx.problem;
    const w = ctx.w ?? flatOf(p ?? g, problemNow, 'sophiaG');
    const r = gnbGrad(ctx, w, seed);
    const gh = unflatLike(r.g, g, problemNow);
    return { est: Object.fromEntries(Object.keys(g).map((n) => [n, tf.square(gh[n])])), seed: r.seed };
  });
}

/**
 * Sophia-H (Liu et al. 2023, arXiv 2305.14342): as Sophia-G but the diagonal estimate is
 * Hutchinson's ĥ = u⊙(H u), u Rademacher (seeded, state holds the seed), from
 * `context.problem.hvp(w, u)`; negative estimates are floored by max(ρ·bs·h, 1e-15).
 * Needs `context.problem` (and `context.w`, else the flat params). Same defaults as Sophia-G.
 * @example const run = await train(P, sophiaH({ lr: 1e-4 }), { w0, steps: 100 });   // train passes context.problem
 */
export function sophiaH(opts: SophiaOptions = {}) {
  const o = { lr: 1e-4, b1: 0.965, b2: 0.99, rho: 0.04, weightDecay: 0.1, k: 10, batchSize: 1, ...opts };
  return sophia('sophiaH', o, (g, p, ctx, seed) => {
    const problem = needProblem('sophiaH', ctx);
    const w = ctx.w ?? flatOf(p ?? g, problem, 'sophiaH');
    const r = rademacher(w.size, seed);
    const u = tf.tensor1d(r.values);
    const hu = problem.hvp(w as never, u as never);
    const est = unflatLike(tf.mul(u, hu) as never, g, problem);
    return { est, seed: r.seed };
  });
}
