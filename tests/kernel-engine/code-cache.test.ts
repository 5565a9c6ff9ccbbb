/**
 * requireCached (kernel/engine/code-cache.ts): the first process compiles from source and writes
 * V8's code cache, the next one loads from it; a damaged cache is rejected by V8 and the module
 * still loads, correct; FLOWLAB_CODE_CACHE=off turns it off. Each load runs in a fresh process
 * (require's own cache would answer otherwise).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const loader = pathToFileURL(new URL('../../kernel/engine/code-cache.js', import.meta.url).pathname).href;

/** Loads `dep` (a package in `dir`) through requireCached in a new process; returns its status and what the module computed. */
function load(dir: string, env: NodeJS.ProcessEnv): { status: string; value: number; name: string } {
  const script = `
    const { requireCached } = await import(${JSON.stringify(loader)});
    const m = requireCached('dep', ${JSON.stringify(join(dir, 'package.json'))});
    m.save();
    console.log(JSON.stringify({ status: m.status, value: m.exports.sumTo(100), name: m.exports.name }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

test('miss, then hit; a damaged cache is rejected and rebuilt; the module works every time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-code-cache-'));
  try {
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"host"}');
    writeFileSync(join(dir, 'node_modules', 'dep', 'package.json'), '{"name":"dep","main":"index.js"}');
    // Enough code that V8 has something to cache; sumTo(n) = n(n+1)/2 is the independent check.
    const filler = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }`).join('\n');
    writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), `${filler}\nexports.name = require('node:path').basename(__filename);\nexports.sumTo = (n) => { let s = 0; for (let i = 1; i <= n; i++) s += i; return s; };\n`);
    const cache = join(dir, 'cache');
    const env = { FLOWLAB_CODE_CACHE_DIR: cache, FLOWLAB_CODE_CACHE: '' };

    const first = load(dir, env);
    assert.deepEqual(first, { status: 'miss', value: 5050, name: 'index.js' });
    const files = readdirSync(cache);
    assert.equal(files.length, 1, 'one cache file written');

    assert.deepEqual(load(dir, env), { status: 'hit', value: 5050, name: 'index.js' });

    writeFileSync(join(cache, files[0]!), Buffer.from('not a V8 code cache, just bytes'));
    assert.deepEqual(load(dir, env), { status: 'rejected', value: 5050, name: 'index.js' });
    assert.equal(load(dir, env).status, 'hit', 'the rejected cache was rewritten');

    assert.deepEqual(load(dir, { ...env, FLOWLAB_CODE_CACHE: 'off' }), { status: 'off', value: 5050, name: 'index.js' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
