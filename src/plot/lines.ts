/**
 * Line plots of run tables: one trace per y column and per value of an optional color column,
 * optionally one panel per value of a facet column.
 */
import { assertTable, column, distinct, numericColumn, type TableLike } from './columns.js';
import { Figure } from './figure.js';
import { subplots } from './subplots.js';
import { axis, axisTitle, baseLayout, color as paletteColor } from './theme.js';
import type { Trace } from './types.js';

/** Options of `lines`. */
export interface LinesOptions {
  /** Column on the x axis. Default 'step'. */
  x?: string;
  /** Column(s) on the y axis (required). */
  y: string | string[];
  /** Column whose distinct values each get their own trace and color (e.g. 'lr', 'optimizer'). */
  color?: string;
  /** Column whose distinct values each get their own panel. */
  facet?: string;
  /** Figure title. */
  title?: string;
  /** Logarithmic y axis. Default false. */
  logY?: boolean;
  /** Logarithmic x axis. Default false. */
  logX?: boolean;
  /** Plotly trace mode. Default 'lines'. */
  mode?: 'lines' | 'markers' | 'lines+markers';
  /** y-axis title (default: the y column's title with units, or 'value' for several columns). */
  yTitle?: string;
  /** Height in px. Default 420. */
  height?: number;
}

const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash'];

/**
 * Line plot of table columns against `x`: traces = |y| × |distinct(color)|; nulls/NaN are gaps.
 * @example fl.plot.lines(run.table, { x: 'step', y: ['loss', 'sharpness'], logY: true })
 * @example fl.plot.lines(sweep, { y: 'loss', color: 'lr', facet: 'optimizer' })
 */
export function lines(table: TableLike, options: LinesOptions): Figure {
  const who = 'plot.lines';
  assertTable(table, who);
  if (!options || (typeof options.y !== 'string' && !Array.isArray(options.y)) || (Array.isArray(options.y) && options.y.length === 0)) {
    throw new Error(`${who}: option \`y\` is required: a column name or an array of column names, e.g. { y: 'loss' }.`);
  }
  const { facet } = options;
  if (facet !== undefined) {
    const keys = column(table, facet, who, 'facet');
    const values = distinct(keys);
    const rows = Array.from({ length: keys.length }, (_, i) => i);
    const panels = values.map((v) => lines(subset(table, rows.filter((i) => keys[i] === v)), { ...options, facet: undefined, title: `${facet} = ${String(v)}` }));
    const cols = Math.min(values.length, 3);
    return subplots(panels, { cols, title: options.title, height: options.height ?? 340 * Math.ceil(values.length / cols) });
  }
  const { x = 'step', color, title, logY = false, logX = false, mode = 'lines', height = 420 } = options;
  const ys = typeof options.y === 'string' ? [options.y] : options.y;
  const xs = numericColumn(table, x, who, 'x');
  const groups = color === undefined ? [undefined] : distinct(column(table, color, who, 'color'));
  const keys = color === undefined ? undefined : column(table, color, who, 'color');
  const data: Trace[] = [];
  ys.forEach((yName, yi) => {
    const yv = numericColumn(table, yName, who, 'y');
    groups.forEach((g, gi) => {
      const idx = keys ? xs.map((_, i) => i).filter((i) => keys[i] === g) : xs.map((_, i) => i);
      const name = color === undefined ? yName : ys.length > 1 ? `${yName} (${color} = ${String(g)})` : `${color} = ${String(g)}`;
      data.push({
        type: 'scatter', mode, name,
        x: idx.map((i) => xs[i]), y: idx.map((i) => yv[i]),
        line: { color: paletteColor(color === undefined ? yi : gi), width: 2, dash: color === undefined ? 'solid' : DASHES[yi % DASHES.length] },
      });
    });
  });
  const layout = baseLayout({
    height,
    showlegend: data.length > 1,
    xaxis: axis(axisTitle(x), logX ? { type: 'log' } : {}),
    yaxis: axis(options.yTitle ?? (ys.length === 1 ? axisTitle(ys[0]) : 'value'), logY ? { type: 'log' } : {}),
  });
  if (title) layout.title = { text: title, x: 0.5 };
  return new Figure({ data, layout });
}

/** The rows `idx` of a table-like value, as an array of row objects (for facets). */
function subset(table: TableLike, idx: number[]): Array<Record<string, unknown>> {
  const names = Array.isArray(table) ? undefined : (table as { columnNames?: () => string[] }).columnNames?.() ?? Object.keys(table);
  if (Array.isArray(table)) return idx.map((i) => table[i] as Record<string, unknown>);
  const cols = Object.fromEntries(names!.map((n) => [n, column(table, n, 'plot.lines', 'facet')]));
  return idx.map((i) => Object.fromEntries(names!.map((n) => [n, cols[n][i]])));
}
