/**
 * Reading columns from what builders accept as a "table": an arquero table, an array of row
 * objects, or a record of column arrays. Builders never mutate their input.
 */

/** Anything a builder accepts as tabular data. */
export type TableLike =
  | { columnNames(): string[]; array(name: string): ArrayLike<unknown>; numRows(): number }
  | ReadonlyArray<Record<string, unknown>>
  | Readonly<Record<string, ArrayLike<unknown>>>;

function isArquero(t: unknown): t is { columnNames(): string[]; array(name: string): ArrayLike<unknown>; numRows(): number } {
  return !!t && typeof (t as { columnNames?: unknown }).columnNames === 'function'
    && typeof (t as { array?: unknown }).array === 'function';
}

/** Column names of a table-like value. */
export function columnNames(table: TableLike): string[] {
  if (isArquero(table)) return table.columnNames();
  if (Array.isArray(table)) {
    const names = new Set<string>();
    for (const row of table) for (const k of Object.keys(row)) names.add(k);
    return [...names];
  }
  return Object.keys(table);
}

/** Number of rows of a table-like value. */
export function numRows(table: TableLike): number {
  if (isArquero(table)) return table.numRows();
  if (Array.isArray(table)) return table.length;
  const cols = Object.values(table as Record<string, ArrayLike<unknown>>);
  return cols.length ? cols[0].length : 0;
}

/** Checks that `table` is table-like; `who` names the calling builder in the error. */
export function assertTable(table: unknown, who: string, arg = 'table'): asserts table is TableLike {
  const ok = isArquero(table) || Array.isArray(table)
    || (!!table && typeof table === 'object' && Object.values(table).every((c) => c != null && typeof (c as ArrayLike<unknown>).length === 'number'));
  if (!ok) {
    throw new TypeError(`${who}: \`${arg}\` must be an arquero table, an array of row objects or a record of column arrays; got ${describe(table)}. Pass run.table (or aq.from(rows)).`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'object' ? `an object with keys [${Object.keys(v as object).slice(0, 6).join(', ')}]` : typeof v;
}

/** True when the table has a column with this name. */
export function hasColumn(table: TableLike, name: string): boolean {
  return columnNames(table).includes(name);
}

/**
 * A column's values as a plain array. Missing columns throw an error naming the builder, the
 * option that asked for the column, the columns that exist, and the fix.
 */
export function column(table: TableLike, name: string, who: string, option: string): unknown[] {
  if (!hasColumn(table, name)) {
    throw new Error(`${who}: column '${name}' (option \`${option}\`) not found; the table has columns [${columnNames(table).join(', ')}]. Pass \`${option}\` naming one of them.`);
  }
  if (isArquero(table)) return Array.from(table.array(name));
  if (Array.isArray(table)) return table.map((row) => row[name]);
  return Array.from((table as Record<string, ArrayLike<unknown>>)[name]);
}

/** A numeric column: non-finite values and null become null (plotly draws a gap). */
export function numericColumn(table: TableLike, name: string, who: string, option: string): (number | null)[] {
  return column(table, name, who, option).map(toNumberOrNull);
}

/** A number, or null for null/undefined/NaN/±Infinity/non-numbers. */
export function toNumberOrNull(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return null;
}

/** Distinct values in order of first appearance. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Column names matching `prefix<N>` sorted by N (eig_1, eig_2, … → [[1,'eig_1'], …]). */
export function indexedColumns(table: TableLike, prefix: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)$`);
  for (const name of columnNames(table)) {
    const m = re.exec(name);
    if (m) out.push([Number(m[1]), name]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}
