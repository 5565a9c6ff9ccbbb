/**
 * The report helpers of `flowlab reproduce` and `flowlab run`, on hand-written notebooks: claim
 * lines are found exactly where a reader would find them, figures are the plotly outputs, the
 * HTML report carries every claim with its verdict, and -p values parse as documented.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notebookClaims, notebookFigures, reportHtml } from '../../src/lab/report.js';
import { parseParameters } from '../../src/cli/notebook-run.js';
import { UsageError } from '../../src/cli/args.js';
import { getReproduction, listReproductions, registerReproduction } from '../../src/cli/reproductions.js';

const PLOTLY = 'application/vnd.plotly.v1+json';
const nb = {
  cells: [
    { cell_type: 'markdown', source: '# t\nPASS: not an output' },
    { cell_type: 'code', outputs: [{ output_type: 'stream', name: 'stdout', text: 'loss 0.1\nPASS: sharpness at 2/η\n' }] },
    { cell_type: 'code', outputs: [
      { output_type: 'stream', name: 'stderr', text: 'FAIL: on stderr, not a claim\n' },
      { output_type: 'display_data', data: { [PLOTLY]: { data: [{ type: 'scatter', x: [1], y: [2] }], layout: { title: { text: 'Fig <A>' } } }, 'text/plain': 'x' } },
    ] },
    { cell_type: 'code', outputs: [
      { output_type: 'execute_result', data: { [PLOTLY]: { data: [], layout: {} } } },
      { output_type: 'stream', name: 'stdout', text: ['PASS: a\n', 'FAIL: b <c>\n', '  PASS:   padded  \n'] },
    ] },
  ],
};

test('notebookClaims: stdout lines starting with PASS:/FAIL:, in order, with their cell', () => {
  assert.deepEqual(notebookClaims(nb), [
    { status: 'PASS', text: 'sharpness at 2/η', cell: 1 },
    { status: 'PASS', text: 'a', cell: 3 },
    { status: 'FAIL', text: 'b <c>', cell: 3 },
    { status: 'PASS', text: 'padded', cell: 3 },
  ]);
  assert.throws(() => notebookClaims({} as never), /nb must be an nbformat 4 notebook/);
});

test('notebookFigures: every plotly output, numbered in order', () => {
  const figs = notebookFigures(nb);
  assert.deepEqual(figs.map((f) => [f.cell, f.index]), [[2, 0], [3, 1]]);
  assert.match(figs[0].title, /Fig <A>/);
});

test('reportHtml: each claim with its verdict (escaped), figures drawn, plotly inlined once', () => {
  const entry = { name: 'demo', notebook: 'notebooks/demo.ipynb', seconds: 1.5, claims: notebookClaims(nb), figures: notebookFigures(nb), errors: [] };
  const html = reportHtml([entry], { scale: 'quick', backend: 'wasm', started: new Date(0) });
  assert.match(html, /<span class="fail">FAIL<\/span>: b &lt;c&gt;/);
  assert.match(html, /<span class="pass">PASS<\/span>: sharpness at 2\/η/);
  assert.equal((html.match(/id="fig-demo-\d"/g) ?? []).length, 2);
  assert.match(html, /scale: <b>quick<\/b> · backend: <b>wasm<\/b>/);
  // One FAIL makes the notebook's row FAIL; plotly.js is carried once, not per figure.
  assert.match(html, /<td class="fail">FAIL<\/td>/);
  assert.equal(html.split('plotly.js v').length - 1, 1, 'plotly.js must be inlined exactly once (its banner appears once)');
});

test('parseParameters: JSON when it parses, else a string; bad pairs are usage errors', () => {
  assert.deepEqual(parseParameters(['steps=100', 'scale=paper', 'lr=0.02', 'flag=true', 'list=[1,2]', 's="x=y"', 'e=']), { steps: 100, scale: 'paper', lr: 0.02, flag: true, list: [1, 2], s: 'x=y', e: '' });
  assert.throws(() => parseParameters(['novalue']), (e: Error) => e instanceof UsageError && /key=value/.test(e.message));
  assert.throws(() => parseParameters(['1x=2']), /not a valid identifier/);
});

test('reproductions registry: known names resolve, unknown names list the choices, no overwrite', () => {
  assert.ok(listReproductions().some((r) => r.name === 'central-flow-gd'));
  assert.equal(getReproduction('central-flow-gd').file, 'central-flow-gd.ipynb');
  assert.throws(() => getReproduction('nope'), /choose one of: .*central-flow-gd/);
  assert.throws(() => registerReproduction({ name: 'quickstart', file: 'x.ipynb', paper: '' }), /already registered/);
});
