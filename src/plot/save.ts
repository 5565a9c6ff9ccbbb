/**
 * Exporting figures to files: .html (self-contained: plotly.js inlined, works offline), .json
 * (the plotly figure), and .svg / .png / .pdf rendered by Debian's Chromium through
 * playwright-core (plotly's own `Plotly.toImage` for SVG and PNG; Chromium's print for PDF).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { toImageUrl, toPdf } from './chromium.js';
import { figureHtml, escapeHtml, summary } from './render.js';
import type { FigureSpec } from './types.js';

/** Options of `save`. */
export interface SaveOptions {
  /** Width in CSS px (default: the figure's layout.width, else 800). */
  width?: number;
  /** Height in CSS px (default: the figure's layout.height, else 450). */
  height?: number;
  /** Pixel density of .png (2 = retina/print quality). Default 2. */
  scale?: number;
}

const FORMATS = ['.html', '.json', '.svg', '.png', '.pdf'];

function specOf(fig: FigureSpec): FigureSpec {
  if (!fig || !Array.isArray(fig.data)) throw new TypeError('plot.save: `fig` must be a figure (an object with `data` and `layout`, as fl.plot builders return).');
  const spec = JSON.parse(JSON.stringify(fig)) as FigureSpec;
  spec.layout ??= {};
  return spec;
}

/**
 * A complete HTML document drawing the figure with plotly.js inlined (no network needed).
 * @example writeFileSync('fig.html', fl.plot.standaloneHtml(fig));
 */
export function standaloneHtml(fig: FigureSpec): string {
  const spec = specOf(fig);
  const title = escapeHtml(summary(spec));
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body style="margin:0">\n${figureHtml(spec, { id: 'flowlab-figure', carry: true })}\n</body></html>\n`;
}

/**
 * Saves a figure; the format follows the extension. Returns the absolute path written.
 * .html/.json need nothing else; .svg/.png/.pdf need Chromium (`apt-get install chromium`).
 * @example await fl.plot.save(fig, 'figures/sharpness.pdf')
 */
export async function save(fig: FigureSpec, path: string, { width, height, scale = 2 }: SaveOptions = {}): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('plot.save: `path` must be a file path ending in .html, .json, .svg, .png or .pdf.');
  const ext = extname(path).toLowerCase();
  if (!FORMATS.includes(ext)) throw new Error(`plot.save: cannot save '${path}': the extension must be one of ${FORMATS.join(', ')}; got '${ext || '(none)'}'.`);
  const spec = specOf(fig);
  const out = resolve(path);
  let bytes: string | Uint8Array;
  if (ext === '.html') bytes = standaloneHtml(spec);
  else if (ext === '.json') bytes = JSON.stringify(spec);
  else if (ext === '.pdf') bytes = await toPdf(spec, { width, height });
  else {
    const url = await toImageUrl(spec, { format: ext === '.svg' ? 'svg' : 'png', width, height, scale: ext === '.png' ? scale : 1 });
    const payload = url.slice(url.indexOf(',') + 1);
    bytes = /;base64,/.test(url.slice(0, url.indexOf(',') + 1)) ? Buffer.from(payload, 'base64') : decodeURIComponent(payload);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  return out;
}
