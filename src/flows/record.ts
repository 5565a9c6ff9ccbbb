/**
 * Run recording shared by the flows: rows of numbers collected per recorded step, optional
 * snapshots of w and a fixed random projection of w, turned into an arquero table whose columns are
 * the union over rows (missing entries NaN, e.g. eig_3 before a third eigenvalue is tracked).
 */
import * as aq from 'arquero';
import { tf } from '../tensor/tf.js';
import { readTidy } from './point.js';
import type { Tensor1D, Tensor2D } from '../tensor/types.js';
import { displayHook } from '../runtime/index.js';

/** What a flow records besides its scalar columns (defaults in brackets). */
export interface RecordOptions {
  /** Record every this many steps [1]; the last step is always recorded. */
  every?: number;
  /** Keep a Float32Array copy of w per recorded row in `ws` [false]. */
  w?: boolean;
  /** Add columns proj_1..proj_n = R w for a fixed Gaussian R ∈ ℝ^{n×dim} with entries N(0, 1/n) [0 = off]. */
  projection?: number;
  /** Seed of R [0]; use the same seed in every run you want to compare. */
  projectionSeed?: number;
  /** Keep, per recorded row, unit directions of Σ (central flow only; needed by compareFlows) [false]. */
  directions?: boolean;
}

/** Collects rows and snapshots for one run. */
export class RunRecorder {
  readonly rows: Array<Record<string, number>> = [];
  readonly ws: Float32Array[] = [];
  readonly every: number;
  private readonly R: Tensor2D | null;
  constructor(dim: number, readonly opts: RecordOptions = {}) {
    const { every = 1, projection = 0, projectionSeed = 0 } = opts;
    if (!Number.isInteger(every) || every < 1) throw new Error(`record.every must be a positive integer, got ${every}.`);
    if (!Number.isInteger(projection) || projection < 0) throw new Error(`record.projection must be a non-negative integer (number of random directions), got ${projection}.`);
    this.every = every;
    this.R = projection > 0 ? tf.randomNormal([projection, dim], 0, 1 / Math.sqrt(projection), 'float32', projectionSeed) as Tensor2D : null;
  }

  /** True when `step` is recorded (every `every` steps and the final step). */
  due(step: number, last: number): boolean {
    return step % this.every === 0 || step === last;
  }

  /** Adds one row; snapshots/projects w when asked. */
  add(row: Record<string, number>, w: Tensor1D): void {
    const out = { ...row };
    if (this.R) {
      const R = this.R;
      const p = readTidy(() => tf.matMul(R, tf.reshape(w, [-1, 1])));
      p.forEach((v, i) => { out[`proj_${i + 1}`] = v; });
    }
    if (this.opts.w) this.ws.push(Float32Array.from(w.dataSync() as Float32Array));
    this.rows.push(out);
  }

  /** The arquero table (columns: union over rows, NaN where a row lacks a value). */
  table(): aq.ColumnTable {
    return rowsToTable(this.rows);
  }

  dispose(): void {
    this.R?.dispose();
  }
}

/** Builds an arquero table from rows with possibly different keys (first-seen column order). */
export function rowsToTable(rows: Array<Record<string, number>>): aq.ColumnTable {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const key of Object.keys(r)) if (!seen.has(key)) { seen.add(key); names.push(key); }
  const cols: Record<string, Float64Array> = {};
  for (const n of names) cols[n] = Float64Array.from(rows, (r) => (n in r ? r[n] : NaN));
  return aq.table(cols);
}

/** Shows a one-line progress text in the notebook (updating one display), throttled to ~4 Hz. */
export function progressReporter(label: string): (text: string, force?: boolean) => void {
  const hook = displayHook();
  const id = `flowlab-${label}-${Math.random().toString(36).slice(2)}`;
  let last = 0;
  let shown = false;
  return (text, force = false) => {
    if (!hook) return;
    const now = Date.now();
    if (!force && now - last < 250) return;
    last = now;
    hook.display({ 'text/plain': `${label}: ${text}` }, { id, update: shown });
    shown = true;
  };
}

/** Lets the event loop run (so the kernel can deliver an interrupt) at most every ~50 ms. */
export function yielder(): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < 50) return;
    last = Date.now();
    await new Promise<void>((r) => setImmediate(r));
  };
}
