/**
 * Turning a figure into a Jupyter MIME bundle that draws everywhere, offline.
 *
 * The bundle holds `application/vnd.plotly.v1+json` (the figure, for front ends with a plotly
 * renderer: JupyterLab + jupyterlab-plotly, VS Code, nteract), `text/html` that draws the same
 * figure with an inlined plotly.js (for everything else, and nbconvert's HTML, which keeps only
 * text/html), `text/plain` (a one-line summary) and, when static images are on, `image/png`.
 *
 * plotly.js is inlined once per kernel session (plotly.py's init_notebook_mode(connected=False)
 * pattern): the first figure's HTML carries a `<script>` that defines `window.Plotly` (skipped
 * when a page already has one); every figure's own script draws when `window.Plotly` exists and
 * otherwise polls for it, so figures placed before the carrier in a page (cells run out of order,
 * nbconvert HTML) draw as soon as the carrier script runs. When no carrier ever arrives (its
 * output was cleared) the figure keeps its static PNG, if any, and says how to fix it: run
 * `fl.plot.init()` in a cell above (its output carries plotly.js), or set
 * `fl.plot.config({ inlinePlotly: 'always' })`. In an untrusted notebook no script runs and the
 * front end strips style attributes: the figure shows its static PNG, if any, and a note saying
 * to trust the notebook (see `untrustedNote`).
 */
import { randomUUID } from 'node:crypto';
import { settingsNow } from './config.js';
import { plotlySource } from './plotly-source.js';
import type { FigureSpec } from './types.js';
import type { MimeBundle } from '../runtime/display.js';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

let carried = false;

/**
 * Forget that this session already inlined plotly.js (the next figure carries it again).
 * @example fl.plot.resetRenderSession();   // after clearing all outputs: the next figure carries plotly.js again
 */
export function resetRenderSession(): void {
  carried = false;
}

/** Whether this session has already emitted the plotly.js carrier. */
export function plotlyCarried(): boolean {
  return carried;
}

/** JSON safe inside an HTML `<script>`: no `<` (so no `</script>` or `<!--`), no U+2028/2029. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The `<script>` defining `window.Plotly` from the inlined bundle. The bundle is wrapped so that
 * AMD/CommonJS globals of the host page (require.js in classic Notebook) are shadowed and plotly
 * always lands on `window.Plotly`.
 */
export function carrierScript(): string {
  const { source, version } = plotlySource();
  return `<script type="text/javascript" data-flowlab-plotly="${version}">/* plotly.js ${version}, inlined by flowlab for offline use */\n`
    + `if (!window.Plotly) { (function (module, exports, define) {\n${source}\n}).call(window); }\n</script>`;
}

/** The script that draws figure `spec` into the element with id `id` once plotly.js is there. */
export function drawScript(spec: FigureSpec, id: string): string {
  const msg = 'plotly.js is not loaded on this page (the output that carried it was cleared, or the notebook is not trusted). '
    + 'Run fl.plot.init() in a cell above, or use fl.plot.config({ inlinePlotly: "always" }).';
  return `<script type="text/javascript">(function () {
  var id = ${scriptJson(id)}, fig = ${scriptJson(spec)}, start = Date.now();
  function draw() {
    var gd = document.getElementById(id);
    if (!gd) return true;
    if (!window.Plotly) return false;
    if (gd.getAttribute('data-flowlab-drawn')) return true;
    gd.setAttribute('data-flowlab-drawn', '1');
    gd.innerHTML = '';
    // Figures replaced by update_display_data leave the page: purge them (plotly's resize listeners).
    var all = window.__flowlabPlots = (window.__flowlabPlots || []).filter(function (g) {
      if (document.documentElement.contains(g)) return true;
      try { window.Plotly.purge(g); } catch (e) {}
      return false;
    });
    all.push(gd);
    window.Plotly.newPlot(gd, fig.data, fig.layout, fig.config).then(function () {
      if (fig.frames && fig.frames.length) return window.Plotly.addFrames(gd, fig.frames);
    });
    return true;
  }
  if (draw()) return;
  var timer = setInterval(function () {
    if (draw()) { clearInterval(timer); return; }
    var waited = Date.now() - start;
    if ((document.readyState === 'complete' && waited > 3000) || waited > 15000) {
      clearInterval(timer);
      var gd = document.getElementById(id);
      if (gd) { var note = document.createElement('div'); note.className = 'flowlab-plot-missing';
        note.style.cssText = 'font:12px sans-serif;color:#a00;padding:4px'; note.textContent = ${scriptJson(msg)}; gd.appendChild(note); }
    }
  }, 50);
})();</script>`;
}

/** Options of `figureHtml`. */
export interface HtmlOptions {
  /** Element id (default: a random `flowlab-plot-<uuid>`). */
  id?: string;
  /** Inline plotly.js in this HTML. */
  carry?: boolean;
  /** Base64 PNG shown until plotly.js draws (and where scripts never run). */
  png?: string;
}

/**
 * The note shown where a front end sanitised the figure's HTML (an untrusted notebook: scripts
 * and style attributes removed). Its `display:none` hides it wherever styles survive, and the
 * draw script replaces it with the plot, so only a sanitised page shows it: the figure's summary
 * (when no static image stands in for it) and how to get the interactive figure back.
 */
export function untrustedNote(spec: FigureSpec, { png = false }: { png?: boolean } = {}): string {
  const what = png ? 'Static image of the figure' : escapeHtml(summary(spec));
  return `<div class="flowlab-untrusted" style="display:none">${what}. Scripts did not run: the notebook is not trusted. `
    + 'Trust it (File → Trust Notebook) to draw the figure interactively.</div>';
}

/** The text/html of a figure: a sized div (holding the PNG fallback and the untrusted note), the carrier if asked, the draw script. */
export function figureHtml(spec: FigureSpec, { id = `flowlab-plot-${randomUUID()}`, carry = false, png }: HtmlOptions = {}): string {
  const height = typeof spec.layout.height === 'number' ? spec.layout.height : 450;
  const width = typeof spec.layout.width === 'number' ? `${spec.layout.width}px` : '100%';
  const img = png ? `<img class="flowlab-fallback" alt="${escapeHtml(summary(spec))}" style="max-width:100%;height:auto" src="data:image/png;base64,${png}">` : '';
  return `<div id="${id}" class="flowlab-plot" style="width:${width};min-height:${height}px;">${img}${untrustedNote(spec, { png: !!png })}</div>\n`
    + (carry ? carrierScript() + '\n' : '')
    + drawScript(spec, id);
}

/** One line describing the figure (text/plain): title, traces by type, axis titles. */
export function summary(spec: FigureSpec): string {
  const title = titleText(spec.layout.title);
  const counts = new Map<string, number>();
  for (const t of spec.data) counts.set(String(t.type ?? 'scatter'), (counts.get(String(t.type ?? 'scatter')) ?? 0) + 1);
  const traces = [...counts].map(([k, n]) => `${k}×${n}`).join(', ');
  const x = titleText((spec.layout.xaxis as Record<string, unknown> | undefined)?.title);
  const y = titleText((spec.layout.yaxis as Record<string, unknown> | undefined)?.title);
  const axes = x || y ? `; x: ${x || '-'}, y: ${y || '-'}` : '';
  const frames = spec.frames?.length ? `; ${spec.frames.length} frames` : '';
  return `Figure${title ? ` "${title}"` : ''}: ${spec.data.length} trace${spec.data.length === 1 ? '' : 's'} (${traces || 'none'})${axes}${frames}`;
}

function titleText(t: unknown): string {
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && typeof (t as { text?: unknown }).text === 'string') return (t as { text: string }).text;
  return '';
}

/** Minimal HTML escaping for text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Options of `renderBundle`. */
export interface BundleOptions extends HtmlOptions {}

/**
 * The MIME bundle of a figure (synchronous; no PNG unless given). By default the HTML carries
 * plotly.js when this session has not emitted it yet (or `inlinePlotly: 'always'`).
 * @example const bundle = renderBundle(fig);   // { 'application/vnd.plotly.v1+json', 'text/html', 'text/plain' }
 */
export function renderBundle(spec: FigureSpec, options: BundleOptions = {}): MimeBundle {
  const carry = options.carry ?? (settingsNow().inlinePlotly === 'always' || !carried);
  if (carry) carried = true;
  const bundle: MimeBundle = {
    [PLOTLY_MIME]: spec,
    'text/html': figureHtml(spec, { ...options, carry }),
    'text/plain': summary(spec),
  };
  if (options.png) bundle['image/png'] = options.png;
  return bundle;
}

/** A bundle that only loads plotly.js (for `init()` and for live figures' first output). */
export function carrierBundle(): MimeBundle {
  carried = true;
  const { version } = plotlySource();
  return { 'text/html': carrierScript(), 'text/plain': `plotly.js ${version} loaded (offline)` };
}
