/** Prodigy: learning-rate-free Adam that estimates the distance to the solution. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue, OptState } from './types.js';
import { defineTransformation, hyperAt } from './core.js';
import { asRecord, likeParams } from './tree.js';

type ProdigyState = OptState & {
  count: number;
  /** The distance estimate d, its running max and the numerator r: scalar tensors (they stay on the device). */
  d: Tensor; dMax: Tensor; dNum: Tensor;
  m: Record<string, Tensor>; v: Record<string, Tensor>; s: Record<string, Tensor>; x0: Record<string, Tensor>;
};

/**
 * Prodigy (Mishchenko & Defazio 2024, arXiv 2306.06101; Adam form of the official code), with
 * d₀ = 1e-6, b3 = √b2, dlr = d·η·bc (bc = √(1−b2ᵗ)/(1−b1ᵗ) when biasCorrection, else 1):
 *   r ← b3 r + (d/d₀)·dlr·⟨g, x₀ − θ⟩;  m ← b1m + d(1−b1)g;  v ← b2v + d²(1−b2)g²;
 *   s ← b3 s + (d/d₀)·dlr·g;  d̂ = r/‖s‖₁;  d ← max(d, min(d̂, growth·d)) (kept as the running max);
 *   θ ← θ(1 − λ·dlr) − dlr·m/(√v + d_new·ε).
 * d, its running max and r are scalar tensors in the state: the estimate never leaves the device
 * (the official code reads it every step; here no update reads anything).
 * Defaults η 1 (a multiplier), b1 0.9, b2 0.999, ε 1e-8, λ 0, growth ∞, biasCorrection false.
 * @example const opt = prodigy();   // lr is a multiplier of the estimated step d
 */
export function prodigy({ lr = 1, b1 = 0.9, b2 = 0.999, b3, eps = 1e-8, weightDecay = 0, d0 = 1e-6, growthRate = Infinity, biasCorrection = false }: { lr?: HyperValue; b1?: number; b2?: number; b3?: number; eps?: number; weightDecay?: number; d0?: number; growthRate?: number; biasCorrection?: boolean } = {}) {
  const beta3 = b3 ?? Math.sqrt(b2);
  return defineTransformation<ProdigyState>({
    name: 'prodigy', hyperparams: { lr, b1, b2, b3: beta3, eps, weightDecay, d0, growthRate, biasCorrection }, needsParams: true,
    init: (p) => {
      const r = asRecord(p);
      const z = () => Object.fromEntries(Object.entries(r).map(([n, x]) => [n, tf.zerosLike(x)]));
      return { count: 0, d: tf.scalar(d0), dMax: tf.scalar(d0), dNum: tf.scalar(0), m: z(), v: z(), s: z(), x0: Object.fromEntries(Object.entries(r).map(([n, x]) => [n, tf.clone(x)])) };
    },
    update: (grads, st, params) => {
      const t = st.count + 1;
      const g = asRecord(grads);
      const p = asRecord(params!);
      const d = st.d;
      const bc = biasCorrection ? Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t)) : 1;
      const dlr = tf.mul(d, hyperAt(lr, t - 1) * bc);
      const scaleR = tf.mul(tf.div(d, d0), dlr);   // (d/d₀)·dlr
      const dd = tf.square(d);
      const m: Record<string, Tensor> = {}, v: Record<string, Tensor> = {}, s: Record<string, Tensor> = {};
      const num: Tensor[] = [tf.mul(st.dNum, beta3)];
      const den: Tensor[] = [];
      for (const n of Object.keys(g)) {
        num.push(tf.mul(scaleR, tf.sum(tf.mul(g[n], tf.sub(st.x0[n], p[n])))));
        m[n] = tf.add(tf.mul(st.m[n], b1), tf.mul(g[n], tf.mul(d, 1 - b1)));
        v[n] = tf.add(tf.mul(st.v[n], b2), tf.mul(tf.square(g[n]), tf.mul(dd, 1 - b2)));
        s[n] = tf.add(tf.mul(st.s[n], beta3), tf.mul(g[n], scaleR));
        den.push(tf.sum(tf.abs(s[n])));
      }
      const dNum = num.length === 1 ? num[0] : tf.addN(num);
      const dDen = den.length === 1 ? den[0] : tf.addN(den);
      const grows = tf.greater(dDen, 0);
      const dHat = tf.div(dNum, tf.where(grows, dDen, tf.onesLike(dDen)));
      const dMax = tf.where(grows, tf.maximum(st.dMax, dHat), st.dMax);
      const capped = Number.isFinite(growthRate) ? tf.minimum(dMax, tf.mul(d, growthRate)) : dMax;
      const dNew = tf.where(grows, tf.maximum(d, capped), d);
      const epsD = tf.mul(dNew, eps);
      const u: Record<string, Tensor> = {};
      for (const n of Object.keys(g)) {
        let step = tf.div(tf.mul(m[n], tf.neg(dlr)), tf.add(tf.sqrt(v[n]), epsD));
        if (weightDecay) step = tf.sub(step, tf.mul(p[n], tf.mul(dlr, weightDecay)));
        u[n] = step;
      }
      return { updates: likeParams(grads, u), state: { count: t, d: dNew, dMax, dNum, m, v, s, x0: st.x0 } as ProdigyState };
    },
  });
}
