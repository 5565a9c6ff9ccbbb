/**
 * Hessian spectral density (stochastic Lanczos quadrature, as in PyHessian: Yao, Gholami,
 * Keutzer, Mahoney 2020, "PyHessian: Neural Networks Through the Lens of the Hessian",
 * arXiv:1912.07145; references.md §3), drawn on a logarithmic density axis.
 */
import { assertTable, hasColumn, numericColumn, type TableLike } from './columns.js';
import { Figure } from './figure.js';
import { axis, axisTitle, baseLayout, color } from './theme.js';
import type { Trace } from './types.js';

/** A density on a grid, PyHessian style. */
export interface Density {
  /** Eigenvalue grid (also accepted as `x` or `eigenvalue`). */
  grid?: ArrayLike<number>;
  x?: ArrayLike<number>;
  eigenvalue?: ArrayLike<number>;
  /** Density at each grid point (integrates to 1). */
  density: ArrayLike<number>;
}

/** Options of `spectrum`. */
export interface SpectrumOptions {
  /** Added to the density before the log axis, so exact zeros still show (PyHessian's plot adds 1e-7). Default 1e-7. */
  floor?: number;
  /** Logarithmic density axis. Default true. */
  logY?: boolean;
  /** Eigenvalues to mark (e.g. Lanczos nodes or the top-k), drawn as a rug at the bottom. */
  eigenvalues?: number[];
  /** Title. Default 'Hessian spectral density'. */
  title?: string;
}

function isDensity(d: unknown): d is Density {
  return !!d && typeof d === 'object' && !Array.isArray(d) && typeof (d as { columnNames?: unknown }).columnNames !== 'function'
    && (d as Density).density !== undefined && ((d as Density).grid ?? (d as Density).x ?? (d as Density).eigenvalue) !== undefined;
}

/**
 * Spectral density against eigenvalue: y = density + floor on a log axis.
 * @example fl.plot.spectrum(fl.landscape.spectralDensity(P, w))   // { grid, density }
 */
export function spectrum(density: Density | TableLike, { floor = 1e-7, logY = true, eigenvalues, title = 'Hessian spectral density' }: SpectrumOptions = {}): Figure {
  const who = 'plot.spectrum';
  let xs: number[];
  let ds: (number | null)[];
  if (isDensity(density)) {
    xs = Array.from((density.grid ?? density.x ?? density.eigenvalue)!);
    ds = Array.from(density.density, (v) => (Number.isFinite(v) ? v : null));
  } else {
    assertTable(density, who, 'density');
    const xName = ['eigenvalue', 'grid', 'x', 'lambda'].find((n) => hasColumn(density, n)) ?? 'eigenvalue';
    xs = numericColumn(density, xName, who, 'density (an eigenvalue/grid column)').map((v) => v ?? NaN);
    ds = numericColumn(density, 'density', who, 'density');
  }
  if (xs.length !== ds.length || xs.length === 0) {
    throw new Error(`${who}: the grid and the density must be non-empty and of equal length; got ${xs.length} and ${ds.length}.`);
  }
  if (ds.some((v) => v !== null && v < 0)) throw new Error(`${who}: the density has negative values; pass a density (non-negative, integrating to 1).`);
  const data: Trace[] = [{
    type: 'scatter', mode: 'lines', name: 'density', x: xs, y: ds.map((v) => (v === null ? null : v + floor)),
    line: { color: color(0), width: 2 }, fill: 'tozeroy', fillcolor: 'rgba(0,114,178,0.15)',
  }];
  if (eigenvalues?.length) {
    data.push({ type: 'scatter', mode: 'markers', name: 'eigenvalues', x: eigenvalues, y: eigenvalues.map(() => floor),
      marker: { symbol: 'line-ns-open', size: 12, color: color(3) } });
  }
  return new Figure({
    data,
    layout: baseLayout({
      title: { text: title, x: 0.5 }, height: 420, showlegend: data.length > 1,
      xaxis: axis(axisTitle('eigenvalue')),
      yaxis: axis(`${axisTitle('density')}${floor ? ` (+${floor})` : ''}`, logY ? { type: 'log', exponentformat: 'power' } : {}),
    }),
  });
}
