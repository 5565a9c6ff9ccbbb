/**
 * Loss-landscape figures after Li, Xu, Taylor, Studer, Goldstein 2018, "Visualizing the Loss
 * Landscape of Neural Nets" (arXiv:1712.09913; references.md §4): 1-D slices L(θ + αd) along a
 * (filter-normalised) direction, and 2-D slices L(θ + αd₁ + βd₂) as contours, a heatmap or a 3-D
 * surface, with optimizer trajectories projected onto the same plane drawn on top.
 */
import { assertTable, hasColumn, numericColumn, type TableLike } from './columns.js';
import { Figure } from './figure.js';
import { bilinear, checkGrid, isGrid, toGrid, type Grid } from './grid.js';
import { lines } from './lines.js';
import { axis, axisTitle, baseLayout, color, COLORSCALE } from './theme.js';
import type { Trace } from './types.js';

/** Options of `landscape1d`. */
export interface Landscape1dOptions {
  /** Position column. Default 'alpha'. */
  x?: string;
  /** Loss column(s). Default 'loss'. */
  y?: string | string[];
  /** Title. Default 'Loss along a direction'. */
  title?: string;
  /** Logarithmic y. Default false. */
  logY?: boolean;
}

/**
 * A 1-D slice L(θ + αd) (or an interpolation between two solutions) against α.
 * @example fl.plot.landscape1d(slice.table)                       // columns alpha, loss
 * @example fl.plot.landscape1d(slice.table, { y: ['trainLoss', 'testLoss'] })
 */
export function landscape1d(table: TableLike, { x = 'alpha', y = 'loss', title = 'Loss along a direction', logY = false }: Landscape1dOptions = {}): Figure {
  return lines(table, { x, y, title, logY, mode: 'lines' });
}

/** A trajectory to overlay: a table with the plane's x/y columns, or pc1/pc2 (and optionally z for surfaces). */
export type Trajectory = TableLike | { name?: string; points: TableLike };

/** Options of `landscape2d`. */
export interface Landscape2dOptions {
  /** 'contour' (default), 'heatmap' or 'surface' (3-D). */
  kind?: 'contour' | 'heatmap' | 'surface';
  /** x column of the long table (and of trajectories). Default 'alpha'. */
  x?: string;
  /** y column. Default 'beta'. */
  y?: string;
  /** Value column. Default 'loss'. */
  z?: string;
  /** Trajectories drawn on the plane (one, or an array). On a surface their z is the trajectory's z column, else read off the grid (bilinear). */
  trajectory?: Trajectory | Trajectory[];
  /** Plot log₁₀ of the values (non-positive values become gaps). Default false. */
  logZ?: boolean;
  /** Number of contour levels. Default 30. */
  levels?: number;
  /** Title. Default 'Loss landscape'. */
  title?: string;
}

/**
 * A 2-D loss slice from a long table (columns x, y, z; e.g. 51 × 51 rows) or a grid
 * `{ x, y, z: z[j][i] }`, with optional trajectory overlays.
 * @example fl.plot.landscape2d(plane.table, { kind: 'contour', trajectory: run.projected })
 */
export function landscape2d(data: TableLike | Grid, { kind = 'contour', x = 'alpha', y = 'beta', z = 'loss', trajectory, logZ = false, levels = 30, title = 'Loss landscape' }: Landscape2dOptions = {}): Figure {
  const who = 'plot.landscape2d';
  if (!['contour', 'heatmap', 'surface'].includes(kind)) throw new Error(`${who}: \`kind\` must be 'contour', 'heatmap' or 'surface'; got ${JSON.stringify(kind)}.`);
  let grid: Grid;
  if (isGrid(data)) grid = checkGrid(data, who);
  else { assertTable(data, who, 'data'); grid = toGrid(data, x, y, z, who); }
  const tf = (v: number | null) => (v === null ? null : logZ ? (v > 0 ? Math.log10(v) : null) : v);
  const zs = grid.z.map((row) => row.map(tf));
  const zTitle = logZ ? `log₁₀ ${axisTitle(z)}` : axisTitle(z);
  const surface: Trace = kind === 'surface'
    ? { type: 'surface', x: grid.x, y: grid.y, z: zs, colorscale: COLORSCALE, colorbar: { title: { text: zTitle } }, name: z, showscale: true }
    : kind === 'heatmap'
      ? { type: 'heatmap', x: grid.x, y: grid.y, z: zs, colorscale: COLORSCALE, colorbar: { title: { text: zTitle } }, name: z }
      : { type: 'contour', x: grid.x, y: grid.y, z: zs, colorscale: COLORSCALE, ncontours: levels, contours: { coloring: 'heatmap' }, colorbar: { title: { text: zTitle } }, name: z, line: { width: 0.5 } };
  const data2: Trace[] = [surface];
  const trajectories = trajectory === undefined ? [] : Array.isArray(trajectory) && !isRowArray(trajectory) ? trajectory : [trajectory as Trajectory];
  trajectories.forEach((tr, k) => {
    const points = isNamed(tr) ? tr.points : tr;
    const name = isNamed(tr) && tr.name ? tr.name : trajectories.length > 1 ? `trajectory ${k + 1}` : 'trajectory';
    assertTable(points, who, 'trajectory');
    // fl.landscape.trajectoryPCA's coords name the plane's axes pc1/pc2 (its trajectorySlice: alpha/beta).
    const [tx, ty] = !hasColumn(points, x) && hasColumn(points, 'pc1') && hasColumn(points, 'pc2') ? ['pc1', 'pc2'] : [x, y];
    const px = numericColumn(points, tx, who, 'x (trajectory)');
    const py = numericColumn(points, ty, who, 'y (trajectory)');
    const c = color(k + 1);
    if (kind === 'surface') {
      const pz = hasColumn(points, z) ? numericColumn(points, z, who, 'z (trajectory)').map(tf)
        : px.map((a, i) => (a === null || py[i] === null ? null : tf(bilinear(grid, a, py[i]!))));
      data2.push({ type: 'scatter3d', mode: 'lines+markers', name, x: px, y: py, z: pz, line: { color: c, width: 5 }, marker: { size: 2.5, color: c } });
    } else {
      data2.push({ type: 'scatter', mode: 'lines+markers', name, x: px, y: py, line: { color: c, width: 2 }, marker: { size: 4, color: c } });
    }
  });
  const layout = baseLayout({ title: { text: title, x: 0.5 }, height: kind === 'surface' ? 560 : 520, showlegend: data2.length > 1, legend: { x: 0, y: 1.08, orientation: 'h' } });
  if (kind === 'surface') {
    layout.scene = { xaxis: { title: { text: axisTitle(x) } }, yaxis: { title: { text: axisTitle(y) } }, zaxis: { title: { text: zTitle } } };
  } else {
    layout.xaxis = axis(axisTitle(x), { showgrid: false, constrain: 'domain' });
    layout.yaxis = axis(axisTitle(y), { showgrid: false, scaleanchor: 'x', scaleratio: 1 });
  }
  return new Figure({ data: data2, layout });
}

function isNamed(t: Trajectory): t is { name?: string; points: TableLike } {
  return !!t && typeof t === 'object' && !Array.isArray(t) && 'points' in t;
}

/** An array of row objects (one trajectory) rather than an array of trajectories. */
function isRowArray(a: unknown[]): boolean {
  return a.length > 0 && a.every((r) => r && typeof r === 'object' && !('points' in (r as object)) && typeof (r as { columnNames?: unknown }).columnNames !== 'function'
    && Object.values(r as object).every((v) => typeof v === 'number' || v === null));
}
