/**
 * A headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser
 * download) holding one page with plotly.js loaded, for static images and export.
 *
 * The browser starts on first use and closes itself after `idleMs` without use (2 s in scripts,
 * so a script that saved a figure exits promptly; 120 s inside a notebook), or on `closeBrowser()`.
 */
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, settingsNow } from './config.js';
import { inNotebook } from '../runtime/display.js';
import { plotlySource } from './plotly-source.js';
import type { FigureSpec } from './types.js';

/** Chromium flags: headless, sandbox-free (containers, root), no network chatter or first-run UI. */
export const CHROMIUM_ARGS = Object.freeze([
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
]);

let session: Promise<{ browser: Browser; page: Page }> | undefined;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let queue: Promise<unknown> = Promise.resolve();

/** The error thrown when Chromium is needed but absent; `what` says what needed it. */
export function chromiumMissing(what: string): Error {
  return new Error(`${what} needs a headless Chromium at ${settingsNow().chromium}, which does not exist. `
    + 'Install it with `apt-get install chromium` (Debian/Ubuntu), or point FLOWLAB_CHROMIUM / '
    + "fl.plot.config({ chromium: '/path/to/chromium' }) at one. Exports to .html and .json need no browser.");
}

/** Launches Chromium (or reuses the running one) with a page that has plotly.js loaded. */
async function open(): Promise<{ browser: Browser; page: Page }> {
  const { chromium } = await import('playwright-core');
  // Signals belong to the host: in the kernel SIGINT interrupts a cell, and playwright's own
  // handlers would instead close the browser and call process.exit(130). Chromium still exits
  // with this process, when its debugging pipe closes.
  const browser = await chromium.launch({
    executablePath: settingsNow().chromium, args: [...CHROMIUM_ARGS], headless: true,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0"></body></html>');
    await page.addScriptTag({ content: plotlySource().source });
    return { browser, page };
  } catch (err) {
    await browser.close().catch(() => undefined);
    throw err;
  }
}

/** Runs `task` with the shared page, one task at a time, and re-arms the idle timer. */
export function withPage<T>(what: string, task: (page: Page, browser: Browser) => Promise<T>): Promise<T> {
  if (!chromiumAvailable()) return Promise.reject(chromiumMissing(what));
  const run = queue.then(async () => {
    if (idleTimer) clearTimeout(idleTimer);
    session ??= open();
    let s: { browser: Browser; page: Page };
    try {
      s = await session;
    } catch (err) {
      session = undefined;
      throw err;
    }
    try {
      return await task(s.page, s.browser);
    } finally {
      idleTimer = setTimeout(() => void closeBrowser(), inNotebook() ? 120_000 : 2_000);
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Closes the shared browser now (safe to call when none is running).
 * @example await fl.plot.closeBrowser();   // free Chromium's memory now instead of after the idle timeout
 */
export async function closeBrowser(): Promise<void> {
  await queue; // a task still running would re-arm the idle timer after we close (the process then lingers)
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  const s = session;
  session = undefined;
  if (s) await s.then((x) => x.browser.close()).catch(() => undefined);
}

/** Size a figure renders at: its layout's width/height, else 800 × 450 px. */
export function figureSize(spec: FigureSpec, width?: number, height?: number): { width: number; height: number } {
  return {
    width: width ?? (typeof spec.layout.width === 'number' ? spec.layout.width : 800),
    height: height ?? (typeof spec.layout.height === 'number' ? spec.layout.height : 450),
  };
}

/**
 * Renders a figure with plotly's own `Plotly.toImage` in the shared page.
 * @returns a data URL (`data:image/png;base64,…` or `data:image/svg+xml,…`).
 */
export function toImageUrl(spec: FigureSpec, { format = 'png', width, height, scale = 1 }: { format?: 'png' | 'svg' | 'jpeg'; width?: number; height?: number; scale?: number } = {}): Promise<string> {
  const size = figureSize(spec, width, height);
  const fig = JSON.parse(JSON.stringify(spec)) as FigureSpec;
  return withPage(`A .${format} image of a figure`, (page) => page.evaluate(async ({ fig, size, format, scale }) => {
    const P = (window as unknown as { Plotly: any }).Plotly;
    const gd = document.createElement('div');
    document.body.appendChild(gd);
    try {
      const layout = { ...fig.layout, width: size.width, height: size.height };
      await P.newPlot(gd, fig.data, layout, { ...(fig.config ?? {}), staticPlot: true, responsive: false });
      return await P.toImage(gd, { format, width: size.width, height: size.height, scale });
    } finally {
      P.purge(gd);
      gd.remove();
    }
  }, { fig, size, format, scale }));
}

/** Renders a figure to PDF bytes: the SVG placed on a page of the figure's size, printed by Chromium. */
export async function toPdf(spec: FigureSpec, { width, height }: { width?: number; height?: number } = {}): Promise<Uint8Array> {
  const size = figureSize(spec, width, height);
  const svgUrl = await toImageUrl(spec, { format: 'svg', ...size });
  return withPage('A .pdf export of a figure', async (_page, browser) => {
    const page = await browser.newPage();
    try {
      await page.setContent(`<!doctype html><html><body style="margin:0"><img src="${svgUrl.replace(/"/g, '%22')}" style="display:block;width:${size.width}px;height:${size.height}px"></body></html>`);
      await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
      return await page.pdf({ width: `${size.width}px`, height: `${size.height}px`, printBackground: true, pageRanges: '1' });
    } finally {
      await page.close();
    }
  });
}
