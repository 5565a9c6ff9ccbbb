/**
 * flowlab's one look for every figure: readable type, light grid, units in axis titles and a
 * colorblind-safe palette.
 *
 * The palette is Okabe & Ito's (2008, "Color Universal Design"), distinguishable under the common
 * forms of color vision deficiency, less its yellow; continuous scales use Viridis (perceptually
 * uniform, CVD-safe).
 */
import type { Layout } from './types.js';

/** Okabe & Ito's eight colors, in their order: the source of PALETTE. */
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'] as const;

/**
 * The qualitative palette of every line and marker: Okabe–Ito without its yellow #F0E442, in
 * Okabe–Ito's order (blue first: it reads well on white and in grey print; black last). The yellow
 * has a WCAG contrast of 1.3:1 on white, so a 2 px line in it all but vanishes; the seven kept
 * colors have ≥ 2.2:1. A subset of a CVD-safe set stays CVD-safe, which darkening the yellow would
 * not guarantee (a dark yellow nears the orange #E69F00 under deuteranopia). Figures with more
 * traces than colors tell them apart by dash (`lineStyle`).
 */
export const PALETTE: readonly string[] = Object.freeze(OKABE_ITO.filter((c) => c !== '#F0E442'));

/** Continuous color scale for contours, heatmaps and surfaces. */
export const COLORSCALE = 'Viridis';

/** Dash style of reference lines (2/η, thresholds): dashed, never colored like data. */
export const REFERENCE_LINE = Object.freeze({ color: '#555555', width: 1.5, dash: 'dash' as const });

/** The i-th palette color, cycling. */
export function color(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** plotly's named dash patterns, solid first, in the order they are easiest to tell apart. */
const NAMED_DASHES: readonly string[] = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'];

/**
 * The k-th dash pattern (k ≥ 0), all different: plotly's six named patterns, then generated dash
 * lists (plotly's "Npx,Mpx,…" form): a long dash followed by one to three dots, the dash growing
 * 4 px every three patterns, so that no two k share a pattern.
 * @example dash(0) === 'solid'; dash(6) === '12px,3px,2px,3px'
 */
export function dash(k: number): string {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`plot.dash: k must be a non-negative integer, got ${k}.`);
  if (k < NAMED_DASHES.length) return NAMED_DASHES[k];
  const j = k - NAMED_DASHES.length;
  return `${12 + 4 * Math.floor(j / 3)}px,3px${',2px,3px'.repeat((j % 3) + 1)}`;
}

/**
 * The i-th line style of a figure with many traces: the palette's 7 colors solid first, then the
 * same colors with the next dash pattern, and so on, so that every trace index i has its own
 * (color, dash) pair however many traces there are (i ↦ (color i mod 7, dash ⌊i/7⌋)).
 * @example lineStyle(8)   // { color: '#E69F00', dash: 'dash' }: the 9th trace, orange dashed
 */
export function lineStyle(i: number): { color: string; dash: string } {
  return { color: color(i), dash: dash(Math.floor(i / PALETTE.length)) };
}

/**
 * Axis titles with units for flowlab's standard run-table columns; other names pass through.
 * Units follow references.md: steps are optimizer iterations, eigenvalues are of the Hessian of
 * the mean loss (compare with 2/η), distances are Euclidean norms in parameter space.
 */
const TITLES: Record<string, string> = {
  step: 'step (iterations)',
  t: 'time t (steps)',
  time: 'wall time (s)',
  epoch: 'epoch',
  loss: 'training loss',
  trainLoss: 'training loss',
  testLoss: 'test loss',
  accuracy: 'accuracy (fraction)',
  sharpness: 'sharpness λ₁(H)',
  preconditionedSharpness: 'preconditioned sharpness λ₁(P⁻¹H)',
  gradNorm: 'gradient norm ‖∇L‖',
  lr: 'learning rate η',
  alpha: 'α (direction units)',
  beta: 'β (direction units)',
  eigenvalue: 'eigenvalue λ',
  density: 'spectral density',
};

/**
 * The axis title for a column name: a known flowlab column gets its unit, others are unchanged.
 * @example axisTitle('step')   // 'step (iterations)'
 */
export function axisTitle(name: string): string {
  return TITLES[name] ?? name;
}

/** Base layout every builder starts from (merged under the builder's own settings). */
export function baseLayout(extra: Layout = {}): Layout {
  return {
    font: { family: 'Inter, "Helvetica Neue", Arial, sans-serif', size: 13, color: '#222222' },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    colorway: [...PALETTE],
    margin: { l: 70, r: 30, t: 60, b: 60 },
    hovermode: 'closest',
    legend: { bgcolor: 'rgba(255,255,255,0.8)', borderwidth: 0 },
    ...extra,
  };
}

/** A themed cartesian axis with a title. */
export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title },
    showgrid: true,
    gridcolor: '#e6e6e6',
    zeroline: false,
    linecolor: '#444444',
    showline: true,
    ticks: 'outside',
    automargin: true,
    ...extra,
  };
}

/** Default plotly config: responsive, no logo, PNG export at 2× from the mode bar. */
export function baseConfig(): Record<string, unknown> {
  return { responsive: true, displaylogo: false, toImageButtonOptions: { format: 'png', scale: 2 } };
}
