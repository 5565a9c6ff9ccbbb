/** AdamP and SGDP: remove the radial component of the step on scale-invariant weights. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';

/**
 * The AdamP/SGDP projection (Heo et al. 2021, arXiv 2006.08217). For a weight of rank ≥ 2, test
 * the per-channel view (channels on the LAST axis, TF.js layout) and then the whole-layer view:
 * if max |cos(g, θ)| < δ/√(view width), remove the radial part p ← p − θ̂(θ̂·p) (θ̂ = θ/(‖θ‖+ε))
 * and scale weight decay by wdRatio. Rank < 2 parameters are left alone (as in the reference).
 * The branch runs on the device (tf.where over both views), so nothing is read: `wd` is a scalar
 * tensor (wdRatio when projected, else 1), or the number 1 for rank < 2.
 * @example const { perturb, wd } = projectRadial(step, g, W);
 */
export function projectRadial(perturb: Tensor, g: Tensor, p: Tensor, { delta = 0.1, wdRatio = 0.1, eps = 1e-8 } = {}): { perturb: Tensor; wd: Tensor | number } {
  if (p.rank < 2) return { perturb, wd: 1 };
  const C = p.shape[p.rank - 1];
  const views: [number[], number[], number][] = [[[p.size / C, C], [0], p.size / C], [[p.size], [0], p.size]];
  // Evaluate both views; the first whose test passes wins (as the reference's loop with break).
  let out: Tensor = perturb;
  let projected: Tensor = tf.scalar(false, 'bool');
  for (const [shape, axis, width] of views.slice().reverse()) {
    const P = tf.reshape(p, shape);
    const G = tf.reshape(g, shape);
    const pn = tf.sqrt(tf.sum(tf.square(P), axis, true));
    const gn = tf.sqrt(tf.sum(tf.square(G), axis, true));
    const cos = tf.div(tf.abs(tf.sum(tf.mul(P, G), axis, true)), tf.mul(tf.maximum(pn, eps), tf.maximum(gn, eps)));
    const pass = tf.less(tf.max(cos), delta / Math.sqrt(width));
    const ph = tf.div(P, tf.add(pn, eps));
    const D = tf.reshape(perturb, shape);
    const radialFree = tf.reshape(tf.sub(D, tf.mul(ph, tf.sum(tf.mul(ph, D), axis, true))), p.shape);
    out = tf.where(pass, radialFree, out);
    projected = tf.logicalOr(projected, pass);
  }
  return { perturb: out, wd: tf.where(projected, tf.scalar(wdRatio), tf.scalar(1)) };
}

interface POptions { lr?: HyperValue; b1?: number; b2?: number; eps?: number; weightDecay?: number; delta?: number; wdRatio?: number; nesterov?: boolean }

/**
 * AdamP (Heo et al. 2021, arXiv 2006.08217): Adam step p = (m/bc₁)/(√(v/bc₂)+ε) (Nesterov:
 * m → b1m + (1−b1)g), projected by `projectRadial`; θ ← θ(1 − ηλ·r) − η p with r = wdRatio when
 * projected. Defaults η 1e-3, b1 0.9, b2 0.999, ε 1e-8, λ 0, δ 0.1, wdRatio 0.1.
 * @example const opt = adamp({ lr: 1e-3, weightDecay: 1e-2 });
 */
export function adamp({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0, delta = 0.1, wdRatio = 0.1, nesterov = false }: POptions = {}) {
  return leafwise<{ m: Tensor; v: Tensor }>('adamp', { lr, b1, b2, eps, weightDecay, delta, wdRatio, nesterov }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
      const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(g), 1 - b2));
      const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - Math.pow(b2, t))), eps);
      const num = nesterov ? tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)) : m;
      let perturb = tf.div(num, denom);
      let wd: Tensor | number = 1;
      if (p) ({ perturb, wd } = projectRadial(perturb, g, p, { delta, wdRatio, eps }));
      const eta = hyperAt(lr, t - 1);
      let u = tf.mul(perturb, -eta / (1 - Math.pow(b1, t)));
      if (weightDecay) u = tf.sub(u, tf.mul(p!, tf.mul(wd, eta * weightDecay)));
      return { u, s: { m, v } };
    },
  }, { needsParams: true });
}

/**
 * SGDP (Heo et al. 2021): momentum buffer b ← μb + g; d = g + μb (Nesterov) or b, projected by
 * `projectRadial`; θ ← θ(1 − ηλ·r) − η d. Defaults η 1e-2, μ 0.9, λ 0, δ 0.1, wdRatio 0.1.
 * @example const opt = sgdp({ lr: 0.1, momentum: 0.9 });
 */
export function sgdp({ lr = 1e-2, momentum = 0.9, weightDecay = 0, delta = 0.1, wdRatio = 0.1, nesterov = false, eps = 1e-8 }: { lr?: HyperValue; momentum?: number; weightDecay?: number; delta?: number; wdRatio?: number; nesterov?: boolean; eps?: number } = {}) {
  return leafwise<{ b: Tensor }>('sgdp', { lr, momentum, weightDecay, delta, wdRatio, nesterov, eps }, {
    init: (p) => ({ b: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const b = tf.add(tf.mul(s.b, momentum), g);
      let perturb = nesterov ? tf.add(g, tf.mul(b, momentum)) : b;
      let wd: Tensor | number = 1;
      if (p) ({ perturb, wd } = projectRadial(perturb, g, p, { delta, wdRatio, eps }));
      const eta = hyperAt(lr, t - 1);
      let u = tf.mul(perturb, -eta);
      if (weightDecay) u = tf.sub(u, tf.mul(p!, tf.mul(wd, eta * weightDecay)));
      return { u, s: { b } };
    },
  }, { needsParams: true });
}
