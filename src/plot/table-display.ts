/**
 * Arquero tables in notebooks: an HTML table (first rows, each column's type, the row count) with
 * a text/plain twin. Importing src/plot installs `[Symbol.for('Jupyter.display')]` on arquero's
 * ColumnTable prototype (unless something else already did: it never overwrites silently).
 */
import { ColumnTable } from 'arquero';
import { JUPYTER_DISPLAY, type MimeBundle } from '../runtime/display.js';
import { escapeHtml } from './render.js';

type AqTable = { numRows(): number; columnNames(): string[]; objects(o?: { limit?: number }): object[]; array(name: string): ArrayLike<unknown>; column?(name: string): unknown };

/** Options of `table` / `tableBundle`. */
export interface TableDisplayOptions {
  /** Rows shown. Default 10. */
  rows?: number;
}

/** A column's type: the typed-array kind ('float64', …) or the type of its first non-null value. */
export function columnType(values: ArrayLike<unknown>): string {
  const ctor = (values as object).constructor?.name ?? '';
  const m = /^(Float|Int|Uint|BigInt|BigUint)(\d+)Array$/.exec(ctor);
  if (m) return `${m[1].toLowerCase()}${m[2]}`;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (v instanceof Date) return 'date';
    if (Array.isArray(v) || ArrayBuffer.isView(v)) return 'array';
    return typeof v;
  }
  return 'null';
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') { const s = JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x)) ?? String(v); return s.length > 40 ? `${s.slice(0, 39)}…` : s; }
  return String(v);
}

function isTable(t: unknown): t is AqTable {
  return !!t && typeof (t as AqTable).objects === 'function' && typeof (t as AqTable).columnNames === 'function' && typeof (t as AqTable).numRows === 'function';
}

/**
 * The MIME bundle of an arquero table: HTML (header: name and type; first `rows` rows; a footer
 * "N rows × M columns") and aligned text/plain.
 * @example fl.plot.tableBundle(run.table, { rows: 5 })
 */
export function tableBundle(t: AqTable, { rows = 10 }: TableDisplayOptions = {}): MimeBundle {
  if (!isTable(t)) throw new TypeError('plot.table: expected an arquero table (e.g. run.table, or aq.from(rows)).');
  if (!(Number.isInteger(rows) && rows >= 0)) throw new Error(`plot.table: \`rows\` must be a non-negative integer; got ${rows}.`);
  const names = t.columnNames();
  const types = names.map((n) => columnType((t.column?.(n) as ArrayLike<unknown> | undefined) ?? t.array(n)));
  const head = (t.objects({ limit: rows }) as Record<string, unknown>[]).map((r) => names.map((n) => cell(r[n])));
  const numeric = types.map((ty) => /^(float|int|uint|bigint|biguint)\d+$|^number$/.test(ty));
  const n = t.numRows();
  const footer = `${n} row${n === 1 ? '' : 's'} × ${names.length} column${names.length === 1 ? '' : 's'}${n > head.length ? ` (first ${head.length} shown)` : ''}`;
  const th = names.map((name, j) => `<th style="text-align:${numeric[j] ? 'right' : 'left'};padding:2px 8px">${escapeHtml(name)}<br><span style="font-weight:normal;color:#777;font-size:85%">${types[j]}</span></th>`).join('');
  const trs = head.map((r) => `<tr>${r.map((v, j) => `<td style="text-align:${numeric[j] ? 'right' : 'left'};padding:2px 8px">${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n');
  const html = `<div class="flowlab-table"><table style="border-collapse:collapse;font-size:13px"><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table><div style="color:#777;font-size:12px;margin-top:4px">${footer}</div></div>`;
  const headers = names.map((name, j) => `${name} (${types[j]})`);
  const widths = headers.map((h, j) => Math.max(h.length, ...head.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd();
  const text = [line(headers), ...head.map(line), footer].join('\n');
  return { 'text/html': html, 'text/plain': text };
}

/**
 * A displayable view of a table with a chosen number of rows.
 * @example fl.plot.table(run.table, { rows: 20 })
 */
export function table(t: AqTable, options: TableDisplayOptions = {}): { [JUPYTER_DISPLAY](): MimeBundle; toString(): string } {
  const bundle = tableBundle(t, options);
  return { [JUPYTER_DISPLAY]: () => bundle, toString: () => String(bundle['text/plain']) };
}

/**
 * Installs the display method on arquero's ColumnTable prototype (idempotent). Returns false
 * when another display method is already there (left in place).
 * @example fl.plot.installTableDisplay();   // done on import; true when flowlab's display is in place
 */
export function installTableDisplay(): boolean {
  const proto = ColumnTable.prototype as unknown as Record<symbol, unknown>;
  const existing = proto[JUPYTER_DISPLAY] as { flowlab?: boolean } | undefined;
  if (existing && !existing.flowlab) return false;
  if (!existing) {
    const method = function (this: AqTable): MimeBundle { return tableBundle(this); };
    Object.defineProperty(method, 'flowlab', { value: true });
    Object.defineProperty(proto, JUPYTER_DISPLAY, { value: method, writable: true, configurable: true, enumerable: false });
  }
  return true;
}
