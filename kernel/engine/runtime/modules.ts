/**
 * Module loading for cells. A specifier is resolved, in order:
 *  1. `tslab` → the tslab-compatible shim; node builtins → themselves;
 *  2. `flowlab` (and `flowlab/...`) → the kernel's own package, wherever the notebook lives;
 *  3. relative/absolute paths → against the kernel's cwd (the notebook's folder);
 *  4. bare packages → node_modules above the cwd, then above the kernel's package, with Node's
 *     ESM rules (package.json "exports" with the import/node/default conditions, else "main"),
 *     so pure-ESM packages load; finally CommonJS require.resolve from both places.
 * Results are cached per (cwd, specifier).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { flowlabEntry, kernelRoot } from '../paths.js';
import { tslabShim } from './tslab.js';

const CONDITIONS = ['node', 'import', 'node-addons', 'default'];
const cache = new Map<string, Promise<unknown>>();
let shim: Record<string, unknown> | undefined;

const isFile = (p: string) => { try { return statSync(p).isFile(); } catch { return false; } };

function asFile(p: string): string | undefined {
  for (const c of [p, `${p}.js`, `${p}.mjs`, `${p}.cjs`, join(p, 'index.js'), join(p, 'index.mjs')]) if (isFile(c)) return c;
  return undefined;
}

function target(t: unknown): string | undefined {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) { for (const x of t) { const r = target(x); if (r) return r; } return undefined; }
  if (t && typeof t === 'object') {
    for (const [k, v] of Object.entries(t)) if (CONDITIONS.includes(k)) { const r = target(v); if (r) return r; }
  }
  return undefined;
}

function exportsTarget(exp: unknown, sub: string): string | undefined {
  const sugar = typeof exp === 'string' || Array.isArray(exp) || (exp && typeof exp === 'object' && !Object.keys(exp).some((k) => k.startsWith('.')));
  if (sugar) return sub === '.' ? target(exp) : undefined;
  const map = exp as Record<string, unknown>;
  if (sub in map) return target(map[sub]);
  for (const [k, v] of Object.entries(map)) {
    const star = k.indexOf('*');
    if (star < 0) continue;
    const pre = k.slice(0, star), post = k.slice(star + 1);
    if (sub.startsWith(pre) && sub.endsWith(post) && sub.length >= k.length - 1) {
      const t = target(v);
      if (t) return t.split('*').join(sub.slice(pre.length, sub.length - post.length));
    }
  }
  return undefined;
}

/** Resolves `sub` ('' for the package itself) inside the package folder `dir` with ESM rules. */
export function resolveInPackage(dir: string, sub: string): string | undefined {
  let pkg: { exports?: unknown; main?: string; module?: string };
  try { pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')); } catch { return undefined; }
  if (pkg.exports !== undefined && pkg.exports !== null) {
    const t = exportsTarget(pkg.exports, sub ? `./${sub}` : '.');
    return t ? join(dir, t) : undefined;
  }
  return sub ? asFile(join(dir, sub)) : asFile(join(dir, pkg.main ?? 'index.js')) ?? asFile(join(dir, 'index'));
}

function splitBare(spec: string): [string, string] {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  return [parts.slice(0, n).join('/'), parts.slice(n).join('/')];
}

/** Finds a bare package specifier in node_modules folders above `from`. */
export function resolveBare(spec: string, from: string): string | undefined {
  const [name, sub] = splitBare(spec);
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const pdir = join(dir, 'node_modules', name);
    if (existsSync(join(pdir, 'package.json'))) { const r = resolveInPackage(pdir, sub); if (r) return r; }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The file a cell's import of `spec` loads, or a node builtin name; throws a helpful error. */
export function resolveSpecifier(spec: string, cwd: string): string {
  if (spec.startsWith('node:') || builtinModules.includes(spec)) return spec;
  if (spec === 'flowlab') return flowlabEntry();
  if (spec.startsWith('flowlab/')) {
    const r = resolveInPackage(kernelRoot(), spec.slice('flowlab/'.length));
    if (r) return r;
  }
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const r = asFile(resolve(cwd, spec));
    if (r) return r;
    throw Object.assign(new Error(`Cannot find module '${spec}' relative to ${cwd}: check the path (it is resolved from the notebook's folder)`), { name: 'ModuleNotFoundError' });
  }
  if (spec.startsWith('file:')) return spec;
  for (const from of [cwd, kernelRoot()]) {
    const r = resolveBare(spec, from);
    if (r) return r;
  }
  for (const from of [cwd, kernelRoot()]) {
    try { return createRequire(join(from, 'noop.js')).resolve(spec); } catch { /* next */ }
  }
  throw Object.assign(new Error(`Cannot find module '${spec}' from ${cwd} or from flowlab's own packages: install it with \`npm install ${splitBare(spec)[0]}\` in ${cwd}`), { name: 'ModuleNotFoundError' });
}

/** Imports `spec` for a cell whose kernel runs in `cwd` (cached). */
export function importForCell(spec: string, cwd: string): Promise<unknown> {
  if (spec === 'tslab') return Promise.resolve((shim ??= tslabShim()));
  const key = `${cwd}\0${spec}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const file = resolveSpecifier(spec, cwd);
      const url = file.startsWith('node:') || builtinModules.includes(file) || file.startsWith('file:') ? file : pathToFileURL(file).href;
      return import(url);
    })();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** Default-import interop: a module's default export, or the namespace when it has none. */
export function defaultOf(ns: unknown): unknown {
  const d = (ns as { default?: unknown } | null)?.default;
  return d === undefined ? ns : d;
}
