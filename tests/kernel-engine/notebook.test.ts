/**
 * runNotebook: a small notebook executed in-process, outputs in nbformat 4 shape, parameters
 * injected after the `parameters` cell, display updates and clear_output applied, stop at the
 * first error (or not, with allowErrors), a per-cell timeout that interrupts a runaway loop.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runNotebook } from '../../kernel/notebook/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlab-nb-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const code = (source: string, tags: string[] = []) => ({ cell_type: 'code', source, metadata: tags.length ? { tags } : {}, outputs: [], execution_count: null });
function notebook(name: string, cells: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  return path;
}

test('cells run in order with state, parameters, streams, results, display updates and clear_output', async () => {
  const path = notebook('basic.ipynb', [
    { cell_type: 'markdown', source: '# Title', metadata: {} },
    code('const steps = 3;\nconst label = "default";', ['parameters']),
    code('let acc = 0;\nfor (let i = 1; i <= steps; i++) acc += i;\nconsole.log("sum", acc);\nconsole.log("label", label);\nacc'),
    code('const h = display("first");\nh.update("second");'),
    code('console.log("gone");\nclearOutput({ wait: true });\nconsole.log("kept")'),
  ]);
  const { notebook: nb, errors } = await runNotebook(path, { parameters: { steps: 4, label: 'tuned' }, typecheck: 'off' });
  assert.deepEqual(errors, []);
  const cells = nb.cells as Array<{ cell_type: string; outputs?: Array<Record<string, unknown>>; execution_count?: number; metadata?: { tags?: string[] } }>;
  assert.deepEqual(cells[2].metadata?.tags, ['injected-parameters']);
  const sum = cells[3];
  assert.equal(sum.execution_count, 3);
  // 1 + 2 + 3 + 4 with the injected steps = 4
  assert.deepEqual(sum.outputs, [
    { output_type: 'stream', name: 'stdout', text: 'sum 10\nlabel tuned\n' },
    { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '10' }, metadata: {} },
  ]);
  assert.deepEqual(cells[4].outputs!.map((o) => (o.data as Record<string, unknown>)['text/plain']), ["'second'"]);
  assert.deepEqual(cells[5].outputs, [{ output_type: 'stream', name: 'stdout', text: 'kept\n' }]);
  const written = JSON.parse(readFileSync(join(dir, 'basic.executed.ipynb'), 'utf8'));
  assert.deepEqual(written.cells[3].outputs, sum.outputs);
});

test('stops at the first error unless allowErrors; type errors land in their cell', async () => {
  const path = notebook('errors.ipynb', [
    code('const n: number = "x";'),
    code('throw new Error("stop here")'),
    code('console.log("after")'),
  ]);
  const out = join(dir, 'errors.out.ipynb');
  const strict = await runNotebook(path, { outputPath: out, typecheck: 'wait' });
  assert.deepEqual(strict.errors.map((e) => [e.cell, e.ename, e.evalue]), [[1, 'Error', 'stop here']]);
  const cells = strict.notebook.cells as Array<{ outputs?: Array<Record<string, unknown>> }>;
  assert.match(String(cells[0].outputs?.[0]?.text), /^cell \[1\] 1:7 - error TS2322/);
  assert.deepEqual(cells[2].outputs, []);
  const lenient = await runNotebook(path, { outputPath: null, allowErrors: true, typecheck: 'off' });
  assert.deepEqual((lenient.notebook.cells[2] as { outputs: unknown[] }).outputs, [{ output_type: 'stream', name: 'stdout', text: 'after\n' }]);
});

test('timeoutPerCell interrupts a runaway cell and reports CellTimeoutError', async () => {
  const path = notebook('slow.ipynb', [code('let spins = 0;'), code('while (true) { spins++ }'), code('spins')]);
  const t0 = performance.now();
  const { errors } = await runNotebook(path, { outputPath: null, timeoutPerCell: 0.5, typecheck: 'off' });
  assert.ok(performance.now() - t0 < 5000);
  assert.deepEqual(errors.map((e) => [e.cell, e.ename]), [[1, 'CellTimeoutError']]);
});

test('bad input: missing file and non-notebook JSON name the argument', async () => {
  await assert.rejects(runNotebook(join(dir, 'missing.ipynb')), /inputPath .* does not exist/);
  writeFileSync(join(dir, 'bad.ipynb'), '{"cells": 3}');
  await assert.rejects(runNotebook(join(dir, 'bad.ipynb')), /not an nbformat 4 notebook/);
  await assert.rejects(runNotebook(join(dir, 'basic.ipynb'), { timeoutPerCell: -1 }), /timeoutPerCell must be a positive number/);
});
