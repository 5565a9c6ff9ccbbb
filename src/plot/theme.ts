/**
 * flowlab's one look for every figure: readable type, light grid, units in axis titles and a
 * colorblind-safe palette.
 *
 * The palette is Okabe & Ito's (2008, "Color Universal Design"), distinguishable under the common
 * forms of color vision deficiency; continuous scales use Viridis (perceptually uniform, CVD-safe).
 */
import type { Layout } from './types.js';

/** Okabe–Ito qualitative palette (blue first: it reads well on white and in grey print). */
export const PALETTE: readonly string[] = Object.freeze([
  '#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000',
]);

/** Continuous color scale for contours, heatmaps and surfaces. */
export const COLORSCALE = 'Viridis';

/** Dash style of reference lines (2/η, thresholds): dashed, never colored like data. */
export const REFERENCE_LINE = Object.freeze({ color: '#555555', width: 1.5, dash: 'dash' as const });

/** The i-th palette color, cycling. */
export function color(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
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
