/**
 * Time to target from a recorded curve: the first row whose metric meets the target (AlgoPerf
 * scores a run by the first evaluation that reaches the validation target).
 */
import { reachesTarget, type Target } from './benchmark-problem.js';

/** What `timeToTarget` returns. */
export interface TimeToTarget {
  /** The step column's value at the first row meeting the target (Infinity if none). */ steps: number;
  /** The time column's value there (Infinity if none; NaN when the curve has no time column). */ time: number;
  reached: boolean;
  /** Index of that row (−1 if none). */ index: number;
}

/**
 * The first row of `curve` (rows in step order: an arquero table or an array of objects) whose
 * `target.metric` meets the target (≥ value for 'max' goals such as accuracy, ≤ for 'min' such as
 * loss). Works on fl.train tables (step, loss, …), on `benchmark().curves` filtered to one run, and
 * on a sweep's collected rows.
 * @example timeToTarget(run.table, { metric: 'loss', value: 1e-3 }) // { steps: 42, time: NaN, reached: true, index: 42 }
 */
export function timeToTarget(curve: { objects(): object[] } | Array<Record<string, unknown>>, target: Target, { step = 'step', time = 'time' }: { step?: string; time?: string } = {}): TimeToTarget {
  const rows = (Array.isArray(curve) ? curve : curve.objects()) as Array<Record<string, unknown>>;
  if (rows.length && !(target.metric in rows[0])) throw new Error(`timeToTarget: no column '${target.metric}' in the curve (columns: ${Object.keys(rows[0]).join(', ')}).`);
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && Number(rows[i][step]) < Number(rows[i - 1][step])) throw new Error(`timeToTarget: the rows must be in ${step} order (row ${i} has ${step} ${rows[i][step]} after ${rows[i - 1][step]}); sort or filter to one run first.`);
    const v = rows[i][target.metric];
    if (reachesTarget(target, typeof v === 'number' ? v : NaN)) {
      return { steps: Number(rows[i][step]), time: time in rows[i] ? Number(rows[i][time]) : NaN, reached: true, index: i };
    }
  }
  return { steps: Infinity, time: Infinity, reached: false, index: -1 };
}
