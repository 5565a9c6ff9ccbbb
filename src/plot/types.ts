/**
 * Plain plotly.js figure types. flowlab keeps them loose (plotly's own schema is huge) but named,
 * so builders and tests speak of traces, layouts and frames.
 */

/** One plotly trace (`{ type: 'scatter', x, y, ... }`). */
export type Trace = Record<string, unknown> & { type?: string; name?: string };

/** A plotly layout. */
export type Layout = Record<string, unknown>;

/** A plotly animation frame. */
export interface Frame {
  name?: string;
  data: Trace[];
  traces?: number[];
  layout?: Layout;
}

/** The JSON a plotly figure serialises to (`application/vnd.plotly.v1+json`). */
export interface FigureSpec {
  data: Trace[];
  layout: Layout;
  config?: Record<string, unknown>;
  frames?: Frame[];
}
