/**
 * The protocol worker's message loop in dist: one bundled file (kernel/protocol/bundle-loop.mjs),
 * used only while it is at least as new as the ES modules it was built from
 * (kernel/protocol/load-loop.cts). The kernel suites (conformance, interrupt, ordering…) run the
 * loop through it; conformance.py also checks the versions it reads from files beside itself.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadProtocolLoop, loopForm } from '../../kernel/protocol/load-loop.cjs';
import { compiled, repoRoot, runProcess } from './helpers.js';

test('loopForm: the bundle only when it exists and is at least as new as run-protocol.js', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-loop-'));
  try {
    const modules = join(dir, 'run-protocol.js');
    const bundle = join(dir, 'loop.cjs');
    assert.equal(loopForm(dir), 'modules', 'neither file (running from sources)');
    writeFileSync(modules, '');
    assert.equal(loopForm(dir), 'modules', 'no bundle (esbuild not installed)');
    writeFileSync(bundle, '');
    utimesSync(modules, 1000, 1000);
    utimesSync(bundle, 2000, 2000);
    assert.equal(loopForm(dir), 'bundle', 'bundle built after tsc');
    utimesSync(bundle, 1000, 1000);
    assert.equal(loopForm(dir), 'bundle', 'same second: the build writes the bundle right after tsc');
    utimesSync(modules, 3000, 3000);
    assert.equal(loopForm(dir), 'modules', 'tsc ran again after the bundle: it is stale');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadProtocolLoop: a current bundle is required; a damaged one is reported and the modules load instead', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-loop-'));
  const warnings: string[] = [];
  const modules = { runProtocol: 'the ES modules' };
  const load = () => loadProtocolLoop(async () => modules, (m) => warnings.push(m), dir);
  try {
    writeFileSync(join(dir, 'run-protocol.js'), '');
    utimesSync(join(dir, 'run-protocol.js'), 1000, 1000);
    writeFileSync(join(dir, 'loop.cjs'), "exports.runProtocol = 'the bundle';\n");
    assert.deepEqual({ ...(await load()) }, { runProtocol: 'the bundle' });
    assert.equal(warnings.length, 0);

    utimesSync(join(dir, 'run-protocol.js'), 3e9, 3e9); // tsc ran after the bundle
    assert.equal(await load(), modules);
    assert.equal(warnings.length, 0, 'a stale bundle is passed over silently: it is a normal state while developing');

    const damaged = join(dir, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, 'run-protocol.js'), '');
    utimesSync(join(damaged, 'run-protocol.js'), 1000, 1000);
    writeFileSync(join(damaged, 'loop.cjs'), 'exports.runProtocol = function ( {\n'); // cut short
    const loaded = await loadProtocolLoop(async () => modules, (m) => warnings.push(m), damaged);
    assert.equal(loaded, modules);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /loop\.cjs failed to load \(.*\); loading the protocol loop's ES modules instead\. npm run build rebuilds it\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const esbuildInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('esbuild');
    return true;
  } catch {
    return false;
  }
})();

test('npm run build leaves a current bundle, so the kernel loads its loop from one file', { skip: !compiled ? 'runs on dist' : !esbuildInstalled && 'esbuild (a devDependency) is not installed' }, () => {
  const dir = join(repoRoot(), 'dist', 'kernel', 'protocol');
  assert.equal(loopForm(dir), 'bundle', `${join(dir, 'loop.cjs')} is missing or older than run-protocol.js: npm run build bundles it after tsc`);
  const loop = createRequire(import.meta.url)(join(dir, 'loop.cjs')) as { runProtocol?: unknown };
  assert.equal(typeof loop.runProtocol, 'function');
});

test('bundle-loop.mjs: without tsc output it fails naming the fix; with it, writes a bundle newer than its input', { skip: !esbuildInstalled && 'esbuild (a devDependency) is not installed' }, async () => {
  const dist = mkdtempSync(join(tmpdir(), 'flowlab-bundle-'));
  const script = join(repoRoot(), 'kernel', 'protocol', 'bundle-loop.mjs');
  try {
    const missing = await runProcess(process.execPath, [script, '--dist', dist], { timeoutMs: 60_000 });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /run-protocol\.js is missing: run tsc -p tsconfig\.json first \(npm run build does both\)/);

    const dir = join(dist, 'kernel', 'protocol');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run-protocol.js'), "import { sep } from 'node:path';\nimport { here } from './here.js';\nexport const runProtocol = () => [here, sep];\n");
    writeFileSync(join(dir, 'here.js'), 'export const here = import.meta.url;\n');
    utimesSync(join(dir, 'run-protocol.js'), 1000, 1000);
    const built = await runProcess(process.execPath, [script, '--dist', dist], { timeoutMs: 60_000 });
    assert.equal(built.code, 0, built.stderr);
    assert.ok(statSync(join(dir, 'loop.cjs')).mtimeMs > 1000 * 1000);
    assert.equal(loopForm(dir), 'bundle');
    const { runProtocol } = createRequire(import.meta.url)(join(dir, 'loop.cjs')) as { runProtocol(): [string, string] };
    // import.meta.url inside the bundle names the bundle's own file (kernel-info.ts finds package.json from it).
    assert.deepEqual(runProtocol(), [pathToFileURL(join(dir, 'loop.cjs')).href, '/']);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
