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
 * | eigGF_1             | top eigenvalue along gradient flow (effective, η·S; `centralFlowLossSharpness`) |
 *
 * `centralFlowLossSharpness` draws the paper's Figure 1 from the same table: train loss and
 * sharpness S(w) of GD, gradient flow and the central flow, stacked, with the 2/η line.
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
  /**
   * Decades shown below the largest variance on the log axis of panel 3. Default 4: before the edge
   * of stability X = 0 and the displacement is round-off (~1e-24), which would squash the meaningful
   * range; the axis starts at max·10^−decades, or at the smallest value when that is higher.
   */
  varianceDecades?: number;
  /** Title. Default 'Central flow vs optimizer'. */
  title?: string;
}

/**
 * The four panels of a central-flow comparison on a 2 × 2 grid (column names in the file comment).
 * @example fl.plot.centralFlowPanels(cmp.table, { lr: 0.02 })
 */
export function centralFlowPanels(comparison: TableLike, { lr, threshold, smooth = 10, logVariance = true, varianceDecades = 4, title = 'Central flow vs optimizer' }: CentralFlowOptions = {}): Figure {
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

  positive(varianceDecades, who, 'varianceDecades', 'decades shown on the log variance axis');
  const varianceAxis = logVariance ? { type: 'log', exponentformat: 'power', ...logRange(variance, varianceDecades) } : {};

  const dist: Trace[] = [];
  if (has('distOptCF')) dist.push(T('distOptCF', '‖w_opt − w_CF‖', 1));
  if (has('distOptGF')) dist.push(T('distOptGF', '‖w_opt − w_GF‖', 3));

  const xa = axis(axisTitle('step'));
  const panel = (data: Trace[], yTitle: string, ptitle: string, yExtra: Record<string, unknown> = {}) =>
    new Figure({ data, layout: baseLayout({ title: { text: ptitle }, xaxis: xa, yaxis: axis(yTitle, yExtra) }) });
  return subplots([
    panel(loss, 'training loss', 'Train loss'),
    panel(eigs, 'eigenvalue λᵢ(H)', 'Top Hessian eigenvalues'),
    panel(variance, 'variance along uᵢ', 'Predicted X vs displacement²', varianceAxis),
    panel(dist, 'distance ‖Δw‖', 'Distance between trajectories'),
  ], { rows: 2, cols: 2, title, height: 800, vSpacing: 0.2 });
}

/**
 * A log axis range (log10 units) from the largest positive value down `decades` decades (or to the
 * smallest positive value when that is higher), padded, at least one decade; {} when no value is
 * positive.
 */
function logRange(traces: readonly Trace[], decades: number): { range?: [number, number] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const tr of traces) for (const v of Array.from((tr.y ?? []) as ArrayLike<number | null>)) {
    if (v !== null && Number.isFinite(v) && v > 0) { if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  if (!(hi > 0)) return {};
  const top = Math.log10(hi);
  const bottom = Math.max(Math.log10(lo), top - decades);
  const pad = Math.max(0.05 * (top - bottom), (1 - (top - bottom)) / 2); // at least one decade in view
  return { range: [bottom - pad, top + pad] };
}

/** Options of `centralFlowLossSharpness`. */
export interface LossSharpnessOptions {
  /** η: sharpness drawn in raw units S(w) = eig/η with the 2/η line (default: the table's 'lr' column; without one, effective units ηS with the line at 2). */
  lr?: number;
  /** Logarithmic loss axis. Default false. */
  logLoss?: boolean;
  /** Title. Default 'Gradient descent, gradient flow and the central flow'. */
  title?: string;
}

/**
 * The central-flows paper's Figure 1 (Cohen, Damian et al., ICLR 2025, arXiv:2410.24206): two
 * stacked panels over the step axis, (1) the train loss and (2) the sharpness S(w) = λ₁(H), each for
 * gradient descent (lossOpt, eig_1), gradient flow (lossGF, eigGF_1) and the central flow (lossCF,
 * eigCF_1), with the 2/η line in the sharpness panel. Gradient flow sharpens past 2/η; GD
 * oscillates around it and its loss is non-monotone; the central flow stays at 2/η and tracks GD's
 * time-average. Eigenvalue columns are effective (η·λ, as compareFlows writes them) and are drawn
 * as S = eig/η when η is known. Missing columns just leave their traces out.
 * @example fl.plot.centralFlowLossSharpness(cmp, { lr: 0.02 })
 */
export function centralFlowLossSharpness(comparison: TableLike, { lr, logLoss = false, title = 'Gradient descent, gradient flow and the central flow' }: LossSharpnessOptions = {}): Figure {
  const who = 'plot.centralFlowLossSharpness';
  assertTable(comparison, who, 'comparison');
  const t = numericColumn(comparison, 'step', who, "step (the comparison table's step column)");
  const has = (n: string) => hasColumn(comparison, n);
  let eta = lr;
  if (eta === undefined && has('lr')) eta = column(comparison, 'lr', who, 'lr').map(toNumberOrNull).find((v): v is number => v !== null && v > 0);
  if (eta !== undefined) positive(eta, who, 'lr', 'the learning rate η');
  const scale = eta !== undefined ? 1 / eta : 1;
  const who3 = [
    { label: 'gradient descent', loss: 'lossOpt', eig: 'eig_1', line: { color: color(0), width: 1.2 }, opacity: 0.85 },
    { label: 'gradient flow', loss: 'lossGF', eig: 'eigGF_1', line: { color: color(3), width: 2, dash: 'dot' }, opacity: 1 },
    { label: 'central flow', loss: 'lossCF', eig: 'eigCF_1', line: { color: '#000000', width: 2.5 }, opacity: 1 },
  ];
  const trace = (label: string, y: (number | null)[], style: (typeof who3)[number]): Trace =>
    ({ type: 'scatter', mode: 'lines', name: label, x: t, y, line: style.line, opacity: style.opacity, legendgroup: label });
  const loss: Trace[] = [];
  const sharp: Trace[] = [];
  for (const c of who3) {
    if (has(c.loss)) loss.push(trace(c.label, numericColumn(comparison, c.loss, who, c.loss), c));
    if (has(c.eig)) sharp.push(trace(c.label, numericColumn(comparison, c.eig, who, c.eig).map((v) => (v === null ? null : v * scale)), c));
  }
  if (loss.length + sharp.length === 0) throw new Error(`${who}: the table has none of lossOpt, lossGF, lossCF, eig_1, eigGF_1, eigCF_1; pass the table of fl.flows.compareFlows (with a gradientFlow).`);
  const level = eta !== undefined ? 2 / eta : 2;
  const span = extent(t) ?? [0, 1];
  sharp.push({ type: 'scatter', mode: 'lines', name: eta !== undefined ? `2/η = ${fmt(level)}` : 'edge of stability ηS = 2', x: [span[0], span[1]], y: [level, level], line: { ...REFERENCE_LINE }, hoverinfo: 'name' });
  // stacked panels on one step axis: its title only under the bottom panel
  const panel = (data: Trace[], yTitle: string, ptitle: string, xTitle: string, yExtra: Record<string, unknown> = {}) =>
    new Figure({ data, layout: baseLayout({ title: { text: ptitle }, xaxis: axis(xTitle), yaxis: axis(yTitle, yExtra) }) });
  return subplots([
    panel(loss, 'train loss', 'Train loss', '', logLoss ? { type: 'log' } : {}),
    panel(sharp, eta !== undefined ? 'sharpness S(w)' : 'effective sharpness ηS(w)', 'Sharpness', axisTitle('step')),
  ], { rows: 2, cols: 1, title, height: 720, vSpacing: 0.12 });
}

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = o;
  return rest;
}
