/**
 * Type checking (FLOWLAB_TYPECHECK=wait, so diagnostics arrive before the reply), completions and
 * inspection through the language-service worker, in the scope of earlier cells.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { recordingEngine, resultText } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlab-check-'));
const k = recordingEngine(dir, 'wait');
after(async () => { await k.request({ kind: 'shutdown', restart: false }); rmSync(dir, { recursive: true, force: true }); });

const stderr = (id: number) => k.eventsFor(id).filter((e) => e.kind === 'stream' && e.name === 'stderr').map((e) => (e as { text: string }).text).join('');

test('a type error is reported as stderr with the cell line:col, and the cell still runs', async () => {
  const { reply, id } = await k.exec('const fine = 1;\nconst count: number = "three";\ncount');
  assert.equal(resultText(reply), "'three'");
  assert.equal(stderr(id).trim(), `cell [${k.count()}] 2:7 - error TS2322: Type 'string' is not assignable to type 'number'.`);
});

test('later cells see earlier declarations (values, classes, interfaces) without false errors', async () => {
  const a = await k.exec('interface Shape { area(): number }\nclass Sq implements Shape { constructor(public s: number) {} area() { return this.s ** 2 } }\nlet total = 0;');
  assert.equal(stderr(a.id), '');
  const b = await k.exec('const shapes: Shape[] = [new Sq(2), new Sq(3)];\ntotal = shapes.reduce((t, s) => t + s.area(), 0);\ntotal');
  assert.equal(stderr(b.id), '');
  assert.equal(resultText(b.reply), '13');
  const c = await k.exec('const bad: string = total;');
  assert.match(stderr(c.id), new RegExp(`^cell \\[${k.count()}\\] 1:7 - error TS2322: Type 'number' is not assignable to type 'string'`));
});

test('redeclaring a cell (re-run with a new type) uses the newest declaration', async () => {
  await k.exec('let mode = 1;');
  await k.exec("let mode = 'fast';");
  const { id } = await k.exec('const m: string = mode;');
  assert.equal(stderr(id), '');
});

test('imports are typed: node builtins and the tslab shim', async () => {
  const { id } = await k.exec("import * as path from 'node:path';\nimport * as tslab from 'tslab';\nconst p: number = path.join('a');\ntslab.display.html(3);");
  const lines = stderr(id).trim().split('\n');
  assert.equal(lines.length, 2, stderr(id));
  assert.match(lines[0], /3:7 - error TS2322/);
  assert.match(lines[1], /4:20 - error TS2345/);
});

test('complete: member completions after ".", earlier cells, cursor span', async () => {
  await k.exec('const robot = { speed: 3, spin(): number { return 1 } };');
  const code = 'robot.sp';
  const r = await k.request({ kind: 'complete', code, cursorPos: code.length });
  assert.equal(r.kind, 'complete');
  if (r.kind !== 'complete') return;
  assert.deepEqual(r.matches.slice().sort(), ['speed', 'spin']);
  assert.deepEqual([r.cursorStart, r.cursorEnd], ['robot.'.length, code.length]);
  const g = await k.request({ kind: 'complete', code: 'const z = rob', cursorPos: 13 });
  assert.ok(g.kind === 'complete' && g.matches.includes('robot'), JSON.stringify(g));
  const d = await k.request({ kind: 'complete', code: 'disp', cursorPos: 4 });
  assert.ok(d.kind === 'complete' && d.matches.includes('display'), 'runtime/display globals complete');
});

test('inspect: signature and doc comment of the symbol at the cursor', async () => {
  await k.exec('/** Doubles a number. */\nfunction twice(n: number): number { return 2 * n }');
  const r = await k.request({ kind: 'inspect', code: 'twice(4)', cursorPos: 2, detailLevel: 0 });
  assert.ok(r.kind === 'inspect' && r.found, JSON.stringify(r));
  if (r.kind !== 'inspect') return;
  const text = r.data['text/plain'] as string;
  assert.match(text, /function twice\(n: number\): number/);
  assert.match(text, /Doubles a number\./);
  const none = await k.request({ kind: 'inspect', code: '   ', cursorPos: 1, detailLevel: 0 });
  assert.ok(none.kind === 'inspect' && !none.found);
});

test('isComplete through the engine', async () => {
  assert.deepEqual(await k.request({ kind: 'isComplete', code: 'for (let i = 0; i < 3; i++) {' }), { id: (await k.request({ kind: 'isComplete', code: '' })).id - 1, kind: 'isComplete', status: 'incomplete', indent: '  ' });
});
