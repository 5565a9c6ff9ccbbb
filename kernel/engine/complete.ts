/**
 * complete and inspect requests: the type-check worker's language service gives completions in
 * the scope of every cell run so far (members after '.'); names of the live runtime objects
 * (globals, or the properties of a simple `a.b.` chain) are merged in, so values whose static type
 * is `any` still complete, and they answer alone when the checker is slow (CHECKER_WAIT_MS) and
 * at least one of them matches. Cursor positions are Unicode code points on the wire (Jupyter ≥ 5.2)
 * and UTF-16 offsets inside.
 */
import type { CheckClient } from './typecheck/client.js';

const ID = /[\p{ID_Continue}$\u200c\u200d]/u;

/** UTF-16 offset of code-point position `cp` in `s`. */
export function cpToUtf16(s: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < s.length; n++) i += (s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return i;
}

/** Code-point position of UTF-16 offset `u` in `s`. */
export function utf16ToCp(s: string, u: number): number {
  return [...s.slice(0, u)].length;
}

/** Start of the identifier that ends at `pos`. */
export function wordStart(code: string, pos: number): number {
  let i = pos;
  while (i > 0 && ID.test(code[i - 1])) i--;
  return i;
}

function runtimeNames(code: string, start: number): string[] {
  const before = code.slice(0, start);
  const chain = /((?:[A-Za-z_$][\w$]*\s*\.\s*)*)$/.exec(before)?.[1] ?? '';
  const path = chain.split('.').map((s) => s.trim()).filter(Boolean);
  let obj: unknown = globalThis;
  for (const key of path) {
    try { obj = (obj as Record<string, unknown>)?.[key]; } catch { return []; }
    if (obj === null || obj === undefined) return [];
  }
  const names = new Set<string>();
  for (let o: unknown = obj, depth = 0; o !== null && o !== undefined && depth < 4; o = Object.getPrototypeOf(o), depth++) {
    if (o === Object.prototype && path.length) break;
    for (const k of Object.getOwnPropertyNames(o)) if (/^[A-Za-z_$][\w$]*$/.test(k) && !k.startsWith('__fl_')) names.add(k);
  }
  return [...names];
}

/**
 * Longest wait for the type checker's completions before the live objects' names are sent alone.
 * Front ends drop slow completions: JupyterLab after 1 s (the completer's `providerTimeout`),
 * jupyter console after 5 s (with a traceback); the checker's first answers after a cell
 * importing flowlab took 4–6 s, later ones 1.3 s, on a loaded 2-core machine.
 */
export const CHECKER_WAIT_MS = 600;

/** `p`'s value, or `fallback` when `p` has not settled within `ms`. */
function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<T>((resolve) => { timer = setTimeout(() => resolve(fallback), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Completions at code-point position `cursorPos`. */
export async function complete(checker: CheckClient | undefined, code: string, cursorPos: number) {
  const pos = cpToUtf16(code, cursorPos);
  const start = wordStart(code, pos);
  const prefix = code.slice(start, pos);
  // With live names to offer, the checker gets CHECKER_WAIT_MS; with none, it is awaited in full.
  const live = runtimeNames(code, start).sort();
  const fromChecker = checker ? checker.complete(code, pos) : Promise.resolve([]);
  const entries = live.some((n) => n.startsWith(prefix)) ? await within(fromChecker, CHECKER_WAIT_MS, []) : await fromChecker;
  const seen = new Set<string>();
  const matches: string[] = [];
  const types: Array<{ text: string; type: string; start: number; end: number }> = [];
  const cs = utf16ToCp(code, start), ce = utf16ToCp(code, pos);
  const sorted = entries.slice().sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : a.name.localeCompare(b.name)));
  const add = (name: string, type: string) => {
    if (!name.startsWith(prefix) || name.startsWith('__fl') || seen.has(name)) return;
    seen.add(name);
    matches.push(name);
    types.push({ text: name, type, start: cs, end: ce });
  };
  for (const e of sorted) add(e.name, e.kind);
  for (const n of live) add(n, 'property');
  // JupyterLab shows the kind of each match from this (experimental, widely supported) field.
  return { matches, cursorStart: cs, cursorEnd: ce, metadata: { _jupyter_types_experimental: types } };
}

/** Signature and documentation of the symbol at code-point position `cursorPos`. */
export async function inspect(checker: CheckClient | undefined, code: string, cursorPos: number) {
  let pos = cpToUtf16(code, cursorPos);
  if (pos > 0 && !ID.test(code[pos] ?? ' ') && ID.test(code[pos - 1])) pos--;
  const info = checker ? await checker.inspect(code, pos) : undefined;
  if (!info || !info.signature) return { found: false, data: {}, metadata: {} };
  const plain = info.doc ? `${info.signature}\n\n${info.doc}` : info.signature;
  const markdown = '```typescript\n' + info.signature + '\n```' + (info.doc ? `\n\n${info.doc}` : '');
  return { found: true, data: { 'text/plain': plain, 'text/markdown': markdown }, metadata: {} };
}
