#!/usr/bin/env node
/**
 * Builds flowlab's optional native CPU path: native/build/flowlab_native.node, an N-API addon
 * (plain C: addon.c, addon_conv.c, addon_vec.c, gemm.c, gelu.c, reduce.c, conv.c, vec.c) linked against the system's OpenBLAS. No node-gyp and no
 * download: the C compiler ($CC, else cc or gcc), Node's own node_api.h and libopenblas are all
 * it needs. On Debian/Ubuntu: `apt-get install gcc libopenblas-dev`.
 *
 *   node native/build.mjs              build; exit 1 with the reason when it cannot
 *   node native/build.mjs --optional   the package's install step: never fails the install; without
 *                                      a compiler or OpenBLAS it says how to get the fast path
 *   node native/build.mjs --json       one JSON line { ok, path | reason }
 *   node native/build.mjs --out DIR    build into DIR instead of native/build (tests)
 *
 * The outcome is also written to native/build/status.json, so `flowlab doctor` can say why a build
 * failed. FLOWLAB_NATIVE_BUILD=0 skips the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outAt = process.argv.indexOf('--out');
const out = outAt > 0 ? process.argv[outAt + 1] : join(here, 'build');
const target = join(out, 'flowlab_native.node');
const sources = ['addon.c', 'addon_conv.c', 'addon_vec.c', 'gemm.c', 'gelu.c', 'reduce.c', 'conv.c', 'vec.c'].map((f) => join(here, f));
const HOW = 'apt-get install gcc libopenblas-dev (or your system\'s OpenBLAS), then npm run build:native (or flowlab doctor --build-native)';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, text: `${r.stderr ?? ''}${r.stdout ?? ''}${r.error ? r.error.message : ''}`.trim() };
}

function findCompiler() {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    if (run(cc, ['--version']).ok) return cc;
  }
  return undefined;
}

/** Folders that may hold node_api.h for this Node: its own install, distribution packages, node-gyp's cache. */
function findNodeHeaders() {
  const v = process.versions.node;
  const candidates = [
    process.env.FLOWLAB_NODE_HEADERS,
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
    join(homedir(), '.cache', 'node-gyp', v, 'include', 'node'),
    join(homedir(), '.node-gyp', v, 'include', 'node'),
  ].filter(Boolean);
  return candidates.find((d) => existsSync(join(d, 'node_api.h')));
}

function build() {
  if (process.env.FLOWLAB_NATIVE_BUILD === '0') return { ok: false, reason: 'skipped (FLOWLAB_NATIVE_BUILD=0)' };
  const cc = findCompiler();
  if (!cc) return { ok: false, reason: 'no C compiler (cc, gcc or clang) found' };
  const headers = findNodeHeaders();
  if (!headers) {
    return { ok: false, reason: `node_api.h for Node ${process.versions.node} not found (Debian's own nodejs: apt-get install libnode-dev; or set FLOWLAB_NODE_HEADERS to a folder holding it)` };
  }
  mkdirSync(out, { recursive: true });
  const tmp = join(out, `flowlab_native.${process.pid}.tmp.node`);
  const flags = ['-O3', '-std=gnu11', '-fPIC', '-shared', '-fvisibility=hidden', `-I${headers}`, ...sources, '-o', tmp];
  // -lopenblas needs the development symlink; the runtime library alone (libopenblas.so.0) also links.
  let last = '';
  for (const lib of ['-lopenblas', '-l:libopenblas.so.0']) {
    const r = run(cc, [...flags, lib, '-lm']);
    if (r.ok) {
      // load it in a fresh process: an unresolved symbol shows up here, not in the user's notebook
      const check = run(process.execPath, ['-e', `const m = require(${JSON.stringify(tmp)}); console.log(m.blasConfig())`]);
      if (!check.ok) {
        rmSync(tmp, { force: true });
        return { ok: false, reason: `built but does not load: ${check.text.split('\n').find((l) => /Error/.test(l)) ?? check.text}` };
      }
      renameSync(tmp, target);
      return { ok: true, path: target, blas: check.text };
    }
    last = r.text;
  }
  rmSync(tmp, { force: true });
  const missingBlas = /openblas/i.test(last) && /cannot find|not found/i.test(last);
  return { ok: false, reason: missingBlas ? 'OpenBLAS not found by the linker (libopenblas)' : `compile failed: ${last.split('\n').slice(0, 4).join(' ')}` };
}

function main() {
  const args = process.argv.slice(2);
  let result;
  try {
    result = build();
  } catch (e) {
    result = { ok: false, reason: String(e && e.message ? e.message : e) };
  }
  const skipped = process.env.FLOWLAB_NATIVE_BUILD === '0';
  try {
    if (skipped) throw new Error('skipped: keep the last status');
    mkdirSync(out, { recursive: true });
    for (const f of readdirSync(out)) if (f.endsWith('.tmp.node')) rmSync(join(out, f), { force: true });
    writeFileSync(join(out, 'status.json'), JSON.stringify({ ...result, node: process.versions.node, when: new Date().toISOString() }) + '\n');
  } catch { /* a read-only install folder: the status file is a convenience */ }
  if (args.includes('--json')) console.log(JSON.stringify(result));
  else if (result.ok) console.log(`flowlab native: built ${result.path} (${result.blas}); the wasm backend's matMul, conv2d, GELU and sums now run natively.`);
  else console.log(`flowlab native: not built — ${result.reason}. flowlab works without it (pure wasm); for the fast CPU path: ${HOW}.`);
  return result.ok || args.includes('--optional') ? 0 : 1;
}

process.exitCode = main();
