/**
 * Sweeps across three real `jupyter server` processes (Debian jupyter_server, legacy WebSocket
 * protocol) driven with @jupyterlab/services: one server is killed mid-sweep; the sweep still
 * completes, its values equal a local sweep of the same grid and the closed form of gradient
 * descent on the fixture's quadratic, and re-running it redoes nothing. Bad servers fail early.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sweep, type SweepEvent } from '../../src/lab/sweep.js';
import { freePort, jupyterHome, startServer, type TestServer } from './servers.js';

import { closedForm, grid, rowsOf, bowlNotebook as notebook } from './bowl.js';

test('a sweep over three Jupyter servers survives one being killed, matches a local sweep, and resumes', { timeout: 280_000 }, async () => {
  console.debug = () => undefined; // @jupyterlab/services logs each WebSocket
  const home = jupyterHome();
  const servers: TestServer[] = [];
  const out = mkdtempSync(join(tmpdir(), 'flowlab-sweep-out-'));
  try {
    servers.push(...(await Promise.all(['tok-a', 'tok-b', 'tok-c'].map((t) => startServer(home, t)))));
    const [A, B, C] = servers;

    // Bad input is refused before any run starts.
    const refused = join(out, 'refused');
    await assert.rejects(sweep({ notebook, grid, seeds: 4, servers: [A.url, B.url], token: ['tok-a', 'wrong'], out: refused, quiet: true }),
      (e: Error) => /rejected the token \(HTTP 403\)/.test(e.message) && e.message.includes(B.url) && /No run was started/.test(e.message));
    const closed = `http://127.0.0.1:${await freePort()}/`;
    await assert.rejects(sweep({ notebook, grid, seeds: 4, servers: [A.url, closed], token: 'tok-a', out: refused, quiet: true }),
      (e: Error) => /unreachable \(ECONNREFUSED\)/.test(e.message) && e.message.includes(closed));
    assert.equal(existsSync(join(refused, 'runs.jsonl')), false, 'no run may start when a server is bad');

    // 12 runs on 3 servers; C is killed when its second run starts (mid-run, after it finished one).
    const events: SweepEvent[] = [];
    let cStarts = 0, killedAt = -1;
    const remote = await sweep({
      notebook, grid, seeds: 4, servers: servers.map((s) => s.url), token: servers.map((s) => s.token), out: join(out, 'remote'), retries: 2, timeout: 120, quiet: true,
      onEvent(e) {
        events.push(e);
        if (e.type === 'start' && e.where === C.url && ++cStarts === 2) { killedAt = events.length; setTimeout(() => C.kill(), 1500); }
      },
    });
    assert.ok(killedAt > 0, 'server C ran at least two runs, so it was killed mid-sweep');
    assert.ok(events.some((e) => e.type === 'down' && e.where === C.url), 'the dead server was reported');
    const retried = events.filter((e): e is Extract<SweepEvent, { type: 'retry' }> => e.type === 'retry');
    assert.ok(retried.length >= 1 && retried.every((e) => e.where === C.url), 'the run on C was rescheduled');
    assert.equal(remote.failed.length, 0, JSON.stringify(remote.failed));
    assert.equal(remote.records.length, 12);
    for (const r of retried) {
      const rec = remote.records.find((x) => x.key === r.run.key)!;
      assert.notEqual(rec.where, C.url, 'a retried run finished on another server');
      assert.ok(rec.attempts >= 2);
    }
    const finishedOn = new Set(remote.records.map((r) => r.where));
    assert.ok(finishedOn.has(A.url) && finishedOn.has(B.url) && finishedOn.has(C.url), 'runs were spread over all three servers');

    // Values: the closed form (float32 arithmetic in the kernel) and a local sweep of the same grid.
    const remoteRows = rowsOf(remote.table);
    assert.equal(remoteRows.length, 12);
    for (const row of remoteRows) {
      const cf = closedForm(row.lr, row.seed);
      for (const k of ['w1', 'w2', 'finalLoss'] as const) assert.ok(Math.abs(row[k] - cf[k]) <= 1e-5 * Math.max(1, Math.abs(cf[k])), `${k} at lr=${row.lr} seed=${row.seed}: ${row[k]} vs ${cf[k]}`);
    }
    const local = await sweep({ notebook, grid, seeds: 4, local: 2, out: join(out, 'local'), quiet: true });
    assert.deepEqual(rowsOf(local.table), remoteRows, 'remote and local sweeps agree');
    assert.ok(existsSync(remote.csvPath) && remote.arrowPath && existsSync(remote.arrowPath));
    assert.equal(readFileSync(remote.csvPath, 'utf8').trim().split('\n').length, 13);
    for (const rec of remote.records) assert.ok(existsSync(join(remote.dir, rec.notebook!)), 'the executed notebook sits beside the results');

    // Re-running the same sweep (on the two live servers) redoes nothing.
    const journal = readFileSync(join(remote.dir, 'runs.jsonl'), 'utf8');
    const starts: SweepEvent[] = [];
    const again = await sweep({ notebook, grid, seeds: 4, servers: [A.url, B.url], token: ['tok-a', 'tok-b'], out: join(out, 'remote'), quiet: true, onEvent: (e) => starts.push(e) });
    assert.equal(starts.length, 0);
    assert.deepEqual(again.counts, { total: 12, skipped: 12, executed: 0, retried: 0, failed: 0 });
    assert.equal(readFileSync(join(remote.dir, 'runs.jsonl'), 'utf8'), journal);
    assert.deepEqual(rowsOf(again.table), remoteRows);
  } finally {
    for (const s of servers) s.kill();
    home.dispose();
    rmSync(out, { recursive: true, force: true });
  }
});
