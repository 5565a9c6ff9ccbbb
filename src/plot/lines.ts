/**
 * Line plots of run tables: one trace per y column and per value of an optional color column,
 * optionally one panel per value of a facet column.
 */
import { assertTable, column, distinct, numericColumn, type TableLike } from './columns.js';
import { Figure } from './figure.js';
import { subplots } from './subplots.js';
import { PALETTE, axis, axisTitle, baseLayout, color as paletteColor, dash, lineStyle } from './theme.js';
import type { Trace } from './types.js';

/** Options of `lines`. */
export interface LinesOptions {
  /** Column on the x axis. Default 'step'. */
  x?: string;
  /** Column(s) on the y axis (required). */
  y: string | string[];
  /**
   * Column whose distinct values each get their own trace and color (e.g. 'lr', 'optimizer'); beyond
   * the palette's 7 colors the next values repeat them dashed, then dotted, … (any number stays distinct).
   */
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

/**
 * Line plot of table columns against `x`: traces = |y| × |distinct(color)|; nulls/NaN are gaps.
 * Every trace has its own (color, dash) pair, however many there are: without `color`, y column i
 * takes `lineStyle(i)` (7 solid colors, then dashed, …); with `color`, a value keeps one color
 * (value g: palette color g mod 7) and the dash tells apart the y columns and the values beyond
 * the 8th; facets color each value alike in every panel.
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
    const groups = options.color === undefined ? undefined : distinct(column(table, options.color, who, 'color'));
    const panels = values.map((v) => panel(subset(table, rows.filter((i) => keys[i] === v)), { ...options, facet: undefined, title: `${facet} = ${String(v)}` }, groups));
    const cols = Math.min(values.length, 3);
    return subplots(panels, { cols, title: options.title, height: options.height ?? 340 * Math.ceil(values.length / cols) });
  }
  return panel(table, options);
}

/**
 * One panel of `lines`; `allGroups` (facets) are the color column's values over the whole table,
 * so that a value absent from this panel does not shift the colors of the others.
 */
function panel(table: TableLike, options: LinesOptions, allGroups?: unknown[]): Figure {
  const who = 'plot.lines';
  const { x = 'step', color, title, logY = false, logX = false, mode = 'lines', height = 420 } = options;
  const ys = typeof options.y === 'string' ? [options.y] : options.y;
  const xs = numericColumn(table, x, who, 'x');
  const keys = color === undefined ? undefined : column(table, color, who, 'color');
  const groups = keys === undefined ? [undefined] : allGroups ?? distinct(keys);
  // Dash rounds per y column: value g of y column yi gets dash yi·rounds + ⌊g/7⌋, unique per trace.
  const rounds = Math.ceil(groups.length / PALETTE.length);
  const data: Trace[] = [];
  ys.forEach((yName, yi) => {
    const yv = numericColumn(table, yName, who, 'y');
    groups.forEach((g, gi) => {
      const idx = keys ? xs.map((_, i) => i).filter((i) => keys[i] === g) : xs.map((_, i) => i);
      if (keys && allGroups && idx.length === 0) return;
      const name = color === undefined ? yName : ys.length > 1 ? `${yName} (${color} = ${String(g)})` : `${color} = ${String(g)}`;
      const style = color === undefined ? lineStyle(yi) : { color: paletteColor(gi), dash: dash(yi * rounds + Math.floor(gi / PALETTE.length)) };
      data.push({
        type: 'scatter', mode, name,
        x: idx.map((i) => xs[i]), y: idx.map((i) => yv[i]),
        line: { color: style.color, width: 2, dash: style.dash },
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
