/**
 * Loss along lines and planes through parameter space: 1-D and 2-D slices and linear
 * interpolation between two solutions (Goodfellow, Vinyals & Saxe 2015, arXiv:1412.6544; Li et al.
 * 2018, arXiv:1712.09913). Results are arquero tables ready for fl.plot.
 */
import * as aq from 'arquero';
import { tf } from '../tensor/tf.js';
import type { Problem } from '../tensor/types.js';
import { throwIfInterrupted } from '../runtime/index.js';
import { pointArray, type Point } from './operator.js';

type Range = [number, number];

/** Evenly spaced points over [lo, hi]. */
export function linspace([lo, hi]: Range, points: number, arg = 'range'): number[] {
  if (!Number.isInteger(points) || points < 2) throw new Error(`points must be an integer ≥ 2, got ${points}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new Error(`${arg} must be [lo, hi] with finite lo < hi, got [${lo}, ${hi}]`);
  return Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
}

/** L(w + Σ cᵢ dᵢ) for each coefficient tuple, one loss evaluation each. */
export function lossesAt(P: Problem, w: Float32Array, dirs: Float32Array[], coefs: number[][]): number[] {
  const x = new Float32Array(w.length);
  return coefs.map((c) => {
    throwIfInterrupted();
    for (let i = 0; i < w.length; i++) {
      let v = w[i];
      for (let j = 0; j < dirs.length; j++) v += c[j] * dirs[j][i];
      x[i] = v;
    }
    const l = tf.tidy(() => P.loss(tf.tensor1d(x)));
    const val = l.dataSync()[0];
    l.dispose();
    return val;
  });
}

/**
 * 1-D slice: L(w + α d) for α on `range` (default [−1, 1], 51 points) → table (alpha, loss).
 * @example slice1d(P, w, directions.random(P, { w }))
 */
export function slice1d(P: Problem, w: Point, d: Point, { range = [-1, 1] as Range, points = 51 } = {}): aq.ColumnTable {
  const wa = pointArray(P, w, 'slice1d'), da = pointArray(P, d, 'slice1d', 'd');
  const alpha = linspace(range, points);
  return aq.table({ alpha, loss: lossesAt(P, wa, [da], alpha.map((a) => [a])) });
}

/**
 * 2-D slice: L(w + α d1 + β d2) on a points×points grid over range² (default [−1, 1], 51)
 * → table (alpha, beta, loss), alpha varying fastest within each beta.
 * @example slice2d(P, w, d1, d2, { points: 21 })
 */
export function slice2d(P: Problem, w: Point, d1: Point, d2: Point, { range = [-1, 1] as Range | [Range, Range], points = 51 as number | [number, number] } = {}): aq.ColumnTable {
  const wa = pointArray(P, w, 'slice2d'), a1 = pointArray(P, d1, 'slice2d', 'd1'), a2 = pointArray(P, d2, 'slice2d', 'd2');
  const [rx, ry] = (Array.isArray(range[0]) ? range : [range, range]) as [Range, Range];
  const [nx, ny] = Array.isArray(points) ? points : [points, points];
  const xs = linspace(rx, nx), ys = linspace(ry, ny);
  const alpha: number[] = [], beta: number[] = [];
  for (const b of ys) for (const a of xs) { alpha.push(a); beta.push(b); }
  return aq.table({ alpha, beta, loss: lossesAt(P, wa, [a1, a2], alpha.map((a, i) => [a, beta[i]])) });
}

/**
 * Linear interpolation L((1 − α) w1 + α w2) for α on range (default [−0.5, 1.5], 401 points)
 * → table (alpha, loss).
 * @example interpolate(P, wInit, wFinal)
 */
export function interpolate(P: Problem, w1: Point, w2: Point, { range = [-0.5, 1.5] as Range, points = 401 } = {}): aq.ColumnTable {
  const a = pointArray(P, w1, 'interpolate', 'w1'), b = pointArray(P, w2, 'interpolate', 'w2');
  const diff = Float32Array.from(b, (x, i) => x - a[i]);
  const alpha = linspace(range, points);
  return aq.table({ alpha, loss: lossesAt(P, a, [diff], alpha.map((t) => [t])) });
}
