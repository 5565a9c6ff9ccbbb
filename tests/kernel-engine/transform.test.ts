/**
 * The cell compiler and is_complete, without an engine: rewritten cells evaluated with plain
 * vm scripts must behave like the TypeScript they came from, and positions must map back exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { isComplete } from '../../kernel/engine/is-complete.js';
import { compileCell, type CompiledCell } from '../../kernel/engine/transform/compile.js';
import { typescript } from '../../kernel/engine/typescript.js';

const ts = await typescript();
const compile = (src: string): CompiledCell => {
  const c = compileCell(ts, src);
  if ('syntaxError' in c) throw new Error(`unexpected syntax error ${JSON.stringify(c.syntaxError)}`);
  return c;
};
(globalThis as Record<string, unknown>).__fl_chk = () => undefined;

test('type syntax is blanked in place: every remaining token keeps its line and column', () => {
  const src = 'const n: number = 1;\nfunction id<T>(v: T): T { return v as T; }\nid<number>(n)!';
  const c = compile(src);
  // Each identifier of the source that survives must sit at the same (line, column) in the output.
  for (const word of ['id', 'return', 'v']) {
    const at = src.lastIndexOf(word);
    const line = src.slice(0, at).split('\n').length;
    const col = at - src.lastIndexOf('\n', at - 1);
    const outLines = c.code.split('\n');
    // find the word at the mapped place
    const found = outLines.findIndex((l, i) => c.toSource(i + 1, l.indexOf(word) + 1).line === line && l.indexOf(word) >= 0 && c.toSource(i + 1, l.lastIndexOf(word) + 1).column === col);
    assert.ok(found >= 0, `${word} at ${line}:${col} not mapped back (output:\n${c.code})`);
  }
  assert.ok(!/: number|<T>|<number>| as T/.test(c.code), `types left in output:\n${c.code}`);
});

test('top-level declarations become re-runnable globals; the last expression is the value', () => {
  const c = compile('const x: number = 20;\nlet [a, b] = [1, 2];\nclass K { v = 3 }\nx + a + b + new K().v');
  // Run twice: re-running `const x` must not throw "already declared".
  const v1 = new Script(c.code).runInThisContext();
  const v2 = new Script(c.code).runInThisContext();
  assert.equal(v1, 26);
  assert.equal(v2, 26);
  assert.equal((globalThis as Record<string, unknown>).x, 20);
});

test('a cell ending in a declaration has no result; `;`-less trailing expression counts', () => {
  assert.equal(compile('const q = 5').hasResult, false);
  assert.equal(compile('const q = 5\nq').hasResult, true);
  assert.equal(new Script(compile('const q2 = 5').code).runInThisContext(), undefined);
});

test('top-level await cells return a boxed value (a promise result is not adopted)', async () => {
  const c = compile('const p = Promise.resolve(7);\nawait p;\np');
  assert.equal(c.isAsync, true);
  const boxed = await new Script(c.code).runInThisContext();
  assert.ok(boxed.v instanceof Promise, 'the last value must stay a Promise');
  assert.equal(await boxed.v, 7);
});

test('enums take the transpiler path and still map positions through its source map', () => {
  const src = "enum E { A = 2, B }\nfunction f() {\n  throw new Error('e' + E.B);\n}\nf()";
  const c = compile(src);
  assert.throws(() => new Script(c.code, { filename: 'enum-cell' }).runInThisContext(), (e: Error) => {
    assert.equal(e.message, 'e3'); // E.B = A + 1 = 3
    const m = /enum-cell:(\d+):(\d+)/.exec(e.stack ?? '')!;
    assert.deepEqual(c.toSource(Number(m[1]), Number(m[2])), { line: 3, column: 9 }); // `new` of line 3
    return true;
  });
});

test('syntax errors are reported with the cell line:column', () => {
  const c = compileCell(ts, 'const a = 1;\nlet b = (2 + ;');
  assert.ok('syntaxError' in c);
  assert.deepEqual([c.syntaxError.line, c.syntaxError.column], [2, 14]);
});

test('is_complete: complete, incomplete with indent, invalid', () => {
  assert.equal(isComplete(ts, '1 + 1').status, 'complete');
  assert.equal(isComplete(ts, 'const f = (x: number) => x * 2').status, 'complete');
  assert.deepEqual(isComplete(ts, 'function f() {'), { status: 'incomplete', indent: '  ' });
  assert.deepEqual(isComplete(ts, 'if (a) {\n  foo([1,'), { status: 'incomplete', indent: '      ' });
  assert.equal(isComplete(ts, 'const s = `abc ${x').status, 'incomplete');
  assert.equal(isComplete(ts, 'const s = `abc').status, 'incomplete');
  assert.equal(isComplete(ts, 'const t = 1 +').status, 'incomplete');
  assert.equal(isComplete(ts, '/* open comment').status, 'incomplete');
  assert.equal(isComplete(ts, 'const s = `a ${b} c`').status, 'complete');
  assert.equal(isComplete(ts, 'const r = /[(]/.test(x)').status, 'complete');
  assert.equal(isComplete(ts, 'foo(1))').status, 'invalid');
  assert.equal(isComplete(ts, 'let = 7q').status, 'invalid');
});
