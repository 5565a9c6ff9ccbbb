/**
 * MIME bundles: the three representations, plotly.js carried once per session, script-safe JSON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as plot from '../../src/plot/index.js';
import { JUPYTER_DISPLAY } from '../../src/runtime/display.js';
import { scriptJson, summary } from '../../src/plot/render.js';

const require = createRequire(import.meta.url);
const plotlyFile = readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');

test('bundle: plotly JSON + HTML + text/plain; plotly.js inlined only in the first figure', () => {
  plot.config({ staticImages: false, inlinePlotly: 'once' });
  plot.resetRenderSession();
  const fig = plot.lines({ step: [0, 1, 2], loss: [3, 2, 1] }, { y: 'loss', title: 'Loss' });
  const first = fig[JUPYTER_DISPLAY]() as Record<string, any>;
  const second = fig[JUPYTER_DISPLAY]() as Record<string, any>;
  assert.deepEqual(Object.keys(first).sort(), ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
  assert.deepEqual(JSON.parse(JSON.stringify(first['application/vnd.plotly.v1+json'])), JSON.parse(JSON.stringify(fig)));
  const marker = plotlyFile.slice(plotlyFile.length - 2000, plotlyFile.length - 1000);
  assert.ok(first['text/html'].includes(marker), 'first figure carries the plotly.js bundle');
  assert.ok(!second['text/html'].includes(marker), 'second figure does not');
  assert.ok(second['text/html'].length < 20_000);
  assert.equal(first['text/plain'], 'Figure "Loss": 1 trace (scatter×1); x: step (iterations), y: training loss');
  plot.config({ inlinePlotly: 'always' });
  assert.ok((fig[JUPYTER_DISPLAY]() as Record<string, any>)['text/html'].includes(marker), "inlinePlotly: 'always' carries it every time");
  plot.config({ inlinePlotly: 'once' });
});

test('scriptJson cannot close the script element or open an HTML comment', () => {
  const evil = { name: '</script><script>alert(1)</script><!--', s: '\u2028' };
  const out = scriptJson(evil);
  assert.ok(!/<\/script/i.test(out) && !out.includes('<!--') && !out.includes('\u2028'));
  assert.deepEqual(JSON.parse(out), evil, 'still the same JSON value');
});

test('summary counts traces by type and frames', () => {
  const s = summary({ data: [{ type: 'contour' }, { type: 'scatter' }, { type: 'scatter' }], layout: { title: { text: 'T' } }, frames: [{ data: [] }, { data: [] }] });
  assert.equal(s, 'Figure "T": 3 traces (contour×1, scatter×2); 2 frames');
});

test('config rejects unknown settings and bad values with the fix', () => {
  assert.throws(() => plot.config({ nope: 1 } as never), /unknown setting 'nope'. Known settings: staticImages/);
  assert.throws(() => plot.config({ staticImages: 'yes' as never }), /invalid value "yes" for 'staticImages'/);
});

test('static images are never attempted outside a notebook in auto mode, and never when Chromium is missing', async () => {
  plot.config({ staticImages: 'auto' });
  const fig = plot.lines({ step: [0, 1], loss: [1, 0] }, { y: 'loss' });
  const b = fig[JUPYTER_DISPLAY]();
  assert.ok(!(b instanceof Promise), 'no display hook → synchronous bundle, no Chromium');
  plot.config({ staticImages: true, chromium: '/nonexistent/chromium' });
  const c = fig[JUPYTER_DISPLAY]();
  assert.ok(!(c instanceof Promise) && !('image/png' in c), 'missing Chromium → plain bundle, no error');
  await assert.rejects(plot.save(fig, '/tmp/flowlab-never.png'), /apt-get install chromium/);
  plot.config({ staticImages: false, chromium: '/usr/bin/chromium' });
});
