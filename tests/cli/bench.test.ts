/**
 * `flowlab bench`: lists exactly the benchmark scripts of bench/ (each with the opening of its own
 * doc comment), refuses unknown names and options with the list of known ones.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/args.js';
import { benchCommand, listBenchmarks } from '../../src/cli/commands/bench.js';
import { repoRoot } from '../kernel/helpers.js';

test('flowlab bench lists every script of bench/ with the opening words of its doc comment', () => {
  const dir = join(repoRoot(), 'bench');
  const sources = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
  const listed = listBenchmarks();
  assert.deepEqual(listed.map((b) => b.name), sources);
  for (const b of listed) {
    const doc = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(join(dir, `${b.name}.ts`), 'utf8'))![1]!;
    const words = doc.replace(/\s*\*\s*/g, ' ').replace(/bench\/[\w-]+:/, '').trim().split(/\s+/).slice(0, 3).join(' ');
    assert.ok(b.summary.startsWith(words.replace(/\(issue$/, '').trim()), `${b.name}: '${b.summary}' opens like its doc comment ('${words}')`);
    assert.ok(b.summary.length <= 112, `${b.name}: summary fits a line`);
  }
});

test('flowlab bench refuses unknown benchmarks and options before --', async () => {
  await assert.rejects(benchCommand.run(['nope']), (e: Error) => e instanceof UsageError && /unknown benchmark 'nope'; choose from: .*kernel.*\(or all\)/.test(e.message));
  await assert.rejects(benchCommand.run(['kernel', '--reps', '3']), (e: Error) => e instanceof UsageError && /after --/.test(e.message));
});
