/**
 * History store semantics: glob matching checked against SQLite's GLOB (what IPython's history
 * search uses, via Python's sqlite3), and tail / range / search / unique / sessions on hand-built
 * histories.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { globToRegExp } from '../../kernel/protocol/glob.js';
import { HistoryStore } from '../../kernel/protocol/history.js';
import { runProcess } from './helpers.js';

const PATTERNS = ['1*2', '1?2', '*', 'a[bc]d', 'a[^bc]d', 'x[a-c]*', '*.ts', '[*]x', 'a]b', '6 [*] ?', 'c*\\*'];
const SOURCES = ['1 + 2', '1+2', '12', 'abd', 'acd', 'aed', 'xb', 'xz1', 'file.ts', '*x', 'a]b', '6 * 7', 'multi\nline 2', 'c\\', 'c\\x\\'];

test('globToRegExp agrees with SQLite GLOB on every pattern × source pair', { timeout: 30_000 }, async () => {
  const script = `
import json, sqlite3, sys
pats, srcs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
db = sqlite3.connect(':memory:')
print(json.dumps([[bool(db.execute('SELECT ? GLOB ?', (s, p)).fetchone()[0]) for s in srcs] for p in pats]))`;
  const r = await runProcess('/usr/bin/python3', ['-c', script, JSON.stringify(PATTERNS), JSON.stringify(SOURCES)]);
  assert.equal(r.code, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as boolean[][];
  PATTERNS.forEach((p, i) => SOURCES.forEach((s, j) => assert.equal(globToRegExp(p).test(s), expected[i]![j], `${JSON.stringify(p)} vs ${JSON.stringify(s)}`)));
});

test('HistoryStore: sessions are claimed exclusively; tail, range, search, unique and n across sessions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-history-'));
  try {
    const a = new HistoryStore(dir);
    const b = new HistoryStore(dir);
    await Promise.all([a.open(), b.open()]);
    assert.deepEqual([a.session, b.session].sort(), [1, 2], 'two kernels started together get distinct sessions');
    const [first, second] = a.session < b.session ? [a, b] : [b, a];
    first.add(1, 'x = 1', null);
    first.add(2, '1 + 2', '3');
    await first.flush();
    second.add(1, '1 + 2', '3');
    second.add(2, 'y', null);
    second.add(5, '1 * 2', '2');
    const rows = (es: { session: number; line: number; source: string }[]) => es.map((e) => [e.session, e.line, e.source]);
    assert.deepEqual(rows(await second.tail(4)), [[1, 2, '1 + 2'], [2, 1, '1 + 2'], [2, 2, 'y'], [2, 5, '1 * 2']]);
    assert.deepEqual(rows(await second.range(0, 2, 6)), [[2, 2, 'y'], [2, 5, '1 * 2']]);
    assert.deepEqual(rows(await second.range(-1, 1, 2)), [[1, 1, 'x = 1']], 'session -1 is the previous one');
    assert.deepEqual(rows(await second.search('1*2')), [[1, 2, '1 + 2'], [2, 1, '1 + 2'], [2, 5, '1 * 2']]);
    assert.deepEqual(rows(await second.search('1*2', { unique: true })), [[2, 1, '1 + 2'], [2, 5, '1 * 2']]);
    assert.deepEqual(rows(await second.search('1*2', { n: 2 })), [[2, 1, '1 + 2'], [2, 5, '1 * 2']]);
    const third = new HistoryStore(dir);
    await third.open();
    assert.equal(third.session, 3);
    assert.deepEqual((await third.range(1, 2, 3)).map((e) => e.output), ['3'], 'outputs persist on disk');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
