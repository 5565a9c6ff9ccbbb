/**
 * The figure object every builder returns: a plain plotly figure `{ data, layout, config, frames? }`
 * that displays itself in Jupyter through `[Symbol.for('Jupyter.display')]()`.
 */
import { JUPYTER_DISPLAY, type MimeBundle } from '../runtime/display.js';
import { renderBundle, summary } from './render.js';
import { staticPng, staticImagesWanted } from './static-image.js';
import { baseConfig } from './theme.js';
import type { FigureSpec, Frame, Layout, Trace } from './types.js';

/**
 * A plotly figure. Its fields are plain JSON; `toJSON()` gives the plotly.js figure.
 * @example const fig = new Figure({ data: [{ type: 'scatter', x: [0, 1], y: [1, 0] }] }); fig.toJSON();
 */
export class Figure implements FigureSpec {
  data: Trace[];
  layout: Layout;
  config: Record<string, unknown>;
  frames?: Frame[];

  constructor({ data, layout = {}, config = baseConfig(), frames }: { data: Trace[]; layout?: Layout; config?: Record<string, unknown>; frames?: Frame[] }) {
    if (!Array.isArray(data)) throw new TypeError('Figure: `data` must be an array of plotly traces, e.g. [{ type: "scatter", x: [...], y: [...] }].');
    this.data = data;
    this.layout = layout;
    this.config = config;
    if (frames?.length) this.frames = frames;
  }

  /** The plain plotly.js figure (what `application/vnd.plotly.v1+json` carries). */
  toJSON(): FigureSpec {
    const spec: FigureSpec = { data: this.data, layout: this.layout, config: this.config };
    if (this.frames?.length) spec.frames = this.frames;
    return spec;
  }

  /** One-line description (also the text/plain of its MIME bundle). */
  toString(): string {
    return summary(this.toJSON());
  }

  /**
   * The Jupyter MIME bundle. Synchronous unless a static PNG is wanted (notebook + Chromium,
   * see `fl.plot.config`), in which case it returns a Promise the kernel awaits.
   */
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle> {
    const spec = this.toJSON();
    if (!staticImagesWanted()) return renderBundle(spec);
    return staticPng(spec).then((png) => renderBundle(spec, { png }));
  }
}

/**
 * Wraps a hand-written plotly figure so it displays like flowlab's own.
 * @example fl.plot.figure({ data: [{ type: 'bar', x: ['a', 'b'], y: [1, 2] }], layout: { title: { text: 'Counts' } } })
 */
export function figure(spec: { data: Trace[]; layout?: Layout; config?: Record<string, unknown>; frames?: Frame[] }): Figure {
  return new Figure(spec);
}
