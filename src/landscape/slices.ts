/**
 * Loss along lines and planes through parameter space: 1-D and 2-D slices and linear
 * interpolation between two solutions (Goodfellow, Vinyals & Saxe 2015, arXiv:1412.6544; Li et al.
 * 2018, arXiv:1712.09913). Results are arquero tables ready for fl.plot.
 */
import * as aq from 'arquero';
import { tf } from '../tensor/tf.js';
import type { Problem } from '../tensor/types.js';
import { throwIfInterrupted } from '../runtime/index.js';
import { readPacked } from '../tensor/read.js';
import { pointArrays, type Point } from './operator.js';

type Range = [number, number];

/** Evenly spaced points over [lo, hi]. */
export function linspace([lo, hi]: Range, points: number, arg = 'range'): number[] {
  if (!Number.isInteger(points) || points < 2) throw new Error(`points must be an integer ≥ 2, got ${points}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new Error(`${arg} must be [lo, hi] with finite lo < hi, got [${lo}, ${hi}]`);
  return Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
}

/**
 * L(w + Σ cᵢ dᵢ) for each coefficient tuple, one loss evaluation each. Async: the losses of each
 * row of `rowSize` points stay on the device and are read together (one read per row).
 */
export async function lossesAt(P: Problem, w: Float32Array, dirs: Float32Array[], coefs: number[][], rowSize = coefs.length): Promise<number[]> {
  const out: number[] = [];
  for (let start = 0; start < coefs.length; start += rowSize) {
    const losses: tf.Tensor[] = [];
    try {
      for (const c of coefs.slice(start, start + rowSize)) {
        throwIfInterrupted();
        const x = new Float32Array(w.length);
        for (let i = 0; i < w.length; i++) {
          let v = w[i];
          for (let j = 0; j < dirs.length; j++) v += c[j] * dirs[j][i];
          x[i] = v;
        }
        losses.push(tf.tidy(() => P.loss(tf.tensor1d(x))));
      }
      for (const v of await readPacked(losses)) out.push(v[0]);
    } finally {
      tf.dispose(losses);
    }
  }
  return out;
}

/**
 * 1-D slice: L(w + α d) for α on `range` (default [−1, 1], 51 points) → table (alpha, loss).
 * Async: the losses are read together, once.
 * @example await fl.landscape.slice1d(P, w, await fl.landscape.directions.random(P, { w }))
 */
export async function slice1d(P: Problem, w: Point, d: Point, { range = [-1, 1] as Range, points = 51 } = {}): Promise<aq.ColumnTable> {
  const [wa, da] = await pointArrays(P, [{ w, arg: 'w' }, { w: d, arg: 'd' }], 'slice1d');
  const alpha = linspace(range, points);
  return aq.table({ alpha, loss: await lossesAt(P, wa, [da], alpha.map((a) => [a])) });
}

/**
 * 2-D slice: L(w + α d1 + β d2) on a points×points grid over range² (default [−1, 1], 51)
 * → table (alpha, beta, loss), alpha varying fastest within each beta. Async: one read per row
 * (the losses of one beta).
 * @example await fl.landscape.slice2d(P, w, d1, d2, { points: 21 })
 */
export async function slice2d(P: Problem, w: Point, d1: Point, d2: Point, { range = [-1, 1] as Range | [Range, Range], points = 51 as number | [number, number] } = {}): Promise<aq.ColumnTable> {
  const [wa, a1, a2] = await pointArrays(P, [{ w, arg: 'w' }, { w: d1, arg: 'd1' }, { w: d2, arg: 'd2' }], 'slice2d');
  const [rx, ry] = (Array.isArray(range[0]) ? range : [range, range]) as [Range, Range];
  const [nx, ny] = Array.isArray(points) ? points : [points, points];
  const xs = linspace(rx, nx), ys = linspace(ry, ny);
  const alpha: number[] = [], beta: number[] = [];
  for (const b of ys) for (const a of xs) { alpha.push(a); beta.push(b); }
  return aq.table({ alpha, beta, loss: await lossesAt(P, wa, [a1, a2], alpha.map((a, i) => [a, beta[i]]), nx) });
}

/**
 * Linear interpolation L((1 − α) w1 + α w2) for α on range (default [−0.5, 1.5], 401 points)
 * → table (alpha, loss). Async: the losses are read together, once.
 * @example await fl.landscape.interpolate(P, wInit, wFinal)
 */
export async function interpolate(P: Problem, w1: Point, w2: Point, { range = [-0.5, 1.5] as Range, points = 401 } = {}): Promise<aq.ColumnTable> {
  const [a, b] = await pointArrays(P, [{ w: w1, arg: 'w1' }, { w: w2, arg: 'w2' }], 'interpolate');
  const diff = Float32Array.from(b, (x, i) => x - a[i]);
  const alpha = linspace(range, points);
  return aq.table({ alpha, loss: await lossesAt(P, a, [diff], alpha.map((t) => [t])) });
}
