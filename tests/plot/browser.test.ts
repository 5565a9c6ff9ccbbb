/**
 * Figures drawn by a real browser (Debian's Chromium via playwright-core): HTML outputs laid out
 * as nbconvert embeds them, plotly.js inlined once and shared; out-of-order carriers; a missing
 * carrier; a live figure's final state after a simulated front end applied every update.
 * Screenshots go to tests/output/plot/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import * as plot from '../../src/plot/index.js';
import { renderBundle } from '../../src/plot/render.js';
import { chromiumSkipReason, figureTraceCounts, figuresOnPage, launchChromium } from './browser.js';
import { outputDir } from './helpers.js';

const skip = chromiumSkipReason();
let browser: Browser;
before(async () => { if (!skip) browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** A page shaped like nbconvert's classic template: one output_subarea per output, require.js-style AMD globals present. */
function notebookPage(htmls: string[]): string {
  const cells = htmls.map((h, i) => `<div class="cell"><div class="prompt">Out[${i + 1}]:</div><div class="output_html rendered_html output_subarea output_execute_result">\n${h}\n</div></div>`).join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><script>window.define = function () { throw new Error('Mismatched anonymous define()'); }; window.define.amd = {}; window.module = undefined;</script></head><body>\n${cells}\n</body></html>`;
}

function figures() {
  const lines = plot.lines({ step: [0, 1, 2, 3], loss: [1, 0.5, 0.3, 0.2], sharpness: [1, 2, 3, 3.5] }, { y: ['loss', 'sharpness'] });
  const sharp = plot.sharpness({ step: [0, 10, 20], sharpness: [5, 15, 19] }, { lr: 0.1 });
  const rows = [];
  for (const b of [-1, 0, 1]) for (const a of [-1, 0, 1]) rows.push({ alpha: a, beta: b, loss: a * a + b * b });
  const land = plot.landscape2d(rows, { trajectory: [{ alpha: 1, beta: 1 }, { alpha: 0, beta: 0 }] });
  const race = plot.optimizerRace('rosenbrock', { gd: [[-2, 2], [-1, 1], [0, 0.5]], adam: [[-2, 2], [0, 0]] }, { resolution: 30 });
  return [lines, sharp, land, race];
}

test('nbconvert-style page: four figures, plotly.js inlined only in the first, each draws its traces', { skip }, async () => {
  plot.config({ staticImages: false, inlinePlotly: 'once' });
  plot.resetRenderSession();
  const bundles = figures().map((f) => renderBundle(f.toJSON()));
  const file = join(outputDir(), 'nbconvert-like.html');
  writeFileSync(file, notebookPage(bundles.map((b) => String(b['text/html']))));
  const report = await figureTraceCounts(file, { expect: 4, browser, screenshot: join(outputDir(), 'nbconvert-like.png') });
  assert.deepEqual(report.map((r) => r.traces), [2, 2, 2, 6]);
  assert.ok(report.every((r) => r.drawn && !r.missingPlotly));
  assert.deepEqual(report.slice(0, 2).map((r) => r.domTraces), [2, 2], 'SVG traces exist in the DOM');
  assert.deepEqual(report[1].points, [3, 2]);
});

test('a figure placed before the carrier (cells run out of order) waits and draws', { skip }, async () => {
  plot.resetRenderSession();
  const [a, b] = figures();
  const carrier = String(renderBundle(a.toJSON())['text/html']);
  const later = String(renderBundle(b.toJSON())['text/html']);
  const file = join(outputDir(), 'out-of-order.html');
  writeFileSync(file, notebookPage([later, carrier]));
  const report = await figureTraceCounts(file, { expect: 2, browser });
  assert.deepEqual(report.map((r) => [r.traces, r.drawn]), [[2, true], [2, true]]);
});

test('without any carrier the figure says how to fix it and keeps its PNG fallback', { skip }, async () => {
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
  const html = String(renderBundle(figures()[0].toJSON(), { carry: false, png })['text/html']);
  const file = join(outputDir(), 'no-carrier.html');
  writeFileSync(file, notebookPage([html]));
  const page = await browser.newPage();
  await page.goto('file://' + file);
  const [r] = await figuresOnPage(page, { timeoutMs: 15_000 });
  assert.equal(r.missingPlotly, true);
  assert.equal(r.traces, 0);
  assert.match(await page.textContent('.flowlab-plot-missing') ?? '', /Run fl\.plot\.init\(\)/);
  assert.equal(await page.locator('img.flowlab-fallback').count(), 1);
  await page.close();
});

test('fifty color values are drawn by plotly.js as fifty different (stroke, dash) lines (named and generated dashes)', { skip }, async () => {
  plot.resetRenderSession();
  const rows = Array.from({ length: 50 }, (_, k) => [0, 1, 2].map((step) => ({ g: `run ${k}`, step, loss: (k + 1) * (3 - step) }))).flat();
  const fig = plot.lines(rows, { y: 'loss', color: 'g' });
  const file = join(outputDir(), 'fifty-lines.html');
  writeFileSync(file, notebookPage([String(renderBundle(fig.toJSON())['text/html'])]));
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto('file://' + file);
  const [r] = await figuresOnPage(page);
  assert.equal(r.traces, 50);
  const drawn = await page.evaluate(`Array.from(document.querySelectorAll('.scatterlayer .trace path.js-line')).map((p) => {
    const cs = getComputedStyle(p); return cs.stroke + ' | ' + (p.style.strokeDasharray || cs.strokeDasharray); })`) as string[];
  assert.equal(drawn.length, 50, 'one SVG line per trace');
  assert.equal(new Set(drawn).size, 50, `every line differs in color or dash: ${drawn.join('; ')}`);
  await page.screenshot({ path: join(outputDir(), 'fifty-lines.png') });
  await page.close();
});

test('trace names cannot break out of the script element', { skip }, async () => {
  plot.resetRenderSession();
  const fig = plot.lines({ step: [0, 1], '</script><script>window.pwned=1</script>': [1, 2] }, { y: '</script><script>window.pwned=1</script>' });
  const file = join(outputDir(), 'escaping.html');
  writeFileSync(file, notebookPage([String(renderBundle(fig.toJSON())['text/html'])]));
  const page = await browser.newPage();
  await page.goto('file://' + file);
  const [r] = await figuresOnPage(page);
  assert.equal(r.traces, 1);
  assert.equal(await page.evaluate('typeof window.pwned'), 'undefined');
  await page.close();
});

test('live figure: a Jupyter-like front end applying every update shows the final state', { skip }, async () => {
  plot.resetRenderSession();
  const outputs: Array<{ html: string; id?: string; update?: boolean }> = [];
  const HOOK = Symbol.for('flowlab.display');
  (globalThis as any)[HOOK] = { display: (b: any, o: any = {}) => outputs.push({ html: String(b['text/html']), id: o.id, update: o.update }), clearOutput() {} };
  try {
    const view = plot.live((t: { step: number[]; loss: number[] }) => plot.lines(t, { y: 'loss' }), { throttleMs: 20 });
    const t = { step: [] as number[], loss: [] as number[] };
    for (let i = 0; i < 60; i++) {
      t.step.push(i); t.loss.push(Math.exp(-i / 20));
      view.update({ step: [...t.step], loss: [...t.loss] });
      const until = performance.now() + 2; while (performance.now() < until) { /* work */ }
    }
    await view.done();
  } finally { delete (globalThis as any)[HOOK]; }
  assert.ok(outputs.length >= 3);
  const page = await browser.newPage();
  await page.setContent('<html><body><div id="outputs"></div></body></html>');
  await page.evaluate(`window.applyOutput = function (html, id, update) {
    var el = update && id ? document.querySelector('[data-display-id="' + id + '"]') : null;
    if (!el) { el = document.createElement('div'); if (id) el.setAttribute('data-display-id', id); document.getElementById('outputs').appendChild(el); }
    el.innerHTML = html;
    Array.from(el.querySelectorAll('script')).forEach(function (old) {   // what Jupyter front ends do to run output scripts
      var s = document.createElement('script');
      Array.from(old.attributes).forEach(function (a) { s.setAttribute(a.name, a.value); });
      s.textContent = old.textContent;
      old.replaceWith(s);
    });
  }`);
  for (const o of outputs) await page.evaluate(`window.applyOutput(${JSON.stringify(o.html)}, ${JSON.stringify(o.id ?? null)}, ${!!o.update})`);
  const report = await figuresOnPage(page);
  assert.equal(report.length, 1, 'updates replaced the figure in place');
  assert.deepEqual(report[0].points, [60], 'the final state with all 60 points is shown');
  await page.screenshot({ path: join(outputDir(), 'live-final.png') });
  await page.close();
});

test('figures replaced by live updates are purged (no leaked plotly resize handlers)', { skip }, async () => {
  plot.resetRenderSession();
  const carrier = String(renderBundle(figures()[0].toJSON())['text/html']);
  const page = await browser.newPage();
  await page.setContent('<html><body><div id="a"></div><div id="b"></div></body></html>');
  const put = (sel: string, html: string) => page.evaluate(`(() => { const el = document.querySelector(${JSON.stringify(sel)}); el.innerHTML = ${JSON.stringify(html)};
    Array.from(el.querySelectorAll('script')).forEach((old) => { const s = document.createElement('script'); s.textContent = old.textContent; old.replaceWith(s); }); })()`);
  await put('#a', carrier);
  for (let i = 1; i <= 5; i++) {
    await page.evaluate(`(window.__old = window.__old || []).push(...document.querySelectorAll('#b .js-plotly-plot'))`);
    await put('#b', String(renderBundle(plot.lines({ step: [0, i], loss: [1, 0] }, { y: 'loss' }).toJSON(), { carry: false })['text/html']));
  }
  const state = await page.evaluate(`({ registered: window.__flowlabPlots.length, live: window.__flowlabPlots.filter((g) => Array.isArray(g.data)).length,
    replaced: window.__old.length, purged: window.__old.filter((g) => g.data === undefined && !g._clearResponsive).length })`);
  assert.deepEqual(state, { registered: 2, live: 2, replaced: 4, purged: 4 }, 'replaced figures are purged; the two on the page are kept');
  await page.close();
});
