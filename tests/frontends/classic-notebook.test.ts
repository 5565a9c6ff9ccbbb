/**
 * The flowlab kernel in the classic Notebook UI (Debian's `jupyter notebook`, Notebook 6), driven
 * by Debian's Chromium as a person would: New → TypeScript (flowlab) from the file browser, cells
 * typed into the editor and run with Shift-Enter, Tab completion, Shift-Tab inspection, the ■
 * button and the Kernel menu, rename, save and reload. What the tests read is what the page
 * shows: prompts, output areas, SVG drawn by plotly, the trust indicator. No request leaves
 * 127.0.0.1 (plotly.js travels inside flowlab's output, no CDN). Screenshots: tests/output/frontends/.
 *
 * On reload: Notebook 6 (and nbclassic) send cells created in the page without the `id` that
 * nbformat ≥ 5.1 requires; the server signs the notebook, then nbformat adds random ids while
 * writing it, so the stored signature never matches the file and the notebook reopens untrusted
 * (jupyter/nbclassic#275; Debian bookworm ships Notebook 6.4.12 with nbformat 5.5). The test
 * therefore checks what a user then sees: every figure shows its static PNG and flowlab's note,
 * File → Trust Notebook draws them again, and the trust holds on the next reload.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium, startClassicNotebook, type NotebookServer } from '../plot/browser.js';
import { outputDir } from '../plot/helpers.js';
import { offlineContext } from './offline.js';
import { assertTools, frontendEnv, pythonModuleMissing, skipWithout, type FrontendEnv } from './env.js';
import { cellView, clickMenu, clickToolbar, codeCells, confirmDialog, runCell, trustIndicator, typeAndRun, typeInLastCell, waitCellDone, waitKernelBusy, waitKernelIdle } from './notebook-page.js';
import { figureViews, recordOutputTexts, waitFiguresDrawn } from './figures-on-page.js';

const missing = [chromiumSkipReason(), pythonModuleMissing(['notebook'], 'jupyter-notebook')];
const skip = skipWithout(...missing);
const shots = outputDir('frontends');
let fe: FrontendEnv;
let server: NotebookServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let external: string[];

before(async () => {
  if (skip) return;
  assertTools(...missing);
  fe = frontendEnv();
  server = await startClassicNotebook(fe.work, { env: fe.env });
  browser = await launchChromium();
  ({ context, external } = await offlineContext(browser));
});
after(async () => {
  await browser?.close();
  await server?.stop();
  fe?.dispose();
});

const opts = { skip, timeout: 120_000 };

test('File browser: New → TypeScript (flowlab) opens a notebook whose kernel starts and goes idle', opts, async () => {
  const tree = await context.newPage();
  await tree.goto(`${server.url}/tree?token=${server.token}`, { waitUntil: 'load' });
  await tree.locator('#new-dropdown-button').click();
  const item = tree.locator('#kernel-flowlab a');
  assert.equal((await item.innerText()).trim(), 'TypeScript (flowlab)');
  [page] = await Promise.all([context.waitForEvent('page'), item.click()]);
  await page.waitForLoadState('load');
  await waitKernelIdle(page);
  assert.equal((await page.locator('.kernel_indicator_name').innerText()).trim(), 'TypeScript (flowlab)');
  await tree.close();
  // Rename it as a person does: click the title, type the name, press Rename.
  await page.locator('#notebook_name').click();
  const input = page.locator('.modal-dialog input');
  await input.fill('frontends');
  await confirmDialog(page, 'Rename');
  await page.waitForFunction(`document.querySelector('#notebook_name')?.textContent.trim() === 'frontends'`, undefined, { timeout: 10_000 });
});

test('Shift-Enter runs typed cells: execute counts, a stream, an error', opts, async () => {
  const imp = await runCell(page, "import * as fl from 'flowlab'");
  assert.equal(imp.prompt, 'In [1]:');
  assert.equal(imp.outputs, 0);
  // Every figure gets a static PNG (shown where the notebook is not trusted), whatever the load.
  const cfg = await runCell(page, 'fl.plot.config({ staticImages: true }).staticImages');
  assert.equal(cfg.prompt, 'In [2]:');
  assert.match(cfg.text, /Out\[2\]:\s*true/);
  const stream = await runCell(page, "const k = 41; console.log('hello from flowlab', k + 1)");
  assert.equal(stream.prompt, 'In [3]:');
  assert.equal(stream.streams, 1);
  assert.match(stream.text, /hello from flowlab 42/);
  const error = await runCell(page, "throw new RangeError('lr must be positive')");
  assert.equal(error.prompt, 'In [4]:');
  assert.equal(error.errors, 1);
  assert.match(error.text, /RangeError: lr must be positive/);
  const after = await runCell(page, 'k * 2');
  assert.match(after.text, /Out\[5\]:\s*82/, 'the kernel survives the error and keeps k');
});

test('Tab after `fl.` lists the library; the chosen name goes into the cell; the figure draws as SVG', opts, async () => {
  const i = await typeInLastCell(page, 'fl.');
  await page.keyboard.press('Tab');
  const options = page.locator('#complete select option');
  await options.first().waitFor({ timeout: 30_000 });
  const names = await options.allInnerTexts();
  for (const name of ['plot', 'optim', 'train', 'landscape', 'flows', 'tf']) assert.ok(names.includes(name), `completions after fl. include ${name}: ${names.join(', ')}`);
  // Walk down to `plot` with the arrow keys and take it with Enter.
  const selected = await page.locator('#complete select').evaluate((el) => (el as unknown as { selectedIndex: number }).selectedIndex);
  for (let n = selected; n < names.indexOf('plot'); n++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('#complete').waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal((await cellView(page, i)).source, 'fl.plot');
  await page.keyboard.type(".lines({ step: [0, 1, 2], loss: [1, 0.5, 0.25] }, { y: 'loss' })");
  await page.keyboard.press('Shift+Enter');
  const cell = await waitCellDone(page, i, 90_000);
  assert.match(cell.prompt, /In \[\d+\]:/);
  const [fig] = await waitFiguresDrawn(page, 1, { cell: i });
  assert.equal(fig.traces, 1);
  assert.ok(fig.svg, 'plotly drew an <svg class="main-svg">');
  // The drawn line's vertices are linear in the data: (y(1) − y(0.5)) / (y(0.5) − y(0.25)) = 0.5 / 0.25.
  assert.equal(fig.lineY.length, 3, `three vertices: ${fig.lineY}`);
  const [y0, y1, y2] = fig.lineY;
  assert.ok(Math.abs((y1 - y0) / (y2 - y1) - 2) < 0.02, `vertex spacing follows the data: ${fig.lineY}`);
  assert.ok(y0 < y1 && y1 < y2, 'loss falls: the line goes down the screen');
  await page.screenshot({ path: join(shots, 'classic-notebook-figure.png'), fullPage: true });
});

test('Shift-Tab shows the signature and doc comment of fl.train', opts, async () => {
  const i = await typeInLastCell(page, 'fl.train');
  await page.keyboard.press('Shift+Tab');
  const tip = page.locator('#tooltip .tooltiptext');
  await page.waitForFunction(`(() => { var t = document.querySelector('#tooltip'); return !!t && t.offsetParent !== null && /train/.test(t.textContent); })()`, undefined, { timeout: 30_000, polling: 100 });
  const text = await tip.innerText();
  assert.match(text, /train\(problem: Problem, optimizer: GradientTransformation/);
  assert.match(text, /Trains `?problem`? with `?optimizer`?/);
  await page.keyboard.press('Escape');   // closes the tooltip
  // Empty the cell again (select all, delete) for the next test.
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Backspace');
  assert.equal((await cellView(page, i)).source, '');
});

test('a display handle updates its output in place while the cell runs', opts, async () => {
  const i = (await codeCells(page).count()) - 1;
  const seen = await recordOutputTexts(page, i);
  await typeAndRun(page, "const h = display(md('tick 0')); for (let t = 1; t <= 5; t++) { await new Promise((r) => setTimeout(r, 250)); h.update(md('tick ' + t)) }");
  const done = await waitCellDone(page, i);
  assert.equal(done.outputs, 1, 'one output, replaced in place');
  assert.equal(done.text.trim(), 'tick 5');
  const texts = await seen();
  assert.ok(texts.some((t) => /tick [0-4]/.test(t)), `earlier states were shown while it ran: ${JSON.stringify(texts)}`);
});

test('a progress bar fills in place and ends at 100%', opts, async () => {
  const i = (await codeCells(page).count()) - 1;
  const seen = await recordOutputTexts(page, i);
  await typeAndRun(page, "const bar = fl.lab.progress(20, { label: 'steps', maxRate: 50 }); for (let s = 1; s <= 20; s++) { await new Promise((r) => setTimeout(r, 40)); bar.update(s) } bar.close()");
  const done = await waitCellDone(page, i);
  assert.equal(done.outputs, 1);
  assert.match(done.text, /steps 100% 20\/20/);
  const width = await codeCells(page).nth(i).locator('.output_area div[style*="background"]').evaluate((el) => (el as unknown as { style: { width: string } }).style.width);
  assert.equal(parseFloat(width), 100, `the bar is full: width ${width}`);
  const texts = await seen();
  assert.ok(texts.some((t) => /steps (\d|[1-9]\d)% /.test(t) && !/100%/.test(t)), `partial progress was shown: ${JSON.stringify(texts)}`);
});

test('■ interrupts `while (true) {}`; Kernel → Interrupt stops an awaited loop; state is kept', opts, async () => {
  const i = await typeAndRun(page, 'while (true) {}');
  await waitKernelBusy(page);
  await page.waitForFunction(`/In\\s*\\[\\*\\]/.test(document.querySelectorAll('#notebook-container .cell.code_cell')[${i}]?.querySelector('.input_prompt')?.textContent ?? '')`, undefined, { timeout: 10_000 });
  await clickToolbar(page, 'interrupt-kernel');
  const stopped = await waitCellDone(page, i, 30_000);
  assert.equal(stopped.errors, 1);
  assert.match(stopped.text, /KeyboardInterrupt/);
  const j = await typeAndRun(page, 'let ticks = 0; while (true) { ticks++; await new Promise((r) => setTimeout(r, 10)) }');
  await waitKernelBusy(page);
  await clickMenu(page, 'Kernel', 'Interrupt');
  const stopped2 = await waitCellDone(page, j, 30_000);
  assert.match(stopped2.text, /KeyboardInterrupt/);
  const kept = await runCell(page, 'k + 1');
  assert.match(kept.text, /Out\[\d+\]:\s*42/, 'k survived both interrupts');
});

test('Kernel → Restart (confirmed) clears the state and the counter; figures draw in the new kernel', opts, async () => {
  await clickMenu(page, 'Kernel', 'Restart');
  await confirmDialog(page, 'Restart');
  await waitKernelIdle(page);
  const gone = await runCell(page, 'typeof k');
  assert.equal(gone.prompt, 'In [1]:');
  assert.match(gone.text, /Out\[1\]:\s*'undefined'/);
  await runCell(page, "import * as fl from 'flowlab'");
  await runCell(page, 'fl.plot.config({ staticImages: true }).staticImages');
  const fig = await runCell(page, 'fl.plot.sharpness({ step: [0, 5, 10], sharpness: [1, 8, 9.9] }, { lr: 0.2 })', 90_000);
  const [drawn] = await waitFiguresDrawn(page, 1, { cell: fig.index });
  assert.ok(drawn.svg && drawn.traces >= 1);
});

test('save, reload: every figure is shown again (static PNG where untrusted; drawn once trusted, and the trust holds)', opts, async (t) => {
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/api/contents/frontends.ipynb'), { timeout: 30_000 });
  await clickToolbar(page, 'save-notebook');
  assert.equal((await saved).status(), 200);
  await page.waitForFunction(`!/unsaved/.test(document.querySelector('.autosave_status')?.textContent ?? 'unsaved')`, undefined, { timeout: 10_000 });
  // The page rebuilds its header after 'load': until then the element is missing, and a predicate
  // that throws ends the wait at once instead of polling again.
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(`/Trusted/.test(document.querySelector('#notification_trusted')?.textContent ?? '')`, undefined, { timeout: 30_000 });
  const trust = await trustIndicator(page);
  t.diagnostic(`the reopened notebook says: ${trust}`);
  if (trust === 'Not Trusted') {
    // What Notebook 6 does with cells created in the page (see the file comment): scripts are off,
    // so each figure must stand on its static image and say how to draw it.
    const views = await figureViews(page);
    assert.equal(views.length, 2, 'both figures are in the reopened notebook');
    for (const v of views) {
      assert.ok(v.imageWidth > 300, `the static PNG shows (naturalWidth ${v.imageWidth})`);
      assert.match(v.note, /not trusted.*Trust Notebook/);
      assert.equal(v.svg, false, 'no script ran');
    }
    await page.locator('.output_subarea:has(img.flowlab-fallback)').first().screenshot({ path: join(shots, 'classic-notebook-untrusted.png') });
    await page.locator('#notification_trusted').click();
    await Promise.all([page.waitForEvent('load'), confirmDialog(page, 'Trust')]);
  }
  const drawn = await waitFiguresDrawn(page, 2);
  assert.deepEqual(drawn.map((d) => [d.svg, d.traces > 0, d.note]), [[true, true, ''], [true, true, '']]);
  assert.equal(await trustIndicator(page), 'Trusted');
  await page.reload({ waitUntil: 'load' });
  const again = await waitFiguresDrawn(page, 2);
  assert.equal(again.length, 2);
  assert.equal(await trustIndicator(page), 'Trusted', 'the trust is kept on the next reload');
  await page.screenshot({ path: join(shots, 'classic-notebook-reloaded.png'), fullPage: true });
  assert.deepEqual(external, [], 'no request left 127.0.0.1');
});
