/**
 * The real optimizer against its central flow and its gradient (or stable) flow, over time, as in
 * the four panels of Cohen, Damian et al. (ICLR 2025, arXiv:2410.24206): the optimizer's loss
 * Gaussian-smoothed vs the flow's predicted time-averaged loss; eigenvalues; the smoothed squared
 * displacement along Σ's eigenvectors vs σ²; ‖w_opt − w_CF‖ and ‖w_opt − w_GF‖.
 */
import type { ColumnTable } from 'arquero';
import { rowsToTable } from './record.js';
import type { FlowResult } from './central.js';

/** Options of compareFlows. */
export interface CompareOptions {
  /** The optimizer's run: train()'s table and the w snapshots of flowRecorders/snapshotRecorder. */
  optimizerRun: { table: ColumnTable; snapshots: Map<number, Float32Array> };
  /** centralFlow result recorded with `record: { w: true, directions: true }`. */
  centralFlow: FlowResult;
  /** gradientFlow/stableFlow result recorded with `record: { w: true }` (optional). */
  gradientFlow?: FlowResult;
  /** Learning rate (documents the units; eig columns are already effective). */
  lr?: number;
  /** Standard deviation of the Gaussian smoothing kernel, in steps [5]. */
  sigma?: number;
  /**
   * Compare the flows with the optimizer's second-order midpoints w̄_t = ¼(w_{t−1} + 2w_t + w_{t+1})
   * (the official code's MidpointProcess), which remove the period-2 oscillation, and measure the
   * displacement as δ_t = w_t − w̄_t [true]. false: raw w_t, and δ_t = w_t − w_CF(t).
   */
  midpoint?: boolean;
}

/**
 * Gaussian smoothing of samples v(tⱼ) at (possibly irregular) steps: Σⱼ K(t − tⱼ)vⱼ / Σⱼ K(t − tⱼ),
 * K(d) = exp(−d²/2σ²), truncated at 4σ; non-finite samples are skipped.
 * @example gaussianSmooth([0, 1, 2], [0, 3, 6], 1) // ≈ [1.51, 3, 4.49]
 */
export function gaussianSmooth(steps: number[], values: number[], sigma: number): number[] {
  if (!(sigma > 0)) return values.slice();
  return steps.map((t) => {
    let num = 0;
    let den = 0;
    for (let j = 0; j < steps.length; j++) {
      const d = steps[j] - t;
      if (Math.abs(d) > 4 * sigma || !Number.isFinite(values[j])) continue;
      const k = Math.exp(-(d * d) / (2 * sigma * sigma));
      num += k * values[j];
      den += k;
    }
    return den > 0 ? num / den : NaN;
  });
}

const dist = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

/**
 * Joins an optimizer run with its flows on common steps (module doc). Columns: step, lossOpt,
 * lossOptSmoothed, lossCF, lossPredicted, lossGF, eig_i (optimizer's, if recorded), eigCF_i,
 * eigGF_i (gradient flow's effective sharpness η·S, when it estimated one),
 * sigma2_i (Σ's eigenvalues along the central flow, weight-space units), displacementSq_i
 * (Gaussian-smoothed (eᵢᵀδ_t)², eᵢ Σ's unit eigenvectors: compare with sigma2_i),
 * distOptCF = ‖w̄_t − w_CF(t)‖, distOptGF = ‖w̄_t − w_GF(t)‖ (w̄ = midpoints, see `midpoint`).
 * Record the optimizer's snapshots every step (and one step past the last compared one).
 * @example
 * const cmp = fl.flows.compareFlows({ optimizerRun: { table: run.table, snapshots: rec.snapshots }, centralFlow: cf, gradientFlow: gf, lr });
 */
export function compareFlows({ optimizerRun, centralFlow, gradientFlow, sigma = 5, midpoint = true }: CompareOptions): ColumnTable {
  if (!optimizerRun?.table || !(optimizerRun.snapshots instanceof Map)) throw new Error('compareFlows: optimizerRun must be { table, snapshots } with snapshots from fl.flows.flowRecorders() passed to train({ recorders }).');
  if (!centralFlow?.ws || !centralFlow.directions) throw new Error("compareFlows: centralFlow must be recorded with { record: { w: true, directions: true } } (record.every should match the optimizer's snapshots).");
  if (gradientFlow && !gradientFlow.ws) throw new Error('compareFlows: gradientFlow must be recorded with { record: { w: true } }.');
  const opt = optimizerRun.table.objects() as Array<Record<string, number>>;
  const optByStep = new Map(opt.map((r) => [r.step, r]));
  const cf = centralFlow.table.objects() as Array<Record<string, number>>;
  const gf = gradientFlow ? (gradientFlow.table.objects() as Array<Record<string, number>>) : [];
  const gfIndex = new Map(gf.map((r, i) => [r.step, i]));
  const rows: Array<Record<string, number>> = [];
  const disp: number[][] = [];
  cf.forEach((c, i) => {
    const o = optByStep.get(c.step);
    const raw = optimizerRun.snapshots.get(c.step);
    if (!o || !raw) return;
    const prev = optimizerRun.snapshots.get(c.step - 1);
    const next = optimizerRun.snapshots.get(c.step + 1);
    const wo = midpoint && prev && next ? raw.map((v, j) => 0.25 * (prev[j] + 2 * v + next[j])) : raw;
    const wc = centralFlow.ws![i];
    const ref = midpoint ? wo : wc;
    const row: Record<string, number> = { step: c.step, lossOpt: o.loss, lossCF: c.loss, lossPredicted: c.lossPredicted };
    const gi = gfIndex.get(c.step);
    if (gi !== undefined) {
      row.lossGF = gf[gi].loss;
      row.distOptGF = dist(wo, gradientFlow!.ws![gi]);
      for (const key of Object.keys(gf[gi])) {
        const m = /^eig_(\d+)$/.exec(key);
        if (m && Number.isFinite(gf[gi][key])) row[`eigGF_${m[1]}`] = gf[gi][key];
      }
    }
    for (const key of Object.keys(o)) if (/^eig_\d+$/.test(key)) row[key] = o[key];
    for (const key of Object.keys(c)) {
      const m = /^eig_(\d+)$/.exec(key);
      if (m) row[`eigCF_${m[1]}`] = c[key];
      if (/^sigma2_\d+$/.test(key)) row[key] = c[key];
    }
    row.distOptCF = dist(wo, wc);
    const d = centralFlow.directions![i].map((e) => {
      let s = 0;
      for (let j = 0; j < e.length; j++) s += e[j] * (raw[j] - ref[j]);
      return s * s;
    });
    disp.push(d);
    rows.push(row);
  });
  if (rows.length === 0) throw new Error('compareFlows: the optimizer run and the central flow share no recorded step; record both every step (or at the same interval).');
  const steps = rows.map((r) => r.step);
  const smoothLoss = gaussianSmooth(steps, rows.map((r) => r.lossOpt), sigma);
  const nDir = Math.max(...disp.map((d) => d.length));
  const smoothDisp = Array.from({ length: nDir }, (_, i) => gaussianSmooth(steps, disp.map((d) => (i < d.length ? d[i] : NaN)), sigma));
  rows.forEach((r, j) => {
    r.lossOptSmoothed = smoothLoss[j];
    for (let i = 0; i < nDir; i++) r[`displacementSq_${i + 1}`] = smoothDisp[i][j];
  });
  return rowsToTable(rows);
}
