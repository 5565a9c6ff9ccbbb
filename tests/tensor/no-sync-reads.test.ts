/**
 * The tensor-read rule (src/tensor/read.ts), checked on the compiled library: no module in dist/src
 * or dist/kernel calls a synchronous read (dataSync, arraySync, bufferSync), which throws on webgpu
 * in Node, except the CPU-only helpers allow-listed here, each with its reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../', import.meta.url));

/** file (relative to dist/) → why its synchronous read is allowed. */
const ALLOWED: Record<string, string> = {
  'src/tensor/read.js': 'readSync: CPU-backend conveniences (tensor/dataset display, finite checks on wasm/cpu); throws on webgpu naming the async alternative',
};

const SYNC_READ = /\.(dataSync|arraySync|bufferSync)\s*\(/g;

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return jsFiles(p);
    return p.endsWith('.js') ? [p] : [];
  });
}

/** Source text without comments (a doc comment may name dataSync). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

test('no library module reads tensors synchronously outside the allow-list', () => {
  const offenders: string[] = [];
  for (const root of ['src', 'kernel']) {
    for (const file of jsFiles(join(dist, root))) {
      const rel = relative(dist, file).split('\\').join('/');
      if (rel in ALLOWED) continue;
      const lines = code(readFileSync(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (SYNC_READ.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim().slice(0, 120)}`);
        SYNC_READ.lastIndex = 0;
      });
    }
  }
  assert.deepEqual(offenders, [], `synchronous tensor reads (use await read/readScalars/readPacked from src/tensor/read.ts):\n${offenders.join('\n')}`);
});

test('the allow-list names files that exist and still need it (no stale entries)', () => {
  for (const [rel, reason] of Object.entries(ALLOWED)) {
    const text = code(readFileSync(join(dist, rel), 'utf8'));
    assert.match(text, SYNC_READ, `${rel} is allow-listed (${reason}) but has no synchronous read any more: remove it from the list`);
    SYNC_READ.lastIndex = 0;
  }
});
