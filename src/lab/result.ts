/**
 * `fl.lab.result(table)`: how a notebook hands its result table back to a sweep. The rows are
 * displayed as a `application/vnd.flowlab.result+json` output (plus a text/plain summary), so any
 * runner — `flowlab sweep` locally, a remote Jupyter server, papermill, nbclient — finds them in
 * the executed notebook's outputs. Non-finite numbers survive the JSON trip as the strings
 * 'NaN', 'Infinity', '-Infinity' (decoded back by `readResult`).
 */
import { displayHook } from '../runtime/index.js';

/** The MIME type carrying a notebook's result rows. */
export const RESULT_MIME = 'application/vnd.flowlab.result+json';

/** A result table: column names and one object per row. */
export interface ResultPayload { columns: string[]; rows: Record<string, unknown>[] }

/** What `result` accepts: an arquero table (anything with `objects()`), an array of rows, or one row. */
export type ResultInput = { objects(): object[] } | Record<string, unknown>[] | Record<string, unknown>;

const LAST = Symbol.for('flowlab.lab.result');

function encode(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => encode(x));
  return v;
}

/** Turns the accepted inputs into plain rows, refusing anything else with a message that says what to pass. */
export function resultRows(input: ResultInput): ResultPayload {
  let rows: object[];
  if (input && typeof (input as { objects?: unknown }).objects === 'function') rows = (input as { objects(): object[] }).objects();
  else if (Array.isArray(input)) rows = input;
  else if (input && typeof input === 'object') rows = [input];
  else throw new Error(`lab.result: table must be an arquero table, an array of row objects or one row object; got ${input === null ? 'null' : typeof input}. Example: fl.lab.result({ loss: 0.1 })`);
  const columns: string[] = [];
  const seen = new Set<string>();
  const out = rows.map((row, i) => {
    if (!row || typeof row !== 'object' || Array.isArray(row)) throw new Error(`lab.result: row ${i} must be an object mapping column names to values; got ${JSON.stringify(row)}.`);
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      if (!seen.has(k)) { seen.add(k); columns.push(k); }
      o[k] = encode(v);
    }
    return o;
  });
  return { columns, rows: out };
}

/**
 * Records a notebook's result table for `flowlab sweep` / `fl.lab.sweep` to collect. Call it once,
 * in the last cell (a later call replaces an earlier one in the sweep's table). Outside a kernel it
 * only remembers the rows (see `lastResult`). Returns the plain rows.
 * @example
 * const run = await fl.train(P, fl.optim.sgd({ lr }), { w0, steps: 100 });
 * fl.lab.result(run.table.slice(-1).select('step', 'loss'));   // one row: the final loss
 */
export function result(table: ResultInput): ResultPayload {
  const payload = resultRows(table);
  (globalThis as Record<symbol, unknown>)[LAST] = payload;
  const first = payload.rows[0];
  const preview = first ? ` (first: ${Object.entries(first).slice(0, 4).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(6) : JSON.stringify(v)}`).join(', ')})` : '';
  const text = `flowlab result: ${payload.rows.length} row(s) × ${payload.columns.length} column(s)${preview}`;
  displayHook()?.display({ [RESULT_MIME]: payload, 'text/plain': text });
  return payload;
}

/** The rows most recently passed to `result` in this process, if any. */
export function lastResult(): ResultPayload | undefined {
  return (globalThis as Record<symbol, unknown>)[LAST] as ResultPayload | undefined;
}

/** Undoes the JSON encoding of non-finite numbers ('NaN', 'Infinity', '-Infinity' → numbers). */
export function decodeValue(v: unknown): unknown {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

/**
 * Finds the result in an executed notebook's cells (the last `RESULT_MIME` output wins);
 * undefined when the notebook recorded none.
 * @example readResult(executed.cells)?.rows[0].loss
 */
export function readResult(cells: Array<{ outputs?: unknown[] }>): ResultPayload | undefined {
  let found: ResultPayload | undefined;
  for (const cell of cells) {
    for (const out of (cell.outputs ?? []) as Array<{ data?: Record<string, unknown> }>) {
      const p = out?.data?.[RESULT_MIME] as ResultPayload | undefined;
      if (p && Array.isArray(p.rows)) found = p;
    }
  }
  if (!found) return undefined;
  return { columns: [...found.columns], rows: found.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, decodeValue(v)]))) };
}
