/**
 * Which cells run under vm's breakOnSigint watchdog (kernel/engine/transform/foreign-code.ts):
 * only cells whose top-level code provably runs nothing but instrumented cell code go without it.
 * Each case below says why a construct can (or cannot) reach code the kernel did not compile.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileCell } from '../../kernel/engine/transform/compile.js';
import { typescript } from '../../kernel/engine/typescript.js';

const ts = await typescript();
const watchdog = (src: string): boolean => {
  const c = compileCell(ts, src);
  if ('syntaxError' in c) throw new Error(`unexpected syntax error in ${src}: ${c.syntaxError.message}`);
  return c.watchdog;
};

test('cells of literals, operators, loops and declarations run without the watchdog', () => {
  const safe = [
    '1 + 1',
    'var s = 0;\nfor (let i = 0; i < 1000; i++) { s += i; }\ns',
    'let n: number = 3; while (n > 0) n--; n === 0 ? "done" : "not yet"',
    // Bodies run only when called, and a call is what makes a cell need the watchdog.
    'function f(x: number): number { return Math.max(x, JSON.parse("1")); }',
    'class Vec { constructor(public x: number) {} norm(): number { return Math.hypot(this.x); } readonly tag = String(1); }',
    'const g = (a: string) => a.toUpperCase();\ninterface P { a: number }\ntype Q = P[];',
    'let t = typeof x === "undefined" ? -1 : 1; t *= 2; t',
  ];
  for (const src of safe) assert.equal(watchdog(src), false, src);
});

test('anything that can call into uncompiled code (library functions, getters, iterators) gets it', () => {
  const risky = [
    'console.log(1)', // a call
    'new Map()', // a constructor
    'Math.PI', // a property read (getters)
    'const o = { a: 1 }; o["a"]', // an element read
    'const xs = [...[1, 2]];', // spread: an iterator
    'for (const x of [1]) {}', // for...of: an iterator
    'for (const k in { a: 1 }) {}', // for...in: proxies can trap it
    'const { a } = { a: 1 };', // destructuring: getters
    'let p, q; [p, q] = [1, 2];', // destructuring assignment: an iterator
    'const v = 1; `${v}`', // a template substitution calls toString
    'String.raw`x`', // a tagged template
    '"a" in {}', // in: proxies
    '[] instanceof Array', // instanceof: Symbol.hasInstance
    'class A { static s = Date.now(); }', // a static initializer runs at definition
    'class B { static { } }', // a static block runs at definition
    "class D { [Symbol.iterator]() { return [][Symbol.iterator](); } }", // a computed name is evaluated
    'const v = 2; delete (globalThis as any).v', // delete: proxies
    'await 1', // await
  ];
  for (const src of risky) assert.equal(watchdog(src), true, src);
  // `extends Identifier` evaluates only an identifier: no watchdog needed for that part.
  assert.equal(watchdog('class Base {}\nclass E extends Base {}'), false);
  assert.equal(watchdog('function mixin(b: any) { return b; }\nclass F extends mixin(Object) {}'), true, 'extends a call');
});

test('cells that need the full transpiler (enums, namespaces) are judged on its output', () => {
  assert.equal(watchdog('enum Color { Red, Green }'), true, 'an enum compiles to an IIFE: a call');
});
