/**
 * Multi-panel figures: place existing figures on a rows × cols grid, each on its own axes
 * (cartesian traces) or scene (3-D traces), with the panel titles above each cell.
 */
import { Figure } from './figure.js';
import { baseLayout } from './theme.js';
import type { FigureSpec, Layout, Trace } from './types.js';

const THREE_D = new Set(['surface', 'scatter3d', 'mesh3d', 'cone', 'streamtube', 'isosurface', 'volume']);

/** Options of `subplots`. */
export interface SubplotsOptions {
  /** Grid rows. Default ceil(n / cols). */
  rows?: number;
  /** Grid columns. Default min(n, 2). */
  cols?: number;
  /** Panel titles (default: each figure's own title). */
  titles?: string[];
  /** Overall title. */
  title?: string;
  /** Horizontal gap between panels, as a fraction of the width. Default 0.08. */
  hSpacing?: number;
  /** Vertical gap between panels, as a fraction of the height. Default 0.12. */
  vSpacing?: number;
  /** Height in px. Default 360 per row. */
  height?: number;
}

function titleOf(layout: Layout): string {
  const t = layout.title;
  if (typeof t === 'string') return t;
  return t && typeof t === 'object' && typeof (t as { text?: unknown }).text === 'string' ? (t as { text: string }).text : '';
}

/** A domain end rounded to 1e-9 and clamped to [0, 1] (float noise like −5e-17 is rejected by plotly). */
function unit(v: number): number {
  return Math.min(1, Math.max(0, Math.round(v * 1e9) / 1e9));
}

function remapRef(ref: unknown, axis: 'x' | 'y', name: string): unknown {
  if (typeof ref !== 'string') return ref;
  if (ref === axis) return name;
  if (ref === `${axis} domain`) return `${name} domain`;
  return ref;
}

/**
 * Combines figures into one multi-panel figure; panel k (row-major) gets axes x{k+1}/y{k+1}.
 * Legend entries with the same name share a legend group and appear once. Animation frames of
 * the inputs are not carried over (a multi-panel figure is static).
 * @example fl.plot.subplots([fl.plot.lines(run.table, { y: 'loss' }), fl.plot.sharpness(run.table, { lr: 0.01 })], { cols: 2 })
 */
export function subplots(figs: ReadonlyArray<FigureSpec>, { rows, cols, titles, title, hSpacing = 0.08, vSpacing = 0.12, height }: SubplotsOptions = {}): Figure {
  if (!Array.isArray(figs) || figs.length === 0 || figs.some((f) => !f || !Array.isArray(f.data))) {
    throw new TypeError('subplots: `figs` must be a non-empty array of figures (objects with `data` and `layout`), e.g. [fl.plot.lines(...), fl.plot.sharpness(...)].');
  }
  const n = figs.length;
  const c = cols ?? (rows ? Math.ceil(n / rows) : Math.min(n, 2));
  const r = rows ?? Math.ceil(n / c);
  if (!Number.isInteger(c) || !Number.isInteger(r) || c < 1 || r < 1 || r * c < n) {
    throw new Error(`subplots: a ${r} × ${c} grid cannot hold ${n} figures. Pass rows and cols with rows × cols ≥ ${n}.`);
  }
  const w = (1 - (c - 1) * hSpacing) / c;
  const h = (1 - (r - 1) * vSpacing) / r;
  const layout: Layout = baseLayout({ height: height ?? 360 * r, showlegend: true });
  if (title) layout.title = { text: title, x: 0.5 };
  const data: Trace[] = [];
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  figs.forEach((fig, k) => {
    const row = Math.floor(k / c);
    const col = k % c;
    const xd = [col * (w + hSpacing), col * (w + hSpacing) + w].map(unit);
    const yd = [1 - row * (h + vSpacing) - h, 1 - row * (h + vSpacing)].map(unit);
    const sx = k === 0 ? 'x' : `x${k + 1}`;
    const sy = k === 0 ? 'y' : `y${k + 1}`;
    const scene = k === 0 ? 'scene' : `scene${k + 1}`;
    const src = fig.layout ?? {};
    if (fig.data.length === 0 || fig.data.some((t: Trace) => !THREE_D.has(String(t.type)))) {
      layout[sx.replace('x', 'xaxis')] = { ...(src.xaxis as object), domain: xd, anchor: sy };
      layout[sy.replace('y', 'yaxis')] = { ...(src.yaxis as object), domain: yd, anchor: sx };
    }
    let has3d = false;
    for (const t of fig.data) {
      const trace: Trace = { ...t };
      if (THREE_D.has(String(t.type))) { trace.scene = scene; has3d = true; } else { trace.xaxis = sx; trace.yaxis = sy; }
      if (trace.colorbar || ['heatmap', 'contour', 'surface'].includes(String(t.type))) {
        trace.colorbar = { ...(trace.colorbar as object), x: xd[1] + 0.005, xanchor: 'left', y: (yd[0] + yd[1]) / 2, len: h, thickness: 12 };
      }
      const name = typeof trace.name === 'string' ? trace.name : undefined;
      if (name && trace.showlegend !== false) {
        trace.legendgroup = trace.legendgroup ?? name;
        if (seen.has(name)) trace.showlegend = false;
        seen.add(name);
      }
      data.push(trace);
    }
    if (has3d) layout[scene] = { ...(src.scene as object), domain: { x: xd, y: yd } };
    for (const s of (src.shapes as Record<string, unknown>[] | undefined) ?? []) {
      shapes.push({ ...s, xref: remapRef(s.xref ?? 'x', 'x', sx), yref: remapRef(s.yref ?? 'y', 'y', sy) });
    }
    for (const a of (src.annotations as Record<string, unknown>[] | undefined) ?? []) {
      annotations.push({ ...a, xref: remapRef(a.xref ?? 'x', 'x', sx), yref: remapRef(a.yref ?? 'y', 'y', sy) });
    }
    const panelTitle = titles?.[k] ?? titleOf(src);
    if (panelTitle) {
      annotations.push({ text: `<b>${panelTitle}</b>`, showarrow: false, xref: 'paper', yref: 'paper', x: (xd[0] + xd[1]) / 2, y: yd[1], xanchor: 'center', yanchor: 'bottom', yshift: 6, font: { size: 14 } });
    }
  });
  if (annotations.length) layout.annotations = annotations;
  if (shapes.length) layout.shapes = shapes;
  return new Figure({ data, layout });
}
