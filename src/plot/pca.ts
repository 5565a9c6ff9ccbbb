/**
 * Optimizer trajectories in the plane of their two principal components, axes labelled with the
 * share of variance each explains (Li, Xu, Taylor, Studer, Goldstein 2018, "Visualizing the Loss
 * Landscape of Neural Nets", arXiv:1712.09913 §7: PCA of the rows θᵢ − θ_final;
 * references.md §4). The PCA itself is `fl.landscape.trajectoryPCA`; this draws its result.
 */
import { assertTable, hasColumn, numericColumn, type TableLike } from './columns.js';
import { Figure } from './figure.js';
import { axis, baseLayout, color, COLORSCALE } from './theme.js';

/**
 * A projected trajectory: `fl.landscape.trajectoryPCA`'s result (`coords` a table with columns
 * pc1, pc2 and optionally step; `explainedVarianceRatio`), or plain `{ coords: [[x, y], …],
 * explainedVariance: [r1, r2], steps? }`.
 */
export type ProjectedTrajectory =
  | { coords: TableLike; explainedVarianceRatio: ArrayLike<number> }
  | { coords: ArrayLike<ArrayLike<number>>; explainedVariance: ArrayLike<number>; steps?: ArrayLike<number> };

/** Options of `pca`. */
export interface PcaOptions {
  /** Title. Default 'Trajectory in its top-2 PCA plane'. */
  title?: string;
  /** Trajectory name in the legend. Default 'trajectory'. */
  name?: string;
}

function unpack(p: ProjectedTrajectory): { x: number[]; y: number[]; steps: number[]; ratios: [number, number] } {
  const who = 'plot.pca';
  if (!p || typeof p !== 'object' || !('coords' in p)) {
    throw new TypeError(`${who}: pass fl.landscape.trajectoryPCA(snapshots) (or { coords: [[x, y], …], explainedVariance: [r1, r2] }).`);
  }
  const r = 'explainedVarianceRatio' in p ? p.explainedVarianceRatio : p.explainedVariance;
  if (!r || r.length < 2 || !Array.from(r).every((v) => Number.isFinite(v) && v >= 0 && v <= 1)) {
    throw new Error(`${who}: the explained-variance ratios must be two numbers in [0, 1]; got ${JSON.stringify(r && Array.from(r))}. Compute the PCA with at least 2 components.`);
  }
  const ratios: [number, number] = [r[0], r[1]];
  const c = p.coords as unknown;
  if (Array.isArray(c) && (c.length === 0 || Array.isArray(c[0]) || ArrayBuffer.isView(c[0]))) {
    const rows = c as ArrayLike<number>[];
    const st = 'steps' in p && p.steps ? Array.from(p.steps) : rows.map((_, i) => i);
    return { x: rows.map((v) => v[0]), y: rows.map((v) => v[1]), steps: st, ratios };
  }
  assertTable(c, who, 'coords');
  const x = numericColumn(c, 'pc1', who, 'coords.pc1').map((v) => v ?? NaN);
  const y = numericColumn(c, 'pc2', who, 'coords.pc2').map((v) => v ?? NaN);
  const steps = hasColumn(c, 'step') ? numericColumn(c, 'step', who, 'coords.step').map((v) => v ?? NaN) : x.map((_, i) => i);
  return { x, y, steps, ratios };
}

/**
 * The trajectory in the PC1–PC2 plane, colored by step, start ○ and end ✕ marked; axis titles
 * "PCk (xx.x% of variance)".
 * @example fl.plot.pca(fl.landscape.trajectoryPCA(checkpoints))
 */
export function pca(trajectory: ProjectedTrajectory, { title = 'Trajectory in its top-2 PCA plane', name = 'trajectory' }: PcaOptions = {}): Figure {
  const { x, y, steps, ratios } = unpack(trajectory);
  const pct = (r: number) => `${(100 * r).toFixed(1)}% of variance`;
  return new Figure({
    data: [
      { type: 'scatter', mode: 'lines+markers', name, x, y, line: { color: '#888888', width: 1 },
        marker: { size: 6, color: steps, colorscale: COLORSCALE, colorbar: { title: { text: 'step' } }, showscale: true } },
      { type: 'scatter', mode: 'markers', name: 'start', x: [x[0]], y: [y[0]], marker: { symbol: 'circle-open', size: 12, color: color(3), line: { width: 2 } } },
      { type: 'scatter', mode: 'markers', name: 'end', x: [x[x.length - 1]], y: [y[y.length - 1]], marker: { symbol: 'x', size: 12, color: color(0) } },
    ],
    layout: baseLayout({
      title: { text: title, x: 0.5 }, height: 480, showlegend: true, legend: { orientation: 'h', y: -0.2 },
      xaxis: axis(`PC1 (${pct(ratios[0])})`),
      yaxis: axis(`PC2 (${pct(ratios[1])})`),
    }),
  });
}
