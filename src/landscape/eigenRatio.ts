/**
 * Hessian eigen-ratio maps |λmin/λmax| over a 2-D slice, showing where the landscape is convex
 * (ratio ≈ 0) or saddle-like (Li, Xu, Taylor, Studer & Goldstein 2018, arXiv:1712.09913, §6).
 */
import * as aq from 'arquero';
import type { Problem } from '../tensor/types.js';
import { pointArrays, type Point } from './operator.js';
import { bottomEigenvalue, sharpness } from './sharpness.js';
import { linspace } from './slices.js';
import type { EigenOptions } from './eigenpairs.js';

/**
 * For w + α d1 + β d2 on a points×points grid (default [−1, 1], 11 points; each point costs two
 * eigen solves, so keep grids small) → table (alpha, beta, lambdaMax, lambdaMin, ratio) with
 * ratio = |λmin/λmax|. Async (every eigen solve reads its HVPs).
 * @example await fl.landscape.eigenRatioMap(P, w, d1, d2, { points: 7 })
 */
export async function eigenRatioMap(P: Problem, w: Point, d1: Point, d2: Point, { range = [-1, 1] as [number, number], points = 11, solver = {} as Omit<EigenOptions, 'k'> } = {}): Promise<aq.ColumnTable> {
  const [wa, a1, a2] = await pointArrays(P, [{ w, arg: 'w' }, { w: d1, arg: 'd1' }, { w: d2, arg: 'd2' }], 'eigenRatioMap');
  const xs = linspace(range, points);
  const cols = { alpha: [] as number[], beta: [] as number[], lambdaMax: [] as number[], lambdaMin: [] as number[], ratio: [] as number[] };
  for (const b of xs) for (const a of xs) {
    const x = Float32Array.from(wa, (v, i) => v + a * a1[i] + b * a2[i]);
    const hi = await sharpness(P, x, solver), lo = await bottomEigenvalue(P, x, solver);
    cols.alpha.push(a); cols.beta.push(b); cols.lambdaMax.push(hi); cols.lambdaMin.push(lo);
    cols.ratio.push(Math.abs(lo / hi));
  }
  return aq.table(cols);
}
