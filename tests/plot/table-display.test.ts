/**
 * Arquero tables display as HTML + text tables once src/plot is imported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import * as plot from '../../src/plot/index.js';
import { JUPYTER_DISPLAY } from '../../src/runtime/display.js';

test('arquero tables get a Jupyter display: first rows, column types, row count', () => {
  const t = aq.table({ step: Float64Array.from({ length: 25 }, (_, i) => i), name: Array.from({ length: 25 }, (_, i) => (i === 3 ? '<b>x</b>' : `r${i}`)), ok: Array.from({ length: 25 }, (_, i) => i % 2 === 0) });
  const display = (t as unknown as Record<symbol, () => Record<string, string>>)[JUPYTER_DISPLAY];
  assert.equal(typeof display, 'function', 'installed on ColumnTable.prototype');
  const b = display.call(t);
  const html = b['text/html'];
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 10, 'header + 10 rows');
  assert.match(html, /step<br><span[^>]*>float64<\/span>/);
  assert.match(html, /name<br><span[^>]*>string<\/span>/);
  assert.match(html, /ok<br><span[^>]*>boolean<\/span>/);
  assert.match(html, /25 rows × 3 columns \(first 10 shown\)/);
  assert.ok(html.includes('&lt;b&gt;x&lt;/b&gt;') && !html.includes('<b>x</b>'), 'cells are escaped');
  const lines = b['text/plain'].split('\n');
  assert.equal(lines.length, 1 + 10 + 1);
  assert.match(lines[0], /^step \(float64\)\s+name \(string\)\s+ok \(boolean\)$/);
  assert.equal(lines[11], '25 rows × 3 columns (first 10 shown)');
  const filtered = t.filter((d: any) => d.step >= 20);
  assert.match(display.call(filtered)['text/plain'], /5 rows × 3 columns$/, 'filters are respected');
  const small = plot.table(t, { rows: 2 })[JUPYTER_DISPLAY]();
  assert.equal((String(small['text/html']).match(/<tr>/g) ?? []).length, 3);
  assert.equal(plot.installTableDisplay(), true, 'idempotent');
  assert.throws(() => plot.table(t, { rows: -1 }), /`rows` must be a non-negative integer/);
});
