/** 8-bit Adam: Adam whose moments are stored block-wise quantised. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';
import { dequantizeBlockwise, dynamicMap, quantizeBlockwise } from './quantize.js';

const SIGNED = dynamicMap(true);
const UNSIGNED = dynamicMap(false);

type S8 = { m: Tensor | Uint8Array; v: Tensor | Uint8Array; mAbs: Float32Array | null; vAbs: Float32Array | null };

/**
 * 8-bit Adam (Dettmers et al. 2022, arXiv 2110.02861, bitsandbytes' Adam8bit): per step
 * dequantise m (signed dynamic map) and v (unsigned map), run the fp32 Adam update (optionally
 * AdamW-style decoupled decay), requantise block-wise (256 values per block, one fp32 absmax per
 * block). Tensors with fewer than `minSize` = 4096 entries keep fp32 state (as bitsandbytes).
 * The quantised leaves run in JS on Float32Array copies of their gradients (and params, with
 * weight decay), all read in ONE packed transfer per update: TF.js has no uint8 dtype, so codes
 * kept on the device would take int32 (as much memory as the fp32 moments they replace).
 * Defaults η 1e-3, b1 0.9, b2 0.999, ε 1e-8, λ 0.
 * @example const opt = adam8bit({ lr: 1e-3 });
 */
export function adam8bit({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0, minSize = 4096, block = 256 }: { lr?: HyperValue; b1?: number; b2?: number; eps?: number; weightDecay?: number; minSize?: number; block?: number } = {}) {
  return leafwise<S8>('adam8bit', { lr, b1, b2, eps, weightDecay, minSize, block }, {
    init: (p) => {
      if (p.size < minSize) return { m: tf.zerosLike(p), v: tf.zerosLike(p), mAbs: null, vAbs: null };
      const nb = Math.ceil(p.size / block);
      const zero = quantizeBlockwise(new Float32Array(p.size), SIGNED, block).codes;
      const zeroU = quantizeBlockwise(new Float32Array(p.size), UNSIGNED, block).codes;
      return { m: zero, v: zeroU, mAbs: new Float32Array(nb), vAbs: new Float32Array(nb) };
    },
    read: (g, s, p): Record<string, Tensor> | undefined => (s.m instanceof Uint8Array ? (weightDecay ? { g, p: p! } : { g }) : undefined),
    update: (g, s, p, t, _key, _ctx, fetched) => {
      const eta = hyperAt(lr, t - 1);
      const bc1 = 1 - Math.pow(b1, t);
      const sbc2 = Math.sqrt(1 - Math.pow(b2, t));
      if (!(s.m instanceof Uint8Array)) {
        const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(s.v as Tensor, b2), tf.mul(tf.square(g), 1 - b2));
        let u = tf.div(tf.mul(m, -eta / bc1), tf.add(tf.div(tf.sqrt(v), sbc2), eps));
        if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
        return { u, s: { m, v, mAbs: null, vAbs: null } };
      }
      const gd = fetched.g.values;
      const pd = weightDecay ? fetched.p.values : null;
      const m = dequantizeBlockwise(s.m, s.mAbs!, SIGNED, block);
      const v = dequantizeBlockwise(s.v as Uint8Array, s.vAbs!, UNSIGNED, block);
      const u = new Float32Array(gd.length);
      for (let i = 0; i < gd.length; i++) {
        const gi = gd[i];
        const mi = b1 * m[i] + (1 - b1) * gi;
        const vi = b2 * v[i] + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        u[i] = (-eta / bc1) * mi / (Math.sqrt(vi) / sbc2 + eps) - (pd ? eta * weightDecay * pd[i] : 0);
      }
      const qm = quantizeBlockwise(m, SIGNED, block);
      const qv = quantizeBlockwise(v, UNSIGNED, block);
      return { u: tf.tensor(u, g.shape), s: { m: qm.codes, v: qv.codes, mAbs: qm.absmax, vAbs: qv.absmax } };
    },
  }, { needsParams: weightDecay !== 0 });
}
