/** Sophia: clipped second-order steps with a diagonal Hessian estimate (G: Gauss–Newton–Bartlett, H: Hutchinson). */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue, OptState, Params, UpdateContext } from './types.js';
import { defineTransformation, hyperAt } from './core.js';
import { asRecord, likeParams } from './tree.js';
import { flatOf, needProblem, rademacher, unflatLike } from './flatten.js';

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

/**
 * Sophia-G (Liu et al. 2023, arXiv 2305.14342): m ← b1m + (1−b1)g; every k steps
 * h ← b2h + (1−b2)ĝ⊙ĝ; θ ← θ(1 − ηλ) − η sign(m)·min(|m|/max(ρ·bs·h, 1e-15), 1).
 * ĝ is the gradient of the loss with labels SAMPLED from the model (Gauss–Newton–Bartlett); pass
 * it as `sampledGrad(ctx)`. Without it ĝ = g (the empirical Fisher; a documented deviation, since
 * a Problem has no label sampler). Defaults η 1e-4, b1 0.965, b2 0.99, ρ 0.04, λ 0.1, k 10.
 * @example const opt = sophiaG({ lr: 1e-4, rho: 0.04 });
 */
export function sophiaG({ sampledGrad, ...opts }: SophiaOptions & { sampledGrad?: (ctx: UpdateContext) => Params } = {}) {
  const o = { lr: 1e-4, b1: 0.965, b2: 0.99, rho: 0.04, weightDecay: 0.1, k: 10, batchSize: 1, ...opts };
  return sophia('sophiaG', o, (g, _p, ctx, seed) => {
    const gh = sampledGrad ? asRecord(sampledGrad(ctx)) : g;
    return { est: Object.fromEntries(Object.keys(g).map((n) => [n, tf.square(gh[n])])), seed };
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
