/**
 * flowlab on a real JupyterHub (Debian's `jupyterhub` on loopback: dummy authenticator, local
 * process spawner, an admin service token): the kernelspec installed with `flowlab install
 * --prefix` is what the Hub's single-user servers list; `sweep({ hub })` starts named servers,
 * survives one being stopped through the Hub mid-run (its run retried elsewhere, nothing finished
 * lost), matches the closed form and a local sweep, and stops its servers at the end; a bad token,
 * a Hub without named servers and a server without the kernel are refused before any run; Ctrl-C
 * on `flowlab sweep --hub` stops its servers. Skipped (with a message) when jupyterhub is not installed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sweep, type SweepEvent } from '../../src/lab/sweep.js';
import { repoRoot, runProcess } from '../kernel/helpers.js';
import { hubApi, hubMissing, startHub, userServers, waitFor, type TestHub } from './hubs.js';

import { closedForm, grid, rowsOf, STEPS, bowlNotebook as notebook } from '../sweep/bowl.js';
const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');

const skip = hubMissing();
if (skip) console.log(`# tests/hub skipped: ${skip}`);

test('flowlab on a JupyterHub: kernelspec, a sweep over named servers with one stopped mid-run, refusals, Ctrl-C', { skip, timeout: 300_000 }, async () => {
  console.debug = () => undefined; // @jupyterlab/services logs each WebSocket
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-hub-test-'));
  const hubs: TestHub[] = [];
  try {
    // The teacher's install: the kernelspec into a prefix the single-user servers see.
    const prefix = join(dir, 'prefix');
    const install = await runProcess(process.execPath, [cli, 'install', '--prefix', prefix]);
    assert.equal(install.code, 0, install.stderr);
    const specFile = join(prefix, 'share', 'jupyter', 'kernels', 'flowlab', 'kernel.json');
    const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { argv: string[] };

    // One after the other, each registered at once: a hub that fails to start must not leave the other running.
    const A = await startHub(join(dir, 'hub-a'), { namedServers: true, prefix, token: 'tok-admin-a' });
    hubs.push(A);
    const B = await startHub(join(dir, 'hub-b'), { namedServers: false, prefix, token: 'tok-admin-b' });
    hubs.push(B);

    // A named server started through the REST API lists that kernelspec (checked without flowlab's client).
    assert.equal((await hubApi(A, 'POST', 'users/teacher')).status, 201);
    assert.ok([201, 202].includes((await hubApi(A, 'POST', 'users/teacher/servers/check', {})).status));
    await waitFor('the check server', async () => (await userServers(A, 'teacher')).check?.ready === true);
    const specs = await (await fetch(`${A.url}user/teacher/check/api/kernelspecs`, { headers: { Authorization: `token ${A.token}` } })).json() as { kernelspecs: Record<string, { spec: { argv: string[]; display_name: string } }> };
    assert.ok(specs.kernelspecs.flowlab, `the single-user server lists: ${Object.keys(specs.kernelspecs)}`);
    assert.deepEqual(specs.kernelspecs.flowlab.spec.argv, spec.argv, 'it is the kernelspec installed in the prefix');
    assert.equal(specs.kernelspecs.flowlab.spec.display_name, 'TypeScript (flowlab)');
    assert.equal((await hubApi(A, 'DELETE', 'users/teacher/servers/check', { remove: true })).status, 204);

    // Refusals before any run: a bad token (through the CLI), a Hub without named servers.
    const refused = join(dir, 'refused');
    const bad = await runProcess(process.execPath, [cli, 'sweep', notebook, '--grid', 'lr=[0.1]', '--hub', A.url, '--token', 'wrong', '--out', refused, '--quiet']);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /rejected the token \(HTTP 403\)/);
    assert.match(bad.stderr, /--token/);
    await assert.rejects(sweep({ notebook, grid, hub: { url: B.url, token: B.token }, out: refused, quiet: true }),
      (e: Error) => /does not allow named servers/.test(e.message) && /c\.JupyterHub\.allow_named_servers = True/.test(e.message) && /No run was started/.test(e.message));
    assert.equal(existsSync(join(refused, 'runs.jsonl')), false, 'no run may start when the Hub is refused');
    assert.deepEqual(await userServers(B, 'flowlab-sweep'), {}, 'nothing left running on the Hub without named servers');
    await assert.rejects(sweep({ notebook, grid, hub: { url: A.url, token: A.token, servers: 1, user: 'dave' }, kernelName: 'no-such-kernel', out: refused, quiet: true }),
      (e: Error) => /has no 'no-such-kernel' kernel/.test(e.message) && /flowlab install --sys-prefix/.test(e.message) && /No run was started/.test(e.message));
    assert.deepEqual(await userServers(A, 'dave'), {}, 'a server without the kernel is stopped again');
    assert.equal(existsSync(join(refused, 'runs.jsonl')), false);

    // 6 runs on 2 named servers; X is stopped through the Hub when its second run's kernel is up.
    const events: SweepEvent[] = [];
    const names = new Map<string, string>();
    let xStarts = 0, stopped: Promise<void> | undefined, X = '';
    const result = await sweep({
      notebook, grid, seeds: 2, hub: { url: A.url, token: A.token, servers: 2 }, out: join(dir, 'hub-sweep'), retries: 2, timeout: 120, quiet: true,
      onEvent(e) {
        events.push(e);
        if (e.type === 'hub-server') { names.set(e.where, e.name); X ||= e.where; }
        if (e.type === 'start' && e.where === X && ++xStarts === 2) {
          stopped = (async () => {
            const kernels = async () => (await (await fetch(`${X}api/kernels`, { headers: { Authorization: `token ${A.token}` } })).json()) as unknown[];
            await waitFor("the kernel of X's second run", async () => (await kernels()).length > 0, 30_000);
            const r = await hubApi(A, 'DELETE', `users/flowlab-sweep/servers/${names.get(X)}`, { remove: true });
            assert.ok([202, 204].includes(r.status), JSON.stringify(r));
          })();
          stopped.catch(() => undefined); // awaited below
        }
      },
    });
    assert.ok(stopped, 'server X started a second run');
    await stopped;
    assert.equal(names.size, 2, 'two named servers were started');
    assert.ok(events.some((e) => e.type === 'down' && e.where === X && /was stopped/.test(e.message)), 'the stopped server was reported as stopped by the Hub');
    const retried = events.filter((e): e is Extract<SweepEvent, { type: 'retry' }> => e.type === 'retry');
    assert.ok(retried.length >= 1 && retried.every((e) => e.where === X), 'the run on X was rescheduled');
    assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
    assert.equal(result.records.length, 6);
    for (const r of retried) {
      const rec = result.records.find((x) => x.key === r.run.key)!;
      assert.notEqual(rec.where, X, 'a retried run finished on the other server');
      assert.ok(rec.attempts >= 2);
    }
    assert.ok(result.records.some((r) => r.where === X), "X's finished run is kept");
    const journal = readFileSync(join(result.dir, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string });
    assert.deepEqual(journal.map((r) => r.status), Array(6).fill('ok'), 'every finished run journaled once');
    assert.deepEqual(await userServers(A, 'flowlab-sweep'), {}, 'the sweep stopped the servers it started');

    // Values: the closed form (float32 in the kernel) and the same runs done locally.
    const hubRows = rowsOf(result.table);
    assert.equal(hubRows.length, 6);
    for (const row of hubRows) {
      const cf = closedForm(row.lr, row.seed);
      for (const k of ['w1', 'w2', 'finalLoss'] as const) assert.ok(Math.abs(row[k] - cf[k]) <= 1e-5 * Math.max(1, Math.abs(cf[k])), `${k} at lr=${row.lr} seed=${row.seed}: ${row[k]} vs ${cf[k]}`);
    }
    const local = await sweep({ notebook, grid, seeds: 2, local: 2, out: join(dir, 'local'), quiet: true });
    assert.deepEqual(rowsOf(local.table), hubRows, 'the Hub sweep and a local sweep agree');

    // Ctrl-C on `flowlab sweep --hub` while a run is executing stops its server and records nothing half-done.
    const out = join(dir, 'interrupted');
    const child = spawn(process.execPath, [cli, 'sweep', notebook, '--grid', 'lr=[0.05,0.1,0.2]', '--seeds', '3', '--hub', A.url, '--token', A.token, '--hub-user', 'carol', '--servers', '1', '--out', out, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    const kernelsOf = async (url: string) => (await (await fetch(`${url}api/kernels`, { headers: { Authorization: `token ${A.token}` } })).json()) as unknown[];
    await waitFor("a kernel of the CLI sweep's Hub server", async () => {
      const s = Object.values(await userServers(A, 'carol'))[0];
      return !!s?.ready && (await kernelsOf(new URL(s.url, A.url).href)).length > 0;
    }, 60_000);
    child.kill('SIGINT');
    assert.equal(await exit, 130, stderr);
    assert.match(stderr, /interrupted \(SIGINT\)/);
    assert.deepEqual(await userServers(A, 'carol'), {}, "Ctrl-C stopped the sweep's Hub server");
    const kept = existsSync(join(out, 'runs.jsonl')) ? readFileSync(join(out, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string }) : [];
    assert.ok(kept.length < 9 && kept.every((r) => r.status === 'ok'), `only finished runs are journaled: ${JSON.stringify(kept)}`);
  } finally {
    await Promise.all(hubs.map((h) => h.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
});
