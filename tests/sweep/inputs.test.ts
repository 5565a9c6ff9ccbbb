/**
 * Sweep inputs and records, without kernels: grid expansion (against a hand-written product),
 * `--grid` parsing, parameters-cell parsing, bad notebooks refused before any run, result
 * round trip through the display MIME bundle, IOPub → nbformat outputs, the journal.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KernelMessage } from '@jupyterlab/services';
import { readResult, result, RESULT_MIME } from '../../src/lab/result.js';
import { sweep, sweepTable } from '../../src/lab/sweep.js';
import { expandGrid, parseGridArg, runKey } from '../../src/lab/sweep-grid.js';
import { declaredNames } from '../../src/lab/sweep-notebook.js';
import { sweepProgress, sweepProgressText } from '../../src/lab/sweep-progress.js';
import { appendRecord, completedRuns, readJournal, type RunRecord } from '../../src/lab/sweep-store.js';
import { IopubCollector, type CellOutput } from '../../src/remote/outputs.js';
import { repoRoot } from '../kernel/helpers.js';

const fixtures = join(repoRoot(), 'tests', 'sweep', 'fixtures');

test('expandGrid is the cartesian product, first name slowest, seeds innermost', () => {
  const runs = expandGrid({ lr: [0.1, 0.2], opt: ['adam', 'lion', 'sgd'] }, 2);
  const expected: Array<Record<string, unknown>> = [];
  for (const lr of [0.1, 0.2]) for (const opt of ['adam', 'lion', 'sgd']) for (const seed of [0, 1]) expected.push({ lr, opt, seed });
  assert.deepEqual(runs.map((r) => r.params), expected);
  assert.deepEqual(runs.map((r) => r.index), [...expected.keys()]);
  assert.equal(new Set(runs.map((r) => r.key)).size, 12);
  assert.equal(runKey({ b: 1, a: 2 }), runKey({ a: 2, b: 1 }), 'keys do not depend on name order');
  assert.throws(() => expandGrid({ lr: [] }), /'lr' needs a non-empty array/);
  assert.throws(() => expandGrid({ 'bad-name': [1] }), /not a valid identifier/);
  assert.throws(() => expandGrid({ lr: [1, 1] }), /repeats the setting/);
  assert.throws(() => expandGrid({ seed: [1] }, 2), /both a grid parameter and set by seeds/);
  assert.throws(() => expandGrid({ lr: [1] }, 0), /seeds must be a positive integer/);
});

test('parseGridArg reads JSON arrays and comma lists, and explains bad input', () => {
  assert.deepEqual(parseGridArg('lr=[0.01,0.02,0.04]'), ['lr', [0.01, 0.02, 0.04]]);
  assert.deepEqual(parseGridArg('optimizer=["adam","lion"]'), ['optimizer', ['adam', 'lion']]);
  assert.deepEqual(parseGridArg('optimizer=adam,lion'), ['optimizer', ['adam', 'lion']]);
  assert.deepEqual(parseGridArg('width=64,128'), ['width', [64, 128]]);
  assert.throws(() => parseGridArg('lr'), /expects name=\[values\]/);
  assert.throws(() => parseGridArg('opt=[adam]'), /not a JSON array .*quote strings/);
});

test('declaredNames finds the top-level declarations of a parameters cell', async () => {
  const names = await declaredNames("let lr = 0.1;\nconst opt: 'adam' | 'lion' = 'adam', steps = 10;\nvar { a, b: c } = { a: 1, b: 2 };\nfunction f() { let inner = 1; }\n// let commented = 1;\n");
  assert.deepEqual(names, ['lr', 'opt', 'steps', 'a', 'c', 'f']);
});

test('a notebook without a parameters cell, or an undeclared parameter, is refused before any run', async () => {
  const out = mkdtempSync(join(tmpdir(), 'flowlab-sweep-in-'));
  try {
    await assert.rejects(sweep({ notebook: join(fixtures, 'no-parameters.ipynb'), grid: { lr: [0.1] }, out, quiet: true }),
      /has no parameters cell; tag the code cell .* with the tag 'parameters'/);
    await assert.rejects(sweep({ notebook: join(fixtures, 'bowl.ipynb'), grid: { lr: [0.1], momentum: [0.9] }, out, quiet: true }),
      /parameter 'momentum' is not defined in the parameters cell .*\(it declares: lr, seed, steps\); add e\.g\. `let momentum = \.\.\.;`/);
    await assert.rejects(sweep({ notebook: join(out, 'missing.ipynb'), grid: { lr: [0.1] }, out, quiet: true }), /does not exist/);
    writeFileSync(join(out, 'bad.ipynb'), '{ not json');
    await assert.rejects(sweep({ notebook: join(out, 'bad.ipynb'), grid: { lr: [0.1] }, out, quiet: true }), /not valid JSON/);
    assert.equal(existsSync(join(out, 'runs.jsonl')), false);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('result → display bundle → readResult round-trips rows, including non-finite numbers', () => {
  const shown: Array<Record<string, unknown>> = [];
  const HOOK = Symbol.for('flowlab.display');
  (globalThis as Record<symbol, unknown>)[HOOK] = { display: (b: Record<string, unknown>) => shown.push(b), clearOutput() {} };
  try {
    result([{ loss: 0.5, diverged: false }, { loss: NaN, diverged: true }, { loss: Infinity, diverged: true }]);
  } finally {
    delete (globalThis as Record<symbol, unknown>)[HOOK];
  }
  assert.equal(shown.length, 1);
  assert.match(String(shown[0]['text/plain']), /3 row\(s\) × 2 column\(s\)/);
  const cells = [{ outputs: [{ output_type: 'display_data', data: JSON.parse(JSON.stringify(shown[0])) }] }];
  const back = readResult(cells)!;
  assert.deepEqual(back.columns, ['loss', 'diverged']);
  assert.equal(back.rows[0].loss, 0.5);
  assert.ok(Number.isNaN(back.rows[1].loss));
  assert.equal(back.rows[2].loss, Infinity);
  assert.equal(readResult([{ outputs: [] }]), undefined);
  assert.throws(() => result(42 as never), /lab\.result: table must be an arquero table/);
  assert.ok(RESULT_MIME.startsWith('application/vnd.flowlab.'));
});

const iopub = (msg_type: string, content: Record<string, unknown>) => ({ header: { msg_type }, content }) as unknown as KernelMessage.IIOPubMessage;

test('IopubCollector applies stream merging, display updates and clear_output like a front end', () => {
  const c = new IopubCollector();
  const cell1: CellOutput[] = [], cell2: CellOutput[] = [];
  c.open(cell1);
  c.message(iopub('stream', { name: 'stdout', text: 'a' }));
  c.message(iopub('stream', { name: 'stdout', text: 'b\n' }));
  c.message(iopub('display_data', { data: { 'text/plain': '0%' }, metadata: {}, transient: { display_id: 'p' } }));
  c.open(cell2);
  c.message(iopub('stream', { name: 'stderr', text: 'x' }));
  c.message(iopub('clear_output', { wait: true }));
  c.message(iopub('update_display_data', { data: { 'text/plain': '100%' }, metadata: {}, transient: { display_id: 'p' } }));
  c.message(iopub('execute_result', { execution_count: 2, data: { 'text/plain': '3' }, metadata: {} }));
  assert.deepEqual(cell1, [
    { output_type: 'stream', name: 'stdout', text: 'ab\n' },
    { output_type: 'display_data', data: { 'text/plain': '100%' }, metadata: {} },
  ]);
  assert.deepEqual(cell2, [{ output_type: 'execute_result', execution_count: 2, data: { 'text/plain': '3' }, metadata: {} }]);
});

test('the journal keeps finished runs for resuming and the table puts parameters first', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-sweep-journal-'));
  try {
    const rec = (key: string, status: RunRecord['status'], hash = 'h1'): RunRecord => ({
      key, params: JSON.parse(key), status, rows: [{ loss: status === 'ok' ? NaN : 1 }], columns: ['loss'], where: 'local', attempts: 1, seconds: 1, notebookHash: hash, finishedAt: '',
    });
    appendRecord(dir, rec('{"lr":0.1}', 'ok'));
    appendRecord(dir, rec('{"lr":0.2}', 'error'));
    appendRecord(dir, rec('{"lr":0.3}', 'ok', 'other-version'));
    writeFileSync(join(dir, 'runs.jsonl'), '{"torn', { flag: 'a' });
    assert.equal(readJournal(dir).length, 3);
    const done = completedRuns(dir, 'h1');
    assert.deepEqual([...done.keys()], ['{"lr":0.1}'], 'failed runs and other notebook versions are redone');
    const t = sweepTable([...done.values()]);
    assert.deepEqual(t.columnNames(), ['lr', 'loss']);
    assert.ok(Number.isNaN(t.get('loss', 0)), 'NaN survives the journal');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run whose notebook fails is reported and redone on restart; finished runs are kept', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'flowlab-sweep-fail-'));
  const notebook = join(fixtures, 'fails-above.ipynb');
  try {
    const first = await sweep({ notebook, grid: { lr: [0.1, 0.2] }, local: 2, out, quiet: true });
    assert.equal(first.failed.length, 1);
    assert.match(first.failed[0].error!, /^cell 2: Error: diverged at lr 0\.2$/);
    assert.ok(existsSync(join(out, first.failed[0].notebook!)), 'the failed run\'s notebook is kept for debugging');
    assert.deepEqual(first.table.objects(), [{ lr: 0.1, twice: 0.2 }]);
    const started: unknown[] = [];
    const again = await sweep({ notebook, grid: { lr: [0.1, 0.2] }, local: 1, out, quiet: true, onEvent: (e) => { if (e.type === 'start') started.push(e.run.params); } });
    assert.deepEqual(started, [{ lr: 0.2 }], 'only the failed run is redone');
    assert.deepEqual(again.counts, { total: 2, skipped: 1, executed: 1, retried: 0, failed: 1 });
    assert.equal(readJournal(out).length, 3);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('progress: ETA extrapolates this session\'s pace; in a notebook one output is updated in place', () => {
  // 4 runs finished here (6 done − 2 resumed) in 20 s → 5 s each; 6 left → 30 s.
  assert.equal(sweepProgressText({ total: 12, skipped: 2, done: 6, running: 2, failed: 0, retried: 1 }, 20),
    'sweep 6/12 done (2 resumed), 2 running, 0 failed, 1 retried, ETA 30s');
  assert.doesNotMatch(sweepProgressText({ total: 3, skipped: 0, done: 0, running: 1, failed: 0, retried: 0 }, 5), /ETA/);
  const calls: Array<{ id?: string; update?: boolean; text: string }> = [];
  const HOOK = Symbol.for('flowlab.display');
  (globalThis as Record<symbol, unknown>)[HOOK] = { display: (b: Record<string, unknown>, o: { id?: string; update?: boolean } = {}) => calls.push({ ...o, text: String(b['text/plain']) }), clearOutput() {} };
  try {
    const view = sweepProgress();
    const c = { total: 2, skipped: 0, done: 0, running: 1, failed: 0, retried: 0 };
    view.update(c);
    c.done = 2; c.running = 0;
    view.close(c);
  } finally {
    delete (globalThis as Record<symbol, unknown>)[HOOK];
  }
  assert.equal(calls.length, 2);
  assert.ok(calls[0].id && calls[0].id === calls[1].id);
  assert.deepEqual([calls[0].update, calls[1].update], [false, true]);
  assert.match(calls[1].text, /^sweep 2\/2 done/);
});
