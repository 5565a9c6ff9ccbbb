/**
 * Real-browser helpers for plot tests and for the kernel's interop tests: Debian's Chromium
 * driven by playwright-core (no browser download), and a function that reports, for every plotly
 * figure on a page (an nbconvert HTML file, or a live notebook UI URL), how many traces it drew.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.FLOWLAB_CHROMIUM || '/usr/bin/chromium';

/** Why browser tests must skip (Chromium missing), or undefined when they can run. */
export function chromiumSkipReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: install it with \`apt-get install chromium\``;
}

/** Launches headless Chromium with flowlab's flags. Close it when done. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** What a plotly figure on the page drew. */
export interface FigureReport {
  /** The figure element's id ('' when it has none). */
  id: string;
  /** Traces plotly holds for the figure (gd.data.length); 0 when it never drew. */
  traces: number;
  /** SVG `.trace` groups in the DOM (WebGL/3-D traces have none). */
  domTraces: number;
  /** Points per trace (x length, or z rows for grids). */
  points: number[];
  /** Whether plotly drew it. */
  drawn: boolean;
  /** Whether flowlab's "plotly.js is not loaded" note is shown. */
  missingPlotly: boolean;
}

/**
 * Waits until every plotly figure on `page` has drawn (or shows flowlab's missing-plotly note),
 * and at least `expect` figures exist, then reports them in document order.
 */
export async function figuresOnPage(page: Page, { expect = 1, timeoutMs = 30_000 }: { expect?: number; timeoutMs?: number } = {}): Promise<FigureReport[]> {
  // Page-side code is passed as source text: transpilers (tsx/esbuild keepNames) would otherwise
  // inject helpers such as __name that do not exist in the page.
  await page.waitForFunction(`(() => {
    const figs = Array.from(document.querySelectorAll('.flowlab-plot, .js-plotly-plot'));
    return figs.length >= ${Number(expect)} && figs.every((el) => el.classList.contains('js-plotly-plot')
      || !!el.querySelector('.js-plotly-plot') || !!el.querySelector('.flowlab-plot-missing'));
  })()`, undefined, { timeout: timeoutMs, polling: 100 });
  return page.evaluate(`(() => {
    const seen = new Set();
    const out = [];
    for (const el of Array.from(document.querySelectorAll('.flowlab-plot, .js-plotly-plot'))) {
      const gd = el.classList.contains('js-plotly-plot') ? el : (el.querySelector('.js-plotly-plot') || el);
      if (seen.has(gd)) continue;
      seen.add(gd);
      const data = Array.isArray(gd.data) ? gd.data : [];
      out.push({
        id: el.id || gd.id || '',
        traces: data.length,
        domTraces: gd.querySelectorAll('.trace').length,
        points: data.map((d) => (d.x ? d.x.length : d.z ? d.z.length : 0)),
        drawn: gd.classList.contains('js-plotly-plot'),
        missingPlotly: !!el.querySelector('.flowlab-plot-missing'),
      });
    }
    return out;
  })()`) as Promise<FigureReport[]>;
}

/**
 * Opens an HTML file path or URL (nbconvert output, a notebook UI page) and reports its figures;
 * optionally writes a full-page screenshot.
 * @example const figs = await figureTraceCounts('out/run.html', { expect: 3, screenshot: 'tests/output/run.png' })
 */
export async function figureTraceCounts(target: string, { expect = 1, timeoutMs = 30_000, screenshot, browser }: { expect?: number; timeoutMs?: number; screenshot?: string; browser?: Browser } = {}): Promise<FigureReport[]> {
  const own = !browser;
  const b = browser ?? await launchChromium();
  try {
    const page = await b.newPage({ viewport: { width: 1200, height: 900 } });
    const url = /^[a-z]+:\/\//i.test(target) ? target : pathToFileURL(resolve(target)).href;
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    const report = await figuresOnPage(page, { expect, timeoutMs });
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    return report;
  } finally {
    if (own) await b.close();
  }
}

/** A Jupyter (classic Notebook 6) server started for a test; `stop()` ends it and its kernels. */
export interface NotebookServer {
  url: string;
  token: string;
  dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolvePort, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const port = (srv.address() as { port: number }).port; srv.close(() => resolvePort(port)); });
  });
}

/** Why classic-Notebook tests must skip, or undefined when `python3 -m notebook` (Notebook 6) exists. */
export async function classicNotebookSkipReason(python = '/usr/bin/python3'): Promise<string | undefined> {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(python, ['-c', 'import notebook, ipykernel, nbconvert'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? undefined : `${python} lacks notebook/ipykernel/nbconvert: apt-get install jupyter-notebook python3-ipykernel jupyter-nbconvert`;
}

/**
 * Starts the classic Notebook server on loopback, serving `dir`, with a random token; resolves
 * once its REST API answers. `env` (default process.env) is the server's environment: its
 * JUPYTER_PATH decides the kernelspecs it offers, its JUPYTER_DATA_DIR where the notebook-signing
 * secret lives. Always call `stop()`.
 */
export async function startClassicNotebook(dir: string, { python = '/usr/bin/python3', timeoutMs = 60_000, env = process.env }: { python?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<NotebookServer> {
  const { spawn } = await import('node:child_process');
  const { randomBytes } = await import('node:crypto');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const runtime = mkdtempSync(resolve(tmpdir(), 'flowlab-jupyter-'));
  const child = spawn(python, ['-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', '--allow-root',
    `--NotebookApp.token=${token}`, `--NotebookApp.notebook_dir=${dir}`], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, JUPYTER_RUNTIME_DIR: runtime, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
  });
  let log = '';
  child.stderr!.on('data', (d) => { log = (log + String(d)).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null) { child.kill('SIGTERM'); }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Notebook server exited (code ${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/api/status?token=${token}`);
      if (res.ok) return { url, token, dir, stop };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`the Notebook server did not answer within ${timeoutMs} ms:\n${log}`);
}

/**
 * Opens `name` (relative to the server's folder) in the classic Notebook UI, runs all cells,
 * waits for every cell to finish and every figure to draw, optionally saves the notebook, and
 * reports the figures.
 */
export async function runInClassicNotebook(browser: Browser, server: NotebookServer, name: string, { expect = 1, timeoutMs = 90_000, screenshot, save = true }: { expect?: number; timeoutMs?: number; screenshot?: string; save?: boolean } = {}): Promise<FigureReport[]> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  try {
    await page.goto(`${server.url}/notebooks/${encodeURI(name)}?token=${server.token}`, { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForFunction(`!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected())`, undefined, { timeout: timeoutMs, polling: 200 });
    await page.evaluate(`Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells()`);
    await page.waitForFunction(`Jupyter.notebook.get_cells().filter(function (c) { return c.cell_type === 'code'; })
      .every(function (c) { return typeof c.input_prompt_number === 'number'; }) && !Jupyter.notebook.kernel_busy`, undefined, { timeout: timeoutMs, polling: 200 });
    const report = await figuresOnPage(page, { expect, timeoutMs });
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    if (save) await page.evaluate(`Jupyter.notebook.save_notebook()`);
    return report;
  } finally {
    await page.close();
  }
}

/**
 * Reopens a saved notebook in the classic Notebook UI without running it (as a user reopening a
 * trusted notebook would) and reports the figures its stored outputs draw.
 */
export async function reopenInClassicNotebook(browser: Browser, server: NotebookServer, name: string, { expect = 1, timeoutMs = 60_000, screenshot }: { expect?: number; timeoutMs?: number; screenshot?: string } = {}): Promise<FigureReport[]> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  try {
    await page.goto(`${server.url}/notebooks/${encodeURI(name)}?token=${server.token}`, { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForFunction(`!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded)`, undefined, { timeout: timeoutMs, polling: 200 });
    const report = await figuresOnPage(page, { expect, timeoutMs });
    if (screenshot) await page.screenshot({ path: screenshot });
    return report;
  } finally {
    await page.close();
  }
}

/** Converts a notebook to HTML with nbconvert (no execution); returns the HTML path. */
export async function nbconvertHtml(ipynb: string, { python = '/usr/bin/python3' }: { python?: string } = {}): Promise<string> {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(python, ['-m', 'nbconvert', '--to', 'html', ipynb], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  if (r.status !== 0) throw new Error(`nbconvert failed on ${ipynb}: ${r.stderr}`);
  return ipynb.replace(/\.ipynb$/, '.html');
}
