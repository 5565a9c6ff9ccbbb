/**
 * Hyper-parameter sweeps as a heatmap: one cell per (x, y) setting, colored by a metric
 * aggregated over the rows of that setting (seeds, repeats). Diverged runs (NaN, ±∞) are gaps.
 */
import { assertTable, column, distinct, toNumberOrNull, type TableLike } from './columns.js';
import { Figure } from './figure.js';
import { fmt } from './format.js';
import { axis, axisTitle, baseLayout, COLORSCALE } from './theme.js';

/** How rows that share an (x, y) setting are combined. */
export type Aggregate = 'mean' | 'median' | 'min' | 'max' | 'last';

/** Options of `sweepHeatmap` (x, y, z required). */
export interface SweepHeatmapOptions {
  x: string;
  y: string;
  /** Metric column colored in each cell. */
  z: string;
  /** Aggregate over rows of one setting (finite values only). Default 'mean'. */
  agg?: Aggregate;
  /** Color log₁₀ of the metric. Default false. */
  logZ?: boolean;
  /** Reversed color scale (for metrics where lower is better, e.g. loss). Default false. */
  reverse?: boolean;
  /** Write the value in each cell. Default true. */
  text?: boolean;
  /** Title. Default '<z> by <x> and <y>'. */
  title?: string;
}

const AGG: Record<Aggregate, (v: number[]) => number> = {
  mean: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  median: (v) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; },
  min: (v) => Math.min(...v),
  max: (v) => Math.max(...v),
  last: (v) => v[v.length - 1],
};

function order(values: unknown[]): unknown[] {
  const d = distinct(values);
  return d.every((v) => typeof v === 'number') ? [...d].sort((a, b) => (a as number) - (b as number)) : d;
}

function label(v: unknown): string {
  return typeof v === 'number' ? fmt(v) : String(v);
}

/**
 * Heatmap of `z` over the grid of distinct `x` × `y` values (numeric settings sorted ascending).
 * @example fl.plot.sweepHeatmap(sweep.table, { x: 'lr', y: 'batch', z: 'finalLoss', agg: 'median', logZ: true })
 */
export function sweepHeatmap(table: TableLike, options: SweepHeatmapOptions): Figure {
  const who = 'plot.sweepHeatmap';
  assertTable(table, who);
  if (!options || !options.x || !options.y || !options.z) throw new Error(`${who}: options \`x\`, \`y\` and \`z\` are required column names, e.g. { x: 'lr', y: 'batch', z: 'finalLoss' }.`);
  const { x, y, z, agg = 'mean', logZ = false, reverse = false, text = true } = options;
  if (!(agg in AGG)) throw new Error(`${who}: \`agg\` must be one of ${Object.keys(AGG).join(', ')}; got ${JSON.stringify(agg)}.`);
  const xv = column(table, x, who, 'x');
  const yv = column(table, y, who, 'y');
  const zv = column(table, z, who, 'z').map(toNumberOrNull);
  const xs = order(xv);
  const ys = order(yv);
  const cells = ys.map(() => xs.map(() => [] as number[]));
  const ran = ys.map(() => xs.map(() => false));
  for (let r = 0; r < zv.length; r++) {
    const [i, j] = [ys.indexOf(yv[r]), xs.indexOf(xv[r])];
    ran[i][j] = true;
    if (zv[r] !== null) cells[i][j].push(zv[r]!);
  }
  const values = cells.map((row) => row.map((c) => (c.length ? AGG[agg](c) : null)));
  const colored = values.map((row) => row.map((v) => (v === null ? null : logZ ? (v > 0 ? Math.log10(v) : null) : v)));
  const layout = baseLayout({
    title: { text: options.title ?? `${z} by ${x} and ${y}`, x: 0.5 }, height: Math.max(320, 60 + 40 * ys.length),
    xaxis: axis(axisTitle(x), { type: 'category', showgrid: false }),
    yaxis: axis(axisTitle(y), { type: 'category', showgrid: false }),
  });
  return new Figure({
    data: [{
      type: 'heatmap', x: xs.map(label), y: ys.map(label), z: colored, colorscale: COLORSCALE, reversescale: reverse,
      colorbar: { title: { text: logZ ? `log₁₀ ${axisTitle(z)}` : axisTitle(z) } }, name: z,
      ...(text ? { text: values.map((row, i) => row.map((v, j) => (v !== null ? fmt(v) : ran[i][j] ? 'diverged' : ''))), texttemplate: '%{text}', hovertemplate: `${x}=%{x}<br>${y}=%{y}<br>${z}=%{text}<extra></extra>` } : {}),
    }],
    layout,
  });
}
