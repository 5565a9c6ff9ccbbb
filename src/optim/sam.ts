/** SAM and ASAM: sharpness-aware minimisation (two gradients per step). */
import { tf } from '../tensor/tf.js';
import type { Tensor, Tensor1D } from '../tensor/types.js';
import type { GradientTransformation, HyperValue, OptState } from './types.js';
import { defineAsyncTransformation } from './core.js';
import { asRecord, disposeParams, likeParams } from './tree.js';
import { flatOf, needProblem, unflatLike } from './flatten.js';
import { sgd } from './sgd.js';

interface SamOptions { lr?: HyperValue; momentum?: number; rho?: number; base?: GradientTransformation; weightDecay?: number }
interface SamOnlyOptions extends SamOptions { normalize?: boolean }

function sharpnessAware(name: string, adaptive: boolean, { lr, momentum, rho, base, weightDecay, etaA, normalize = true }: Required<Omit<SamOptions, 'base'>> & { base?: GradientTransformation; etaA: number; normalize?: boolean }) {
  const inner: GradientTransformation = base ?? (sgd({ lr, momentum, weightDecay }) as unknown as GradientTransformation);
  return defineAsyncTransformation({
    name, hyperparams: { lr, momentum, rho, weightDecay, ...(adaptive ? { etaA } : { normalize }), base: inner.name },
    init: (p) => ({ inner: inner.init(p) }),
    update: async (grads, s, params, ctx) => {
      const problem = needProblem(name, ctx);
      const g = asRecord(grads);
      // The perturbed gradient ∇L(w + e), computed on the device (‖g‖ stays a tensor).
      const g2 = tf.tidy(() => {
        const w = (ctx.w ?? flatOf(params ? asRecord(params) : g, problem, name)) as Tensor1D;
        const gf = flatOf(g, problem, name);
        let e: Tensor;
        if (adaptive) {
          const T = tf.add(tf.abs(w), etaA);
          const tg = tf.mul(T, gf);
          e = tf.mul(tf.mul(tf.square(T), gf), tf.div(rho, tf.maximum(tf.norm(tg), 1e-12)));
        } else if (normalize) {
          e = tf.mul(gf, tf.div(rho, tf.maximum(tf.norm(gf), 1e-12)));
        } else {
          e = tf.mul(gf, rho);
        }
        return unflatLike(problem.grad(tf.add(w, e) as Tensor1D), g, problem);
      });
      try {
        const r = await inner.update(likeParams(grads, g2), s.inner as OptState, params, ctx);
        return { updates: r.updates, state: { inner: r.state } };
      } finally {
        disposeParams(g2);
      }
    },
  });
}

/**
 * SAM (Foret et al. 2021, arXiv 2010.01412): e = ρ g/‖g‖; g_SAM = ∇L(θ + e); then the base
 * optimizer (default SGD with momentum) steps with g_SAM. Needs `context.problem` (train() passes it).
 * `normalize: false` gives unnormalised SAM (USAM), e = ρ g, the variant analysed by Agarwala &
 * Dauphin 2023 (arXiv 2302.08692): on a quadratic with curvature λ, plain USAM is stable iff
 * ηλ(1 + ρλ) < 2. Defaults ρ 0.05, η 0.1, μ 0.9, normalize true.
 * @example const run = await train(P, sam({ lr: 0.05, rho: 0.05 }), { w0, steps: 100 });
 * @example const usam = sam({ lr: 0.1, rho: 0.05, momentum: 0, normalize: false });
 */
export function sam({ lr = 0.1, momentum = 0.9, rho = 0.05, base, weightDecay = 0, normalize = true }: SamOnlyOptions = {}) {
  return sharpnessAware('sam', false, { lr, momentum, rho, base, weightDecay, etaA: 0, normalize });
}

/**
 * ASAM (Kwon et al. 2021, arXiv 2102.11600): adaptive SAM with T = |θ| + η_A:
 * e = ρ T²g/‖T g‖; base step with ∇L(θ + e). Defaults ρ 0.5, η_A 0.01, η 0.1, μ 0.9.
 * @example const run = await train(P, asam({ lr: 0.05, rho: 0.5 }), { w0, steps: 100 });
 */
export function asam({ lr = 0.1, momentum = 0.9, rho = 0.5, base, weightDecay = 0, etaA = 0.01 }: SamOptions & { etaA?: number } = {}) {
  return sharpnessAware('asam', true, { lr, momentum, rho, base, weightDecay, etaA });
}
