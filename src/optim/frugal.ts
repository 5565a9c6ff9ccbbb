/** FRUGAL: Adam on a subspace, signSGD on the rest (full-rank updates with little state). */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';

/**
 * FRUGAL (Zmushko et al. 2024, arXiv 2411.07837) with the RandK (random coordinate) projection:
 * every `updateGap` steps draw a mask selecting a fraction `density` of the coordinates (seeded)
 * and reset the Adam state; Adam (b1, b2, ε, bias correction counted from the refresh) updates
 * the selected coordinates, signSGD the others: θ ← θ − η·Adam(g_S) − η_free·sign(g_{S̄}).
 * The coordinate projection works for any shape (vectors included). Defaults η 1e-3,
 * η_free = η, density 0.25, gap 200, b1 0.9, b2 0.999, ε 1e-8.
 * @example const opt = frugal({ lr: 1e-3, density: 0.25 });
 */
export function frugal({ lr = 1e-3, freeLr, density = 0.25, updateGap = 200, b1 = 0.9, b2 = 0.999, eps = 1e-8, seed = 0 }: { lr?: HyperValue; freeLr?: HyperValue; density?: number; updateGap?: number; b1?: number; b2?: number; eps?: number; seed?: number } = {}) {
  const free = freeLr ?? lr;
  return leafwise<{ m: Tensor; v: Tensor; mask: Tensor; k: number }>('frugal', { lr, freeLr: free, density, updateGap, b1, b2, eps, seed }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p), mask: tf.zerosLike(p), k: 0 }),
    update: (g, s, _p, t, key) => {
      let { m, v, mask, k } = s;
      if ((t - 1) % updateGap === 0) {
        const draw = tf.randomUniform(g.shape, 0, 1, 'float32', seed + 7919 * t + hash(key));
        mask = tf.cast(tf.less(draw, density), 'float32');
        m = tf.zerosLike(g);
        v = tf.zerosLike(g);
        k = 0;
      }
      k += 1;
      const gs = tf.mul(g, mask);
      m = tf.add(tf.mul(m, b1), tf.mul(gs, 1 - b1));
      v = tf.add(tf.mul(v, b2), tf.mul(tf.square(gs), 1 - b2));
      const adamStep = tf.mul(tf.div(tf.div(m, 1 - Math.pow(b1, k)), tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(b2, k))), eps)), mask);
      const signStep = tf.mul(tf.sign(g), tf.sub(1, mask));
      const u = tf.add(tf.mul(adamStep, -hyperAt(lr, t - 1)), tf.mul(signStep, -hyperAt(free, t - 1)));
      return { u, s: { m, v, mask, k } };
    },
  });
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h) % 100000;
}
