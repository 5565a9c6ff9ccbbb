/**
 * Optimizers racing on a 2-D test function: the function's contours, every optimizer's path, and
 * animation frames (one per chunk of steps) with a play button and a step slider. The figure's
 * static state is the finished race, so PNGs and non-animating viewers show the whole paths.
 */
import { assertTable, numericColumn, type TableLike } from './columns.js';
import { Figure } from './figure.js';
import { positive } from './format.js';
import { testFunction, type TestFunction } from './test-functions.js';
import { axis, baseLayout, COLORSCALE, PALETTE, dash } from './theme.js';

/** Path colors that stand out on Viridis: Okabe–Ito without its blues, yellow and black, then white. */
const RACE_COLORS = [PALETTE[3], PALETTE[1], PALETTE[4], '#ffffff', PALETTE[2], PALETTE[5]];
/** Path k's line: its color, and past the 6th path the next dash pattern, so no two paths look alike. */
const raceLine = (k: number) => ({ color: RACE_COLORS[k % RACE_COLORS.length], width: 2.5, ...(k >= RACE_COLORS.length ? { dash: dash(Math.floor(k / RACE_COLORS.length)) } : {}) });
import type { Frame, Trace } from './types.js';

/** One optimizer's path: a table with columns x and y (one row per step), or [x, y] pairs. */
export type RacePath = TableLike | ReadonlyArray<readonly [number, number]>;

/** Options of `optimizerRace`. */
export interface RaceOptions {
  /** Plot box [[xmin, xmax], [ymin, ymax]] (default: the named function's box; required for a custom function). */
  range?: [[number, number], [number, number]];
  /** Contour grid points per axis. Default 120. */
  resolution?: number;
  /** Number of animation frames (steps are chunked to fit). Default 40. */
  frames?: number;
  /** Contours of log₁₀(1 + f − min f) instead of f. Default true. */
  logZ?: boolean;
  /** Milliseconds per frame when playing. Default 80. */
  frameMs?: number;
  /** Title (default: 'Optimizers on <name>'). */
  title?: string;
}

function toXY(path: RacePath, who: string, name: string): [number[], number[]] {
  if (Array.isArray(path) && path.every((p) => Array.isArray(p) && p.length === 2)) {
    return [path.map((p) => p[0] as number), path.map((p) => p[1] as number)];
  }
  assertTable(path, who, `runs.${name}`);
  return [numericColumn(path, 'x', who, `runs.${name} x`).map((v) => v ?? NaN), numericColumn(path, 'y', who, `runs.${name} y`).map((v) => v ?? NaN)];
}

/**
 * Contours of f with the paths of several optimizers and an animation of the race.
 * Trace order: contour, one path per run, one head marker per run, the minimum (named functions).
 * @example fl.plot.optimizerRace('rosenbrock', { adam: adamPath, sgd: sgdPath })
 * @example fl.plot.optimizerRace((x, y) => x * x + 10 * y * y, { gd: path }, { range: [[-2, 2], [-1, 1]] })
 */
export function optimizerRace(fn: string | TestFunction | ((x: number, y: number) => number), runs: Record<string, RacePath>, options: RaceOptions = {}): Figure {
  const who = 'plot.optimizerRace';
  const named: TestFunction | undefined = typeof fn === 'string' ? testFunction(fn) : typeof fn === 'object' ? fn : undefined;
  const f = named ? named.f : fn as (x: number, y: number) => number;
  if (typeof f !== 'function') throw new TypeError(`${who}: \`fn\` must be a test-function name ('rosenbrock', 'rastrigin') or a function (x, y) => number.`);
  const range = options.range ?? named?.range;
  if (!range) throw new Error(`${who}: \`range\` is required for a custom function: pass { range: [[xmin, xmax], [ymin, ymax]] }.`);
  const { resolution = 120, frames = 40, logZ = true, frameMs = 80 } = options;
  positive(resolution, who, 'resolution', 'grid points per axis');
  positive(frames, who, 'frames', 'the number of animation frames');
  if (!runs || typeof runs !== 'object' || Object.keys(runs).length === 0) throw new Error(`${who}: \`runs\` must map optimizer names to paths, e.g. { adam: [[x0, y0], [x1, y1], …] }.`);

  const gx = Array.from({ length: resolution }, (_, i) => range[0][0] + (i * (range[0][1] - range[0][0])) / (resolution - 1));
  const gy = Array.from({ length: resolution }, (_, j) => range[1][0] + (j * (range[1][1] - range[1][0])) / (resolution - 1));
  const raw = gy.map((y) => gx.map((x) => f(x, y)));
  const fmin = Math.min(...raw.map((row) => Math.min(...row.filter(Number.isFinite))));
  const z = raw.map((row) => row.map((v) => (Number.isFinite(v) ? (logZ ? Math.log10(1 + v - fmin) : v) : null)));
  const data: Trace[] = [{ type: 'contour', x: gx, y: gy, z, colorscale: COLORSCALE, ncontours: 30, showscale: true, name: named?.name ?? 'f',
    colorbar: { title: { text: logZ ? 'log₁₀(1 + f − min f)' : 'f(x, y)' } }, contours: { coloring: 'heatmap' }, line: { width: 0.5 }, hoverinfo: 'skip' }];
  const names = Object.keys(runs);
  const paths = names.map((n) => toXY(runs[n], who, n));
  paths.forEach(([x, y], k) => data.push({ type: 'scatter', mode: 'lines', name: names[k], legendgroup: names[k], x, y, line: raceLine(k) }));
  paths.forEach(([x, y], k) => data.push({ type: 'scatter', mode: 'markers', name: names[k], legendgroup: names[k], showlegend: false,
    x: [x[x.length - 1]], y: [y[y.length - 1]], marker: { size: 9, color: RACE_COLORS[k % RACE_COLORS.length], line: { color: 'white', width: 1 } } }));
  if (named) data.push({ type: 'scatter', mode: 'markers', name: 'minimum', x: [named.minimum[0]], y: [named.minimum[1]], marker: { symbol: 'star', size: 14, color: 'white', line: { color: 'black', width: 1 } } });

  const longest = Math.max(...paths.map(([x]) => x.length));
  const chunk = Math.max(1, Math.ceil((longest - 1) / frames));
  const ends: number[] = [];
  for (let e = 0; e < longest - 1; e += chunk) ends.push(e);
  ends.push(longest - 1);
  const traceIdx = names.flatMap((_, k) => [1 + k, 1 + names.length + k]);
  const animFrames: Frame[] = ends.map((end) => ({
    name: `step ${end}`,
    traces: traceIdx,
    data: paths.flatMap(([x, y]) => {
      const e = Math.min(end, x.length - 1);
      return [{ x: x.slice(0, e + 1), y: y.slice(0, e + 1) }, { x: [x[e]], y: [y[e]] }];
    }),
  }));
  const play = { frame: { duration: frameMs, redraw: false }, transition: { duration: 0 }, fromcurrent: false, mode: 'immediate' };
  const layout = baseLayout({
    title: { text: options.title ?? `Optimizers on ${named?.name ?? 'f'}`, x: 0.5 }, height: 580, showlegend: true,
    legend: { orientation: 'h', x: 0, y: 1.0, yanchor: 'bottom', bgcolor: 'rgba(255,255,255,0.8)' },
    xaxis: axis('x', { range: range[0], showgrid: false }), yaxis: axis('y', { range: range[1], showgrid: false }),
    updatemenus: [{ type: 'buttons', showactive: false, x: 0, y: -0.12, xanchor: 'left', yanchor: 'top', direction: 'left', buttons: [
      { label: '▶ play', method: 'animate', args: [null, play] },
      { label: '❚❚ pause', method: 'animate', args: [[null], { frame: { duration: 0, redraw: false }, mode: 'immediate', transition: { duration: 0 } }] },
    ] }],
    sliders: [{ active: animFrames.length - 1, x: 0.2, len: 0.8, y: -0.08, currentvalue: { prefix: '' },
      steps: animFrames.map((fr) => ({ label: fr.name!.replace('step ', ''), method: 'animate', args: [[fr.name], { mode: 'immediate', frame: { duration: 0, redraw: false }, transition: { duration: 0 } }] })) }],
  });
  return new Figure({ data, layout, frames: animFrames });
}
