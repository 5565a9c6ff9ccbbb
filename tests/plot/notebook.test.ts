/**
 * Real front ends, without waiting for the flowlab kernel: flowlab's MIME bundles (recorded
 * through the display hook exactly as the kernel would receive them) are replayed by an ipykernel
 * notebook in the classic Notebook UI served on loopback, driven by Debian's Chromium. Checks:
 * live, each figure draws its traces (plotly.js carried once) and the live figure, updated 30
 * times through update_display_data, shows its final state; the notebook is then saved,
 * reopened (its stored outputs draw again), and nbconvert's HTML of it draws the same figures offline. Screenshots: tests/output/plot/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import * as plot from '../../src/plot/index.js';
import { chromiumSkipReason, classicNotebookSkipReason, figureTraceCounts, launchChromium, nbconvertHtml, reopenInClassicNotebook, runInClassicNotebook, startClassicNotebook, type NotebookServer } from './browser.js';
import { outputDir } from './helpers.js';

const skip = chromiumSkipReason() ?? await classicNotebookSkipReason();
const HOOK = Symbol.for('flowlab.display');
type Rec = { bundle: Record<string, unknown>; id?: string; update?: boolean };
let browser: Browser;
let server: NotebookServer | undefined;
const dir = join(outputDir(), 'notebook');

/** Display records per cell, captured through the runtime display hook. */
async function record(): Promise<Rec[][]> {
  plot.config({ staticImages: false });
  plot.resetRenderSession();
  const cells: Rec[][] = [[], [], []];
  let cell = 0;
  (globalThis as any)[HOOK] = { display: (bundle: any, o: any = {}) => cells[cell].push({ bundle, id: o.id, update: o.update }), clearOutput() {} };
  try {
    await plot.show(plot.lines({ step: [0, 1, 2], loss: [1, 0.5, 0.25], sharpness: [2, 3, 4] }, { y: ['loss', 'sharpness'] }));
    cell = 1;
    await plot.show(plot.sharpness({ step: [0, 5, 10], sharpness: [1, 8, 9.9] }, { lr: 0.2 }));
    cell = 2;
    const view = plot.live((t: { step: number[]; loss: number[] }) => plot.lines(t, { y: 'loss' }), { throttleMs: 0 });
    const t = { step: [] as number[], loss: [] as number[] };
    for (let i = 0; i < 30; i++) { t.step.push(i); t.loss.push(1 / (i + 1)); view.update({ step: [...t.step], loss: [...t.loss] }); }
    await view.done();
  } finally { delete (globalThis as any)[HOOK]; }
  return cells;
}

function notebook(): string {
  const code = (src: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: src });
  return JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: [
      code("import json, time\nfrom IPython.display import display, update_display\nrecords = json.load(open('records.json'))\n"
        + "def replay(cell):\n    for r in records[cell]:\n        if r.get('update'):\n            time.sleep(0.02)\n            update_display(r['bundle'], raw=True, display_id=r['id'])\n"
        + "        elif r.get('id'):\n            display(r['bundle'], raw=True, display_id=r['id'])\n        else:\n            display(r['bundle'], raw=True)"),
      code('replay(0)'), code('replay(1)'), code('replay(2)'),
    ].map((c, i) => ({ ...c, id: `cell-${i}` })),
  });
}

before(async () => {
  if (skip) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'records.json'), JSON.stringify(await record()));
  writeFileSync(join(dir, 'figures.ipynb'), notebook());
  browser = await launchChromium();
  server = await startClassicNotebook(dir);
});
after(async () => { await server?.stop(); await browser?.close(); });

test('classic Notebook UI: figures draw live, the live figure ends in its final state; nbconvert HTML draws them too', { skip, timeout: 180_000 }, async () => {
  const live = await runInClassicNotebook(browser, server!, 'figures.ipynb', { expect: 3, screenshot: join(outputDir(), 'classic-notebook.png') });
  assert.deepEqual(live.map((r) => r.traces), [2, 2, 1]);
  assert.deepEqual(live[2].points, [30], 'live figure shows its final state (30 points)');
  assert.ok(live.every((r) => r.drawn && !r.missingPlotly));
  const reopened = await reopenInClassicNotebook(browser, server!, 'figures.ipynb', { expect: 3 });
  assert.deepEqual(reopened.map((r) => [r.traces, r.points.at(-1)]), [[2, 3], [2, 2], [1, 30]], 'the saved, reopened notebook draws from its stored outputs');
  const html = await nbconvertHtml(join(dir, 'figures.ipynb'));
  const converted = await figureTraceCounts(html, { expect: 3, browser, screenshot: join(outputDir(), 'nbconvert.png') });
  assert.deepEqual(converted.map((r) => r.traces), [2, 2, 1]);
  assert.deepEqual(converted[2].points, [30]);
});
