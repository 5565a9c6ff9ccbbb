/**
 * Sharpness against steps with the edge-of-stability reference 2/η (Cohen, Kaur, Li, Kolter,
 * Talwalkar 2021, "Gradient Descent on Neural Networks Typically Occurs at the Edge of
 * Stability", arXiv:2103.00065): gradient descent with step η is stable on a quadratic only while
 * the top Hessian eigenvalue stays below 2/η, and in practice the sharpness rises to 2/η and
 * hovers there.
 */
import { assertTable, column, distinct, numericColumn, hasColumn, toNumberOrNull, type TableLike } from './columns.js';
import { Figure } from './figure.js';
import { extent, fmt, positive } from './format.js';
import { lines } from './lines.js';
import { REFERENCE_LINE, color as paletteColor } from './theme.js';

/** Options of `sharpness`. */
export interface SharpnessOptions {
  /** The run's learning rate η: a dashed line at 2/η. */
  lr?: number;
  /** Several learning rates: one dashed line at 2/η for each. Default: the distinct values of an 'lr' column, if any. */
  lrs?: number[];
  /** x column. Default 'step'. */
  x?: string;
  /** y column. Default 'sharpness'. */
  y?: string;
  /** Group column (e.g. 'lr'): one sharpness trace per value; a reference line takes its group's color. */
  color?: string;
  /** Title. Default 'Sharpness and the 2/η threshold'. */
  title?: string;
  /** Logarithmic y axis. Default false. */
  logY?: boolean;
}

/**
 * Sharpness λ₁(H) per step with dashed reference lines y = 2/η.
 * @example fl.plot.sharpness(run.table, { lr: 0.01 })   // the line sits at y = 200
 * @example fl.plot.sharpness(sweep, { color: 'lr' })    // 2/η for every lr in the table
 */
export function sharpness(table: TableLike, { lr, lrs, x = 'step', y = 'sharpness', color, title = 'Sharpness and the 2/η threshold', logY = false }: SharpnessOptions = {}): Figure {
  const who = 'plot.sharpness';
  assertTable(table, who);
  let rates: number[];
  if (lrs !== undefined) {
    if (!Array.isArray(lrs) || lrs.length === 0) throw new Error(`${who}: \`lrs\` must be a non-empty array of learning rates; got ${JSON.stringify(lrs)}.`);
    rates = lrs.map((v, i) => positive(v, who, `lrs[${i}]`, 'a learning rate η'));
  } else if (lr !== undefined) {
    rates = [positive(lr, who, 'lr', 'the learning rate η of the run')];
  } else if (hasColumn(table, 'lr')) {
    rates = distinct(column(table, 'lr', who, 'lr').map(toNumberOrNull)).filter((v): v is number => v !== null && v > 0);
  } else {
    rates = [];
  }
  const fig = lines(table, { x, y, color, title, logY });
  const span = extent(numericColumn(table, x, who, 'x')) ?? [0, 1];
  const groupValues = color === undefined ? [] : distinct(column(table, color, who, 'color'));
  for (const eta of rates) {
    const gi = groupValues.findIndex((g) => toNumberOrNull(g) === eta);
    fig.data.push({
      type: 'scatter', mode: 'lines', name: `2/η = ${fmt(2 / eta)} (η = ${fmt(eta)})`,
      x: [span[0], span[1]], y: [2 / eta, 2 / eta], hoverinfo: 'name',
      line: { ...REFERENCE_LINE, ...(gi >= 0 ? { color: paletteColor(gi) } : {}) },
    });
  }
  fig.layout.showlegend = fig.data.length > 1;
  return fig;
}
