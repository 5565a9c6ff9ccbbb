/**
 * Export: .png (signature, IHDR size = size × scale), .svg (parses as XML, one group per trace),
 * .pdf (header, trailer, page size), .html (draws offline with every network request blocked),
 * .json (round trip); and the static PNG attached to a displayed figure.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as plot from '../../src/plot/index.js';
import { JUPYTER_DISPLAY } from '../../src/runtime/display.js';
import { chromiumSkipReason, figuresOnPage, launchChromium } from './browser.js';
import { outputDir } from './helpers.js';

const skip = chromiumSkipReason();
after(async () => { await plot.closeBrowser(); });

const fig = () => plot.sharpness({ step: [0, 50, 100], sharpness: [10, 150, 199] }, { lr: 0.01 });

test('save .png: PNG signature and IHDR dimensions = size × scale', { skip }, async () => {
  const path = await plot.save(fig(), join(outputDir(), 'export.png'), { width: 400, height: 300, scale: 2 });
  const b = readFileSync(path);
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(b.subarray(12, 16).toString('latin1'), 'IHDR');
  assert.deepEqual([b.readUInt32BE(16), b.readUInt32BE(20)], [800, 600]);
});

test('save .svg / .pdf / .html / .json', { skip }, async () => {
  const dir = outputDir();
  const svg = readFileSync(await plot.save(fig(), join(dir, 'export.svg'), { width: 500, height: 320 }), 'utf8');
  const pdf = readFileSync(await plot.save(fig(), join(dir, 'export.pdf'), { width: 400, height: 300 }));
  const html = await plot.save(fig(), join(dir, 'export.html'));
  const json = JSON.parse(readFileSync(await plot.save(fig(), join(dir, 'export.json')), 'utf8'));
  assert.deepEqual(json, JSON.parse(JSON.stringify(fig())));
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(pdf.subarray(pdf.length - 32).toString('latin1'), /%%EOF\s*$/);
  const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
  assert.ok(box, 'the PDF declares a MediaBox');
  assert.deepEqual([Math.round(Number(box[1])), Math.round(Number(box[2]))], [300, 225], '400 × 300 px = 300 × 225 pt');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const parsed = await page.evaluate(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(svg)}, 'image/svg+xml');
      const root = doc.documentElement;
      return { error: doc.getElementsByTagName('parsererror').length, root: root.nodeName, width: root.getAttribute('width'),
        traces: doc.querySelectorAll('g.trace').length };
    })()`) as { error: number; root: string; width: string; traces: number };
    assert.deepEqual(parsed, { error: 0, root: 'svg', width: '500', traces: 2 });
    let external = 0;
    await page.route('**/*', (route) => { if (route.request().url().startsWith('file:')) return route.continue(); external++; return route.abort(); });
    await page.goto('file://' + html);
    const [r] = await figuresOnPage(page);
    assert.equal(r.traces, 2, 'the self-contained HTML draws offline');
    assert.equal(external, 0, 'and asks the network for nothing');
  } finally {
    await browser.close();
  }
  await assert.rejects(plot.save(fig(), join(dir, 'export.gif')), /extension must be one of \.html, \.json, \.svg, \.png, \.pdf; got '\.gif'/);
});

test('displayed figure gets a static PNG (bundle and HTML fallback) when static images are on', { skip }, async () => {
  plot.config({ staticImages: true });
  try {
    const out = fig()[JUPYTER_DISPLAY]();
    assert.ok(out instanceof Promise, 'asynchronous when a PNG is rendered');
    const b = await out as Record<string, string>;
    const png = Buffer.from(b['image/png'], 'base64');
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [800, 420], 'layout height 420, default width 800');
    assert.ok(b['text/html'].includes(`<img class="flowlab-fallback"`) && b['text/html'].includes(b['image/png'].slice(0, 200)));
  } finally {
    plot.config({ staticImages: false });
  }
});

test("auto static images never hold a display past its budget and switch off after 3 late ones", { skip }, async () => {
  const { resetStaticImages, staticImagesDisabledReason } = await import('../../src/plot/static-image.js');
  const HOOK = Symbol.for('flowlab.display');
  (globalThis as any)[HOOK] = { display() {}, clearOutput() {} };
  const stderr = process.stderr.write;
  let warned = '';
  process.stderr.write = ((s: string) => { warned += s; return true; }) as typeof process.stderr.write;
  try {
    await plot.closeBrowser();
    resetStaticImages();
    plot.config({ staticImages: 'auto', firstImageBudgetMs: 1, imageBudgetMs: 1 });
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const b = await fig()[JUPYTER_DISPLAY]() as Record<string, unknown>;
      assert.ok(performance.now() - t0 < 1500, 'display not held by a cold browser (which takes seconds to start)');
      assert.equal(b['image/png'], undefined);
    }
    assert.match(staticImagesDisabledReason() ?? '', /3 static images in a row missed/);
    assert.match(warned, /static PNG fallbacks switched off/);
    assert.ok(!(fig()[JUPYTER_DISPLAY]() instanceof Promise), 'off for the rest of the session');
  } finally {
    process.stderr.write = stderr;
    delete (globalThis as any)[HOOK];
    plot.config({ staticImages: false, firstImageBudgetMs: 5000, imageBudgetMs: 1500 });
    resetStaticImages();
  }
});
