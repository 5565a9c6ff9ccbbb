/**
 * Strided windows of an NHWC tensor as differentiable ops (pad, slice, reshape), and their adjoint.
 * Tap (p, q) of a kh×kw window with strides (sh, sw) over x padded by padInfo is the [n, oh, ow, c]
 * tensor T_pq[b, i, j, c] = xpad[b, i·sh + p, j·sw + q, c]. Used by the conv filter gradient and the
 * maxPool gradient (whose wasm kernels are missing or wrong at 'same' borders).
 */
import { tfjs as tf } from '../tfjs.js';

type T = tf.Tensor;

/** Geometry of a windowed op (from TF.js's conv/pool info). */
export interface WindowGeometry {
  n: number; h: number; w: number; c: number;
  oh: number; ow: number; sh: number; sw: number; kh: number; kw: number;
  top: number; left: number;
  /** Padded size, large enough for every strided slice. */
  hp: number; wp: number;
}

/** Window geometry of a conv2d/pool over x of shape [n, h, w, c]. */
export function geometry(info: tf.backend_util.Conv2DInfo, xShape: number[]): WindowGeometry {
  const [n, h, w, c] = xShape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const hp = Math.max(h + top + info.padInfo.bottom, kh - 1 + oh * sh);
  const wp = Math.max(w + left + info.padInfo.right, kw - 1 + ow * sw);
  return { n, h, w, c, oh, ow, sh, sw, kh, kw, top, left, hp, wp };
}

/** The kh·kw taps of x (row-major over (p, q)), padding with `fill`. */
export function taps(x: T, g: WindowGeometry, fill = 0): T[] {
  const xp = tf.pad(x, [[0, 0], [g.top, g.hp - g.h - g.top], [g.left, g.wp - g.w - g.left], [0, 0]], fill);
  const out: T[] = [];
  for (let p = 0; p < g.kh; p++) {
    for (let q = 0; q < g.kw; q++) {
      let t: T = tf.slice(xp, [0, p, q, 0], [g.n, g.oh * g.sh, g.ow * g.sw, g.c]);
      if (g.sh > 1 || g.sw > 1) {
        t = tf.reshape(tf.slice(tf.reshape(t, [g.n, g.oh, g.sh, g.ow, g.sw, g.c]), [0, 0, 0, 0, 0, 0], [g.n, g.oh, 1, g.ow, 1, g.c]), [g.n, g.oh, g.ow, g.c]);
      }
      out.push(t);
    }
  }
  return out;
}

/** Adjoint of tap (p, q): scatters an [n, oh, ow, c] tensor back onto x's [n, h, w, c] grid. */
export function tapAdjoint(t: T, p: number, q: number, g: WindowGeometry): T {
  let s: T = t;
  if (g.sh > 1 || g.sw > 1) {
    s = tf.pad(tf.reshape(t, [g.n, g.oh, 1, g.ow, 1, g.c]), [[0, 0], [0, 0], [0, g.sh - 1], [0, 0], [0, g.sw - 1], [0, 0]]);
    s = tf.reshape(s, [g.n, g.oh * g.sh, g.ow * g.sw, g.c]);
  }
  const full = tf.pad(s, [[0, 0], [p, g.hp - p - g.oh * g.sh], [q, g.wp - q - g.ow * g.sw], [0, 0]]);
  return tf.slice(full, [0, g.top, g.left, 0], [g.n, g.h, g.w, g.c]);
}
