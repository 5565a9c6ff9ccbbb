/**
 * Test helpers for src/plot: the repo root, the test output folder, and snapshot comparison of
 * normalised figure JSON (Observable Plot's practice: numbers rounded, random ids renamed) against
 * committed goldens in tests/plot/snapshots/. A missing golden fails unless UPDATE_SNAPSHOTS=1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file with a package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('tests/plot: cannot find the repository root (package.json) above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** tests/output/<sub> under the repo root (gitignored), created on demand. */
export function outputDir(sub = 'plot'): string {
  const dir = join(repoRoot(), 'tests', 'output', sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Rounds numbers to 4 significant digits, renames random ids, drops `uid`, turns typed arrays into arrays. */
export function normalise(value: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    if (Math.abs(value) < 1e-9) return 0;
    return Number(value.toPrecision(4));
  }
  if (typeof value === 'string') return value.replace(/flowlab-(plot|live)-[0-9a-f-]{36}/g, 'flowlab-$1-ID');
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, normalise);
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const src = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
    if (src !== value) return normalise(src);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'uid' && v !== undefined) out[k] = normalise(v);
    return out;
  }
  return value;
}

/** Compares the normalised value with tests/plot/snapshots/<name>.json. */
export function matchSnapshot(name: string, value: unknown): void {
  const file = join(repoRoot(), 'tests', 'plot', 'snapshots', `${name}.json`);
  const text = JSON.stringify(normalise(value), null, 1) + '\n';
  if (!existsSync(file)) {
    if (process.env.UPDATE_SNAPSHOTS === '1') {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return;
    }
    assert.fail(`snapshot ${name}: golden ${file} is missing. Run with UPDATE_SNAPSHOTS=1 once, inspect the file by eye, and commit it.`);
  }
  if (process.env.UPDATE_SNAPSHOTS === '1' && process.env.OVERWRITE_SNAPSHOTS === '1') { writeFileSync(file, text); return; }
  assert.deepEqual(JSON.parse(text), JSON.parse(readFileSync(file, 'utf8')), `snapshot ${name} differs from ${file}`);
}
