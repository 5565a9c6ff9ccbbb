/**
 * The offline plotly.js bundle (the `plotly.js-dist-min` package's minified file), read once and
 * made safe to inline inside an HTML `<script>` element.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: { source: string; version: string } | undefined;

/** Path of plotly.min.js as resolved from this package. */
export function plotlyPath(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('plotly.js-dist-min/plotly.min.js');
  } catch {
    throw new Error("plot: cannot find the 'plotly.js-dist-min' package (plotly.min.js). Reinstall flowlab's dependencies with `npm install`.");
  }
}

/**
 * The plotly.js source, escaped for inlining: `</script` can never end the script element early.
 * @returns `{ source, version }` (version read from the bundle's banner, e.g. "4.1.2").
 */
export function plotlySource(): { source: string; version: string } {
  if (!cached) {
    const raw = readFileSync(plotlyPath(), 'utf8');
    const version = /plotly\.js v(\d+\.\d+\.\d+)/.exec(raw.slice(0, 400))?.[1] ?? 'unknown';
    cached = { source: raw.replace(/<\/(script)/gi, '<\\/$1'), version };
  }
  return cached;
}
