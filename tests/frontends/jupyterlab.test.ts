/**
 * The flowlab kernel in JupyterLab's notebook (JupyterLab 4's own npm packages, assembled into
 * a page: tests/frontends/fixtures/jupyterlab/app.ts) on Debian's `jupyter server`, driven by
 * Chromium as a person would: keys typed into the CodeMirror 6 editor, Shift-Enter, Tab in
 * JupyterLab's completer (with its 1 s provider timeout), a stream, an error, a figure drawn as
 * SVG by the script of flowlab's HTML (JupyterLab runs scripts of trusted outputs), a display
 * updated in place; then Ctrl-S, reload, and the saved figure draws again (JupyterLab gives
 * cells ids, so the server's signature holds and the notebook reopens trusted).
 * The JupyterLab application itself (the Python `jupyterlab` package) is on PyPI only; see README.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../plot/browser.js';
import { outputDir } from '../plot/helpers.js';
import { offlineContext } from './offline.js';
import { assertTools, frontendEnv, pythonModuleMissing, skipWithout, waitFor, type FrontendEnv } from './env.js';
import { jupyterlabSkipReason, startLabServer, type LabServer } from './jupyterlab-page.js';

const missing = [chromiumSkipReason(), pythonModuleMissing(['jupyter_server'], 'jupyter-server'), await jupyterlabSkipReason()];
const skip = skipWithout(...missing);
const shots = outputDir('frontends');
let fe: FrontendEnv;
let server: LabServer;
let browser: Browser;
let page: Page;
let external: string[];

const NOTEBOOK = JSON.stringify({
  nbformat: 4, nbformat_minor: 5,
  metadata: { kernelspec: { name: 'flowlab', display_name: 'TypeScript (flowlab)', language: 'typescript' } },
  cells: [{ id: 'first', cell_type: 'code', source: '', metadata: {}, outputs: [], execution_count: null }],
});

before(async () => {
  if (skip) return;
  assertTools(...missing);
  fe = frontendEnv('flowlab-jupyterlab-');
  writeFileSync(join(fe.work, 'lab.ipynb'), NOTEBOOK);
  server = await startLabServer(fe);
  browser = await launchChromium();
  const offline = await offlineContext(browser);
  external = offline.external;
  page = await offline.context.newPage();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  fe?.dispose();
});

const kernelIdle = `(() => { const s = window.flowlabLab && window.flowlabLab.nb.context.sessionContext.session;
  return !!(s && s.kernel && s.kernel.status === 'idle'); })()`;

/** The code cells' prompts and output texts as shown. */
async function cells(): Promise<Array<{ prompt: string; text: string; stdout: number; stderr: number }>> {
  return page.evaluate(`Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell')).map((c) => ({
    prompt: c.querySelector('.jp-InputPrompt').textContent.trim(),
    text: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map((o) => o.innerText).join('\\n'),
    stdout: c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]').length,
    stderr: c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
  }))`) as Promise<Array<{ prompt: string; text: string; stdout: number; stderr: number }>>;
}

/** Types into the active cell's editor, presses Shift-Enter, waits for its prompt number. */
async function run(source: string, timeoutMs = 60_000) {
  const index = (await cells()).length - 1;
  await page.locator('.jp-Notebook .jp-CodeCell').nth(index).locator('.cm-content').click();
  await page.keyboard.type(source);
  await page.keyboard.press('Shift+Enter');
  await waitFor(`cell ${index} to finish`, async () => /^\[\d+\]:$/.test((await cells())[index]?.prompt ?? '') && await page.evaluate(kernelIdle) as boolean, { timeoutMs, last: async () => JSON.stringify(await cells()) });
  return { index, ...(await cells())[index] };
}

/** plotly figures in the page: SVG drawn, traces, first line's vertex y coordinates. */
async function figures(): Promise<Array<{ svg: boolean; traces: number; lineY: number[] }>> {
  return page.evaluate(`Array.from(document.querySelectorAll('.jp-OutputArea-output .js-plotly-plot')).map((gd) => {
    const path = gd.querySelector('.scatterlayer .trace path.js-line');
    return { svg: !!gd.querySelector('svg.main-svg'), traces: Array.isArray(gd.data) ? gd.data.length : 0,
      lineY: path ? (path.getAttribute('d').match(/[ML][^ML]+/g) || []).map((s) => Number(s.slice(1).split(',')[1])) : [] };
  })`) as Promise<Array<{ svg: boolean; traces: number; lineY: number[] }>>;
}

const opts = { skip, timeout: 180_000 };

test('JupyterLab notebook: the flowlab kernel starts; Shift-Enter runs cells; a stream and an error', opts, async () => {
  await page.goto(server.pageUrl('lab.ipynb'), { waitUntil: 'load' });
  await page.waitForSelector('.jp-Notebook .jp-CodeCell .cm-content', { timeout: 60_000 });
  await page.waitForFunction(kernelIdle, undefined, { timeout: 90_000, polling: 100 });
  const imp = await run("import * as fl from 'flowlab'");
  assert.equal(imp.prompt, '[1]:');
  const out = await run("console.log('hello from JupyterLab', 6 * 7)");
  assert.equal(out.stdout, 1);
  assert.match(out.text, /hello from JupyterLab 42/);
  const err = await run("throw new RangeError('lr must be positive')");
  assert.equal(err.stderr, 1);
  assert.match(err.text, /RangeError: lr must be positive/);
});

test('JupyterLab completer: Tab after `fl.tra` offers train within its 1 s timeout; Enter takes it, and it runs', opts, async () => {
  const index = (await cells()).length - 1;
  await page.locator('.jp-Notebook .jp-CodeCell').nth(index).locator('.cm-content').click();
  await page.keyboard.type('fl.tra');
  // A person presses Tab again when no list appears (the completer drops answers later than 1 s).
  const names = await waitFor('the completer list', async () => {
    if (!(await page.locator('.jp-Completer').isVisible())) await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
    const shown = await page.locator('.jp-Completer-item .jp-Completer-match').allInnerTexts();
    const text = await page.locator('.jp-Notebook .jp-CodeCell').nth(index).locator('.cm-content').innerText();
    return shown.length ? shown : text.trim() === 'fl.train' ? ['train'] : undefined;
  }, { timeoutMs: 30_000 });
  assert.ok(names.includes('train'), names.join(', '));
  if (await page.locator('.jp-Completer').isVisible()) await page.keyboard.press('Enter');
  await page.keyboard.type('.name');
  await page.keyboard.press('Shift+Enter');
  await waitFor('Out of fl.train.name', async () => /'train'/.test((await cells())[index]?.text ?? ''), { timeoutMs: 30_000 });
});

test('JupyterLab: a figure draws as SVG from flowlab\'s HTML; a display handle updates in place', opts, async () => {
  const fig = await run("fl.plot.lines({ step: [0, 1, 2], loss: [1, 0.5, 0.25] }, { y: 'loss' })", 90_000);
  assert.match(fig.prompt, /^\[\d+\]:$/);
  const [drawn] = await waitFor('the figure to draw', async () => { const f = await figures(); return f.length && f[0].svg ? f : undefined; }, { timeoutMs: 60_000 });
  assert.equal(drawn.traces, 1);
  const [y0, y1, y2] = drawn.lineY;
  assert.ok(Math.abs((y1 - y0) / (y2 - y1) - 2) < 0.02, `vertex spacing follows the data: ${drawn.lineY}`);
  const live = await run("const h = display(md('tick 0')); for (let t = 1; t <= 5; t++) { await new Promise((r) => setTimeout(r, 100)); h.update(md('tick ' + t)) }");
  assert.equal(live.text.trim(), 'tick 5');
  await page.screenshot({ path: join(shots, 'jupyterlab.png') });
});

test('JupyterLab: Ctrl-S, reload: the notebook reopens trusted and its figure draws again; nothing left 127.0.0.1', opts, async () => {
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/api/contents/lab.ipynb'), { timeout: 30_000 });
  await page.locator('.jp-Notebook').focus();
  await page.keyboard.press('Control+s');
  assert.equal((await saved).status(), 200);
  await page.reload({ waitUntil: 'load' });
  const again = await waitFor('the saved figure to draw after reload', async () => { const f = await figures(); return f.length && f[0].svg ? f : undefined; }, { timeoutMs: 60_000 });
  assert.equal(again[0].traces, 1);
  assert.deepEqual(external, [], 'no request left 127.0.0.1');
});
