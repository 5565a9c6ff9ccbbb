/**
 * The four central-flow panels (Cohen, Damian, Talwalkar, Kolter, Lee, ICLR 2025, "Understanding
 * Optimization in Deep Learning with Central Flows", arXiv:2410.24206; references.md §1):
 *
 * 1. training loss of the optimizer, L(w_CF) along the central flow, and the predicted
 *    time-averaged loss L(w_CF) + tr(X)/η;
 * 2. top Hessian eigenvalues of the optimizer (cycling around 2/η) and along the flow (locked at
 *    2/η), with the 2/η line;
 * 3. the predicted X_ii against the Gaussian-smoothed squared displacement (u_iᵀ(w_opt − w_CF))²;
 * 4. ‖w_opt − w_CF‖ (stays small) and ‖w_opt − w_GF‖ (grows after the edge of stability).
 *
 * Expected columns of the comparison table (one row per recorded step; absent optional columns
 * just leave their traces out):
 *
 * | column              | meaning                                                            |
 * |---------------------|--------------------------------------------------------------------|
 * | step (required)     | optimizer step t (the flow is compared at time t)                   |
 * | lossOpt             | L(w_t), the discrete optimizer's loss                               |
 * | lossCF              | L(w(t)) along the central flow                                      |
 * | lossPredicted       | L(w(t)) + tr(X(t))/η, the flow's prediction of the time-averaged loss |
 * | lossGF              | loss along gradient flow (optional)                                 |
 * | eig_1 … eig_k       | top Hessian eigenvalues at the optimizer iterate (effective ones for adaptive optimizers) |
 * | eigCF_1 … eigCF_k   | top eigenvalues along the central flow                              |
 * | X_1 … (or sigma2_1 …) | predicted X_ii, the variance of the oscillation along eigenvector i |
 * | displacementSq_1 …  | (u_iᵀ(w_t − w(t)))², raw (smoothed here)                              |
 * | distOptCF           | ‖w_t − w(t)‖                                                          |
 * | distOptGF           | ‖w_t − w_GF(t)‖                                                       |
 * | lr                  | η (optional; or pass `{ lr }`; sets the 2/η line)                     |
 */
import { assertTable, column, indexedColumns, hasColumn, numericColumn, toNumberOrNull, type TableLike } from './columns.js';
import { Figure } from './figure.js';
import { extent, fmt, positive } from './format.js';
import { gaussianSmooth } from './smooth.js';
import { subplots } from './subplots.js';
import { axis, axisTitle, baseLayout, color, REFERENCE_LINE } from './theme.js';
import type { Trace } from './types.js';

/** Options of `centralFlowPanels`. */
export interface CentralFlowOptions {
  /** η for the 2/η line (default: the table's 'lr' column). */
  lr?: number;
  /** Stability threshold drawn in panel 2 instead of 2/η (e.g. 2 for effective sharpness). */
  threshold?: number;
  /** σ of the Gaussian smoothing of the squared displacement, in steps. Default 10. */
  smooth?: number;
  /** Logarithmic y axis in panel 3 (variances span decades). Default true. */
  logVariance?: boolean;
  /** Title. Default 'Central flow vs optimizer'. */
  title?: string;
}

/**
 * The four panels of a central-flow comparison on a 2 × 2 grid (column names in the file comment).
 * @example fl.plot.centralFlowPanels(cmp.table, { lr: 0.02 })
 */
export function centralFlowPanels(comparison: TableLike, { lr, threshold, smooth = 10, logVariance = true, title = 'Central flow vs optimizer' }: CentralFlowOptions = {}): Figure {
  const who = 'plot.centralFlowPanels';
  assertTable(comparison, who, 'comparison');
  const t = numericColumn(comparison, 'step', who, "step (the comparison table's step column)");
  const T = (name: string, label: string, i: number, extra: Record<string, unknown> = {}): Trace => ({
    type: 'scatter', mode: 'lines', name: label, x: t, y: numericColumn(comparison, name, who, name),
    line: { color: color(i), width: 2, ...(extra.line as object) }, ...omit(extra, 'line'),
  });
  const has = (n: string) => hasColumn(comparison, n);

  const loss: Trace[] = [];
  if (has('lossOpt')) loss.push(T('lossOpt', 'optimizer L(w_t)', 0, { line: { width: 1 }, opacity: 0.8 }));
  if (has('lossCF')) loss.push(T('lossCF', 'central flow L(w(t))', 1, { line: { width: 2.5 } }));
  if (has('lossPredicted')) loss.push(T('lossPredicted', 'predicted L + tr(X)/η', 2, { line: { dash: 'dash', width: 2 } }));
  if (has('lossGF')) loss.push(T('lossGF', 'gradient flow', 3, { line: { dash: 'dot' } }));

  let eta = lr;
  if (eta === undefined && has('lr')) eta = column(comparison, 'lr', who, 'lr').map(toNumberOrNull).find((v): v is number => v !== null && v > 0);
  if (eta !== undefined) positive(eta, who, 'lr', 'the learning rate η');
  const level = threshold ?? (eta !== undefined ? 2 / eta : undefined);
  const eigs: Trace[] = [];
  for (const [i, name] of indexedColumns(comparison, 'eig_')) eigs.push(T(name, `optimizer λ${i}`, i - 1, { line: { width: 1 }, opacity: 0.55, legendgroup: `eig${i}` }));
  for (const [i, name] of indexedColumns(comparison, 'eigCF_')) eigs.push(T(name, `central flow λ${i}`, i - 1, { line: { width: 2.5 }, legendgroup: `eig${i}` }));
  if (level !== undefined) {
    const span = extent(t) ?? [0, 1];
    eigs.push({ type: 'scatter', mode: 'lines', name: threshold !== undefined ? `threshold ${fmt(level)}` : `2/η = ${fmt(level)}`, x: [span[0], span[1]], y: [level, level], line: { ...REFERENCE_LINE } });
  }

  const variance: Trace[] = [];
  const xCols = indexedColumns(comparison, 'X_').length ? indexedColumns(comparison, 'X_') : indexedColumns(comparison, 'sigma2_');
  for (const [i, name] of xCols) variance.push(T(name, `predicted X${i}${i}`, i - 1, { line: { dash: 'dash', width: 2.5 } }));
  for (const [i, name] of indexedColumns(comparison, 'displacementSq_')) {
    const y = gaussianSmooth(t, numericColumn(comparison, name, who, name), smooth);
    variance.push({ type: 'scatter', mode: 'lines', name: `smoothed (u${i}ᵀδ)²`, x: t, y, line: { color: color(i - 1), width: 1.5 } });
  }

  const dist: Trace[] = [];
  if (has('distOptCF')) dist.push(T('distOptCF', '‖w_opt − w_CF‖', 1));
  if (has('distOptGF')) dist.push(T('distOptGF', '‖w_opt − w_GF‖', 3));

  const xa = axis(axisTitle('step'));
  const panel = (data: Trace[], yTitle: string, ptitle: string, yExtra: Record<string, unknown> = {}) =>
    new Figure({ data, layout: baseLayout({ title: { text: ptitle }, xaxis: xa, yaxis: axis(yTitle, yExtra) }) });
  return subplots([
    panel(loss, 'training loss', 'Train loss'),
    panel(eigs, 'eigenvalue λᵢ(H)', 'Top Hessian eigenvalues'),
    panel(variance, 'variance along uᵢ', 'Predicted X vs displacement²', logVariance ? { type: 'log' } : {}),
    panel(dist, 'distance ‖Δw‖', 'Distance between trajectories'),
  ], { rows: 2, cols: 2, title, height: 800, vSpacing: 0.2 });
}

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = o;
  return rest;
}
