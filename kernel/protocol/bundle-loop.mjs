#!/usr/bin/env node
/**
 * Bundles the protocol worker's message loop (dist/kernel/protocol/run-protocol.js and the
 * modules it imports) into one CommonJS file, dist/kernel/protocol/loop.cjs, after tsc has built
 * dist (`npm run build` runs both).
 *
 * Why: the worker loads the loop right after binding the sockets, while the main thread loads the
 * engine. As 19 ES modules that took ~30 ms here (~20 ms with the machine otherwise idle), as one
 * required file ~5 ms; a client whose reconnect lands in between waits that long for its first
 * kernel_info_reply. kernel/protocol/load-loop.cts picks the bundle when it is at least as new as
 * run-protocol.js, and the ES modules otherwise (running from sources, or tsc run alone after a
 * build), so a stale bundle never runs.
 *
 *   node kernel/protocol/bundle-loop.mjs          bundle; exit 1 with the reason when it cannot
 *   node kernel/protocol/bundle-loop.mjs --dist D  read and write D/kernel/protocol (tests)
 *
 * esbuild is a devDependency: where it is not installed (npm ci --omit=dev) this says so and
 * exits 0, and the kernel loads the ES modules (~25 ms later to its first reply, nothing else).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const distAt = process.argv.indexOf('--dist');
const dist = distAt > 0 ? resolve(process.argv[distAt + 1]) : join(here, '..', '..', 'dist');
const dir = join(dist, 'kernel', 'protocol');
const entry = join(dir, 'run-protocol.js');
const outfile = join(dir, 'loop.cjs');

function fail(message) {
  process.stderr.write(`bundle-loop: ${message}\n`);
  process.exit(1);
}

if (!existsSync(entry)) fail(`${entry} is missing: run tsc -p tsconfig.json first (npm run build does both).`);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('bundle-loop: esbuild is not installed (a devDependency: npm ci installs it); the kernel will load its protocol loop as ES modules, ~25 ms slower to start.\n');
  process.exit(0);
}

try {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The sockets come in from worker.cts; nothing in the loop imports packages, and if it ever
    // does they stay shared with the rest of dist rather than copied in.
    packages: 'external',
    // kernel-info.ts finds package.json from its own URL: the bundle sits in the same folder.
    // 'use strict' first: the modules were strict as ES modules, and a directive after the banner's
    // first statement would not count.
    banner: { js: "'use strict';\n/* Built by kernel/protocol/bundle-loop.mjs from run-protocol.js: do not edit. */\nconst __loopModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__loopModuleUrl' },
    logLevel: 'warning',
  });
} catch (err) {
  fail(`esbuild failed: ${err.message}`);
}
