/**
 * Regular grids for 2-D figures: from a long table (one row per (x, y) point) to plotly's
 * `{ x, y, z }` with z[j][i] = value at (x[i], y[j]), and bilinear interpolation on that grid.
 */
import { column, numericColumn, toNumberOrNull, type TableLike } from './columns.js';

/** A grid: x and y ticks ascending, z[j][i] the value at (x[i], y[j]) (null where missing). */
export interface Grid {
  x: number[];
  y: number[];
  z: (number | null)[][];
}

/** True when `v` looks like a Grid object. */
export function isGrid(v: unknown): v is Grid {
  return !!v && typeof v === 'object' && Array.isArray((v as Grid).z) && Array.isArray((v as Grid).x) && Array.isArray((v as Grid).y)
    && (v as Grid).z.every((row) => Array.isArray(row) || ArrayBuffer.isView(row));
}

/** Checks a grid's shape (z is |y| rows of |x| values); `who` names the caller in errors. */
export function checkGrid(g: Grid, who: string): Grid {
  if (g.z.length !== g.y.length || g.z.some((row) => row.length !== g.x.length)) {
    throw new Error(`${who}: grid z must have ${g.y.length} rows (one per y) of ${g.x.length} values (one per x); got ${g.z.length} rows of lengths [${[...new Set(g.z.map((r) => r.length))].join(', ')}].`);
  }
  return { x: [...g.x], y: [...g.y], z: g.z.map((row) => Array.from(row as ArrayLike<unknown>, toNumberOrNull)) };
}

/** Pivots a long table (columns x, y, z) into a Grid; a repeated (x, y) keeps the last value. */
export function toGrid(table: TableLike, x: string, y: string, z: string, who: string): Grid {
  const xs = numericColumn(table, x, who, 'x');
  const ys = numericColumn(table, y, who, 'y');
  const zs = column(table, z, who, 'z').map(toNumberOrNull);
  const ux = [...new Set(xs.filter((v): v is number => v !== null))].sort((a, b) => a - b);
  const uy = [...new Set(ys.filter((v): v is number => v !== null))].sort((a, b) => a - b);
  const ix = new Map(ux.map((v, i) => [v, i]));
  const iy = new Map(uy.map((v, i) => [v, i]));
  const grid: (number | null)[][] = uy.map(() => ux.map(() => null));
  for (let r = 0; r < xs.length; r++) {
    const a = xs[r];
    const b = ys[r];
    if (a === null || b === null) continue;
    grid[iy.get(b)!][ix.get(a)!] = zs[r];
  }
  return { x: ux, y: uy, z: grid };
}

/** Index i with ticks[i] ≤ v ≤ ticks[i+1] (clamped), and the fraction of the way to ticks[i+1]. */
function locate(ticks: number[], v: number): [number, number] {
  if (ticks.length === 1) return [0, 0];
  let lo = 0;
  let hi = ticks.length - 2;
  if (v <= ticks[0]) return [0, 0];
  if (v >= ticks[ticks.length - 1]) return [ticks.length - 2, 1];
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (ticks[mid] <= v) lo = mid; else hi = mid - 1; }
  return [lo, (v - ticks[lo]) / (ticks[lo + 1] - ticks[lo])];
}

/**
 * Bilinear interpolation of the grid at (px, py), clamped to the grid's box:
 * f = (1−s)(1−t) z₀₀ + s(1−t) z₁₀ + (1−s)t z₀₁ + st z₁₁. Null when a corner is missing.
 */
export function bilinear(g: Grid, px: number, py: number): number | null {
  const [i, s] = locate(g.x, px);
  const [j, t] = locate(g.y, py);
  const i1 = Math.min(i + 1, g.x.length - 1);
  const j1 = Math.min(j + 1, g.y.length - 1);
  const c = [g.z[j][i], g.z[j][i1], g.z[j1][i], g.z[j1][i1]];
  if (c.some((v) => v === null)) return null;
  const [z00, z10, z01, z11] = c as number[];
  return (1 - s) * (1 - t) * z00 + s * (1 - t) * z10 + (1 - s) * t * z01 + s * t * z11;
}
