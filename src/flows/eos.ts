/** Locating the edge of stability in a run table. */
import type { ColumnTable } from 'arquero';

/**
 * The first step at which the (effective) sharpness reaches the edge of stability: column
 * `column` ≥ threshold, where threshold = 2 for effective columns (eig_1, the default) or 2/η
 * for raw ones when `lr` is given (e.g. { column: 'sharpness', lr: 0.01 } ⇒ 200). `tol` admits
 * values slightly below the threshold (default 0). Returns null when it is never reached.
 * Cohen et al. 2021 (arXiv:2103.00065); Cohen, Damian et al. 2025 (arXiv:2410.24206).
 * @example fl.flows.edgeOfStability(run.table, { column: 'sharpness', lr: 0.02 }) // e.g. 143
 */
export function edgeOfStability(table: ColumnTable, { column = 'eig_1', lr, tol = 0 }: { column?: string; lr?: number; tol?: number } = {}): number | null {
  if (!table || typeof table.columnNames !== 'function') throw new Error('edgeOfStability: table must be an arquero table (a run.table or flow.table).');
  if (!table.columnNames().includes(column)) throw new Error(`edgeOfStability: table has no column '${column}'; record it (e.g. train({ every: { sharpness: 1 } }) → column 'sharpness' with { lr }) or pick one of: ${table.columnNames().join(', ')}.`);
  if (lr !== undefined && !(lr > 0)) throw new Error(`edgeOfStability: lr must be > 0, got ${lr}.`);
  const threshold = (lr !== undefined ? 2 / lr : 2) * (1 - tol);
  const steps = table.array('step') as ArrayLike<number>;
  const vals = table.array(column) as ArrayLike<number>;
  for (let i = 0; i < vals.length; i++) if (vals[i] !== null && vals[i] >= threshold) return steps[i];
  return null;
}
