/** Schedule-Free SGD and AdamW: averaging replaces the learning-rate schedule. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue, OptState, Params } from './types.js';
import { defineTransformation, hyperAt } from './core.js';
import { FLAT_KEY, asRecord, likeParams } from './tree.js';

type SFState = OptState & { count: number; lrMax: number; weightSum: number; z: Record<string, Tensor>; x: Record<string, Tensor>; v: Record<string, Tensor> | null };

interface SFOptions { lr?: HyperValue; b1?: number; b2?: number; eps?: number; weightDecay?: number; warmup?: number; weightLrPower?: number }

function scheduleFree(name: string, adaptive: boolean, o: Required<SFOptions>) {
  const { lr, b1, b2, eps, weightDecay, warmup, weightLrPower } = o;
  return defineTransformation<SFState>({
    name, hyperparams: { ...o }, needsParams: true,
    init: (p) => {
      const r = asRecord(p);
      const copy = () => Object.fromEntries(Object.entries(r).map(([n, x]) => [n, tf.clone(x)]));
      return { count: 0, lrMax: 0, weightSum: 0, z: copy(), x: copy(), v: adaptive ? Object.fromEntries(Object.entries(r).map(([n, x]) => [n, tf.zerosLike(x)])) : null };
    },
    update: (grads, s, params) => {
      const k = s.count;
      const g = asRecord(grads);
      const y = asRecord(params!);
      const gamma = hyperAt(lr, k) * (warmup > 0 && k < warmup ? (k + 1) / warmup : 1);
      const lrMax = Math.max(gamma, s.lrMax);
      const weight = Math.pow(lrMax, weightLrPower);
      const weightSum = s.weightSum + weight;
      const c = weightSum > 0 ? weight / weightSum : 0;
      const z: Record<string, Tensor> = {}, x: Record<string, Tensor> = {}, u: Record<string, Tensor> = {};
      const v: Record<string, Tensor> | null = adaptive ? {} : null;
      for (const n of Object.keys(g)) {
        let gh = g[n];
        if (adaptive) {
          v![n] = tf.add(tf.mul(s.v![n], b2), tf.mul(tf.square(g[n]), 1 - b2));
          gh = tf.div(g[n], tf.add(tf.sqrt(tf.div(v![n], 1 - Math.pow(b2, k + 1))), eps));
        }
        if (weightDecay) gh = tf.add(gh, tf.mul(y[n], weightDecay));
        z[n] = tf.sub(s.z[n], tf.mul(gh, gamma));
        x[n] = tf.add(tf.mul(s.x[n], 1 - c), tf.mul(z[n], c));
        const yNew = tf.add(tf.mul(z[n], 1 - b1), tf.mul(x[n], b1));
        u[n] = tf.sub(yNew, y[n]);
      }
      return { updates: likeParams(grads, u), state: { count: k + 1, lrMax, weightSum, z, x, v } as SFState };
    },
    evalParams: (s) => {
      const keys = Object.keys(s.x);
      return keys.length === 1 && keys[0] === FLAT_KEY ? s.x[FLAT_KEY] : (s.x as Params);
    },
  });
}

/**
 * Schedule-Free SGD (Defazio et al. 2024, "The Road Less Scheduled", arXiv 2405.15682): the
 * params are the gradient point y = (1−β)z + βx; z ← z − γg; x ← (1−c)x + cz with
 * c = γ_max²/Σγ_max² (weight_lr_power 2, r = 0); evaluate at x = `opt.evalParams(state)`.
 * Defaults η 1, β (b1) 0.9, λ 0 (applied at y), warm-up 0 (linear, inside the optimizer).
 * @example const x = opt.evalParams!(state);   // the point to evaluate / report
 */
export function scheduleFreeSgd({ lr = 1, b1 = 0.9, weightDecay = 0, warmup = 0, weightLrPower = 2 }: SFOptions = {}) {
  return scheduleFree('scheduleFreeSgd', false, { lr, b1, b2: 0, eps: 0, weightDecay, warmup, weightLrPower });
}

/**
 * Schedule-Free AdamW (Defazio et al. 2024, arXiv 2405.15682): as scheduleFreeSgd with the
 * step ĝ = g/(√(v/(1−b2ᵗ)) + ε) + λy, v ← b2v + (1−b2)g². Defaults η 2.5e-3, b1 0.9, b2 0.999, ε 1e-8, λ 0.
 * @example const opt = scheduleFreeAdamw({ lr: 2.5e-3 }); const x = opt.evalParams!(state);
 */
export function scheduleFreeAdamw({ lr = 2.5e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0, warmup = 0, weightLrPower = 2 }: SFOptions = {}) {
  return scheduleFree('scheduleFreeAdamw', true, { lr, b1, b2, eps, weightDecay, warmup, weightLrPower });
}

/**
 * The evaluation parameters x of a Schedule-Free state (new tensors; caller disposes).
 * @example const x = evalParams(opt, state);   // Schedule-Free's averaged point
 */
export function evalParams(opt: { evalParams?: (s: never) => Params; name: string }, state: OptState): Params {
  if (!opt.evalParams) throw new Error(`evalParams: ${opt.name} has no separate evaluation point; only Schedule-Free optimizers do. Use the params themselves.`);
  return opt.evalParams(state as never);
}
