/**
 * The compiler-free is_complete (answered while TypeScript loads) against the full one built on
 * TypeScript's scanner and parser, the independent reference: on every cell within its scope
 * (brackets, quotes, template literals, comments) both must give the same status and indent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isComplete } from '../../kernel/engine/is-complete.js';
import { isCompleteQuick } from '../../kernel/protocol/is-complete-quick.js';
import { typescript } from '../../kernel/engine/typescript.js';

const ts = await typescript();

const CELLS = [
  '', '1 + 1', "import * as fl from 'flowlab'", 'const f = (x: number) => x * 2',
  'function f() {', 'if (a) {\n  foo([1,', 'const s = `abc ${x', 'const s = `abc', '/* open comment',
  'const s = `a ${b} c`', 'const s = `a ${ { k: `in ${1}` }.k } c`', 'foo(1))', 'foo(1]', "const q = 'it\\'s'",
  'const q = "a // not a comment"', 'x // a comment with ( and {', '/* ( */ 1', 'class A {\n  m() {\n    return 1',
  "console.log('hello')", 'for (let i = 0; i < 3; i++) { await step(i) }', "const s = 'broken\nstring'",
  'while (true) {}', 'const o = { a: [1, 2], b: `t${1}` }',
];

test('isCompleteQuick agrees with the TypeScript-based isComplete on cells in its scope', () => {
  for (const code of CELLS) {
    assert.deepEqual(isCompleteQuick(code), isComplete(ts, code), `cell ${JSON.stringify(code)}`);
  }
});
