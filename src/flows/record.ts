/**
 * Run recording shared by the flows: rows of numbers collected per recorded step, optional
 * snapshots of w and a fixed random projection of w, turned into an arquero table whose columns are
 * the union over rows (missing entries NaN, e.g. eig_3 before a third eigenvalue is tracked).
 * The recorder never reads: it puts the tensors a row needs into the step's Packet (./packet.ts),
 * and the flow reads them with everything else of that step in one transfer.
 * Also: the flows' progress display (steps done/total, elapsed, ETA) and the event-loop yielder.
 */
import * as aq from 'arquero';
import { tf } from '../tensor/tf.js';
import type { Tensor1D, Tensor2D } from '../tensor/types.js';
import { displayHook } from '../runtime/index.js';
import type { Packet } from './packet.js';

/** What a flow records besides its scalar columns (defaults in brackets). */
export interface RecordOptions {
  /** Record every this many steps [1]; the last step is always recorded. */
  every?: number;
  /** Keep a copy of w per recorded row in `ws` [false] (host data, Float32Array: nothing to dispose). */
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

  /** Puts what a row at w needs into the step's packet (new tensors: R·w as 'proj', a copy of w as 'w'); reads nothing. */
  put(pk: Packet, w: Tensor1D): void {
    const R = this.R;
    if (R) pk.put('proj', tf.tidy(() => tf.reshape(tf.matMul(R, tf.reshape(w, [-1, 1])), [-1])));
    if (this.opts.w) pk.put('w', tf.clone(w));
  }

  /** Adds one row; `values` are the packet's values read for `put` (projection, snapshot of w). */
  add(row: Record<string, number>, values: Record<string, Float32Array>): void {
    const out = { ...row };
    values.proj?.forEach((v, i) => { out[`proj_${i + 1}`] = v; });
    if (this.opts.w) {
      if (!values.w) throw new Error('RunRecorder.add: record.w is on but the packet holds no w (call put first).');
      this.ws.push(Float32Array.from(values.w));
    }
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

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * The progress line of a flow: "label 45% 450/1000 [elapsed 1m02s, ETA 1m16s] text" (ETA from the
 * mean time per step so far).
 * @example flowProgressText('centralFlow', 50, 100, 10, 'loss 0.1') // 'centralFlow 50% 50/100 [elapsed 10s, ETA 10s] loss 0.1'
 */
export function flowProgressText(label: string, done: number, total: number, elapsedS: number, text = ''): string {
  const eta = done > 0 ? (elapsedS / done) * (total - done) : Infinity;
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  return `${label} ${pct}% ${done}/${total} [elapsed ${fmtTime(elapsedS)}, ETA ${done >= total ? '0s' : fmtTime(eta)}]${text ? ' ' + text : ''}`;
}

/**
 * A flow's progress display: steps done/total, elapsed time and ETA, with the caller's text. In a
 * notebook an HTML bar updated in place (one display); on a terminal a `\r`-rewritten line on
 * stderr. With FLOWLAB_PROGRESS=stderr (set by `flowlab reproduce` and `flowlab run`) the line also
 * goes to stderr while a notebook runs in process, so the command shows how far it is: rewritten
 * in place on a TTY, else a full line every 30 s. Throttled to ~4 Hz; `force` always shows.
 * @example const progress = progressReporter('centralFlow', steps); progress(step, 'loss 0.12');
 */
export function progressReporter(label: string, total: number): (done: number, text: string, force?: boolean) => void {
  const hook = displayHook();
  const id = `flowlab-${label}-${Math.random().toString(36).slice(2)}`;
  const stream = process.stderr;
  const mirror = process.env.FLOWLAB_PROGRESS === 'stderr';
  const toStderr = (!hook && stream.isTTY) || mirror;
  const tty = !!stream.isTTY;
  const start = performance.now();
  let last = -Infinity;
  let lastLine = -Infinity;
  let shown = false;
  return (done, text, force = false) => {
    const now = performance.now();
    if (!force && now - last < 250) return;
    last = now;
    const line = flowProgressText(label, done, total, (now - start) / 1000, text);
    if (hook) {
      const pct = total > 0 ? Math.min(100, (100 * done) / total) : 100;
      const esc = line.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      const html = `<div style="font-family:monospace;font-size:12px"><div style="display:inline-block;width:240px;height:10px;border:1px solid #888;vertical-align:middle">` +
        `<div style="width:${pct.toFixed(1)}%;height:100%;background:#4a90d9"></div></div> ${esc}</div>`;
      hook.display({ 'text/html': html, 'text/plain': line }, { id, update: shown });
      shown = true;
    }
    if (!toStderr) return;
    const end = done >= total && force;
    if (tty) {
      stream.write(`\r${line.slice(0, Math.max(20, (stream.columns ?? 100) - 1))}\x1b[K${end ? '\n' : ''}`);
    } else if (end || now - lastLine >= 30_000) {
      lastLine = now;
      stream.write(line + '\n');
    }
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
