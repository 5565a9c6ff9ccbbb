/** Prodigy: learning-rate-free Adam that estimates the distance to the solution. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue, OptState } from './types.js';
import { defineTransformation, hyperAt } from './core.js';
import { asRecord, likeParams } from './tree.js';

type ProdigyState = OptState & {
  count: number; d: number; dMax: number; dNum: number;
  m: Record<string, Tensor>; v: Record<string, Tensor>; s: Record<string, Tensor>; x0: Record<string, Tensor>;
};

/**
 * Prodigy (Mishchenko & Defazio 2024, arXiv 2306.06101; Adam form of the official code), with
 * d₀ = 1e-6, b3 = √b2, dlr = d·η·bc (bc = √(1−b2ᵗ)/(1−b1ᵗ) when biasCorrection, else 1):
 *   r ← b3 r + (d/d₀)·dlr·⟨g, x₀ − θ⟩;  m ← b1m + d(1−b1)g;  v ← b2v + d²(1−b2)g²;
 *   s ← b3 s + (d/d₀)·dlr·g;  d̂ = r/‖s‖₁;  d ← max(d, min(d̂, growth·d)) (kept as the running max);
 *   θ ← θ(1 − λ·dlr) − dlr·m/(√v + d_new·ε).
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
      return { count: 0, d: d0, dMax: d0, dNum: 0, m: z(), v: z(), s: z(), x0: Object.fromEntries(Object.entries(r).map(([n, x]) => [n, tf.clone(x)])) };
    },
    update: (grads, st, params) => {
      const t = st.count + 1;
      const g = asRecord(grads);
      const p = asRecord(params!);
      const d = st.d;
      const bc = biasCorrection ? Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t)) : 1;
      const dlr = d * hyperAt(lr, t - 1) * bc;
      let dNum = st.dNum * beta3;
      let dDen = 0;
      const m: Record<string, Tensor> = {}, v: Record<string, Tensor> = {}, s: Record<string, Tensor> = {};
      for (const n of Object.keys(g)) {
        dNum += (d / d0) * dlr * tf.sum(tf.mul(g[n], tf.sub(st.x0[n], p[n]))).dataSync()[0];
        m[n] = tf.add(tf.mul(st.m[n], b1), tf.mul(g[n], d * (1 - b1)));
        v[n] = tf.add(tf.mul(st.v[n], b2), tf.mul(tf.square(g[n]), d * d * (1 - b2)));
        s[n] = tf.add(tf.mul(st.s[n], beta3), tf.mul(g[n], (d / d0) * dlr));
        dDen += tf.sum(tf.abs(s[n])).dataSync()[0];
      }
      let dNew = d;
      let dMax = st.dMax;
      if (dDen > 0) {
        const dHat = dNum / dDen;
        dMax = Math.max(dMax, dHat);
        dNew = Math.min(dMax, d * growthRate);
        dNew = Math.max(d, dNew);
      }
      const u: Record<string, Tensor> = {};
      for (const n of Object.keys(g)) {
        let step = tf.div(tf.mul(m[n], -dlr), tf.add(tf.sqrt(v[n]), dNew * eps));
        if (weightDecay) step = tf.sub(step, tf.mul(p[n], weightDecay * dlr));
        u[n] = step;
      }
      return { updates: likeParams(grads, u), state: { count: t, d: dNew, dMax, dNum, m, v, s, x0: st.x0 } as ProdigyState };
    },
  });
}
