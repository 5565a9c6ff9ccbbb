/**
 * `flowlab run NOTEBOOK --server URL --token T`: the notebook runs on a real `jupyter server`'s
 * flowlab kernel through @jupyterlab/services. The quickstart's claims (closed forms of GD on a
 * quadratic) PASS there and its figure is written; -p values reach the kernel; a failing cell, a
 * FAIL claim and a cell past --timeout exit 1; a wrong token or a dead server is refused with a
 * message naming the fix, before any cell runs.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCommand } from '../../src/cli/commands/run.js';
import { UsageError } from '../../src/cli/args.js';
import { notebookClaims } from '../../src/lab/report.js';
import { repoRoot } from '../kernel/helpers.js';
import { freePort, jupyterHome, startServer, type TestServer } from '../sweep/servers.js';

test('flowlab run --server: notebooks execute on a Jupyter server kernel, with parameters, errors and timeouts', { timeout: 240_000 }, async () => {
  console.debug = () => undefined; // @jupyterlab/services logs each WebSocket
  const home = jupyterHome();
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-run-server-'));
  let server: TestServer | undefined;
  try {
    server = await startServer(home, 'tok-run');
    const remote = ['--server', server.url, '--token', server.token];
    const executed = (sub: string, name: string) => JSON.parse(readFileSync(join(dir, sub, name), 'utf8'));

    // A real reproduction notebook: every claim PASSes on the server's kernel, its figure is written.
    const quickstart = join(repoRoot(), 'notebooks', 'quickstart.ipynb');
    assert.equal(await runCommand.run([quickstart, ...remote, '--out', join(dir, 'q')]), 0);
    const nb = executed('q', 'quickstart.ipynb');
    const claims = notebookClaims(nb);
    assert.ok(claims.length > 0 && claims.every((c) => c.status === 'PASS'), JSON.stringify(claims));
    assert.ok(nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').every((c: { execution_count: number | null }) => c.execution_count !== null), 'every code cell executed');
    assert.ok(readdirSync(join(dir, 'q')).includes('quickstart-fig1.html'), 'figure 1 written');

    // Parameters are injected after the `parameters` cell, as in process.
    const cell = (source: string, tags: string[] = []) => ({ cell_type: 'code', metadata: { tags }, source, outputs: [], execution_count: null });
    const write = (name: string, cells: unknown[]) => { const p = join(dir, name); writeFileSync(p, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells })); return p; };
    const claim = write('claim.ipynb', [cell('let k = 1;', ['parameters']), cell('console.log(k === 3 ? "PASS: k is 3" : "FAIL: k is " + k);')]);
    assert.equal(await runCommand.run([claim, ...remote, '--out', join(dir, 'a')]), 1, 'a FAIL claim exits 1');
    assert.deepEqual(notebookClaims(executed('a', 'claim.ipynb')).map((c) => `${c.status}: ${c.text}`), ['FAIL: k is 1']);
    assert.equal(await runCommand.run([claim, '-p', 'k=3', ...remote, '--out', join(dir, 'b')]), 0);
    assert.deepEqual(notebookClaims(executed('b', 'claim.ipynb')).map((c) => `${c.status}: ${c.text}`), ['PASS: k is 3']);

    // A cell error stops the run there; a cell past --timeout is interrupted and the kernel shut down.
    const broken = write('broken.ipynb', [cell('throw new Error("boom");'), cell('console.log("PASS: never")')]);
    assert.equal(await runCommand.run([broken, ...remote, '--out', join(dir, 'c')]), 1);
    const c = executed('c', 'broken.ipynb');
    const thrower = c.cells.find((x: { source: string }) => String(x.source).includes('boom'));
    assert.equal(thrower.outputs.find((o: { output_type: string }) => o.output_type === 'error')?.evalue, 'boom');
    assert.deepEqual(notebookClaims(c), [], 'execution stops at the failing cell');
    const slow = write('slow.ipynb', [cell('let n = 0; while (true) { n++; }'), cell('console.log("PASS: never")')]);
    const errors: string[] = [];
    const origError = console.error;
    console.error = (...a: unknown[]) => { errors.push(a.join(' ')); };
    try {
      assert.equal(await runCommand.run([slow, ...remote, '--timeout', '2', '--out', join(dir, 'd')]), 1);
    } finally { console.error = origError; }
    assert.match(errors.join('\n'), /cell \d: TimeoutError: the cell ran longer than 2 s and was interrupted/);
    const kernels = await (await fetch(`${server.url}api/kernels?token=${server.token}`)).json() as unknown[];
    assert.deepEqual(kernels, [], 'every kernel the runs started was shut down');

    // Bad servers are refused before anything runs, with the fix in the message.
    await assert.rejects(runCommand.run([claim, '--server', server.url, '--token', 'wrong', '--out', join(dir, 'e')]),
      (e: Error) => /rejected the token \(HTTP 403\)/.test(e.message) && e.message.includes(server!.url));
    const closed = `http://127.0.0.1:${await freePort()}/`;
    await assert.rejects(runCommand.run([claim, '--server', closed, '--token', 't', '--out', join(dir, 'e')]), (e: Error) => /unreachable \(ECONNREFUSED\)/.test(e.message));
    assert.equal(existsSync(join(dir, 'e', 'claim.ipynb')), false, 'nothing written for a refused server');
    await assert.rejects(runCommand.run([claim, '--server', 'ftp://x', '--token', 't']), /must start with http/);
    const saved = process.env.JUPYTER_TOKEN;
    delete process.env.JUPYTER_TOKEN;
    try {
      await assert.rejects(runCommand.run([claim, '--server', server.url]), (e: Error) => e instanceof UsageError && /needs --token/.test(e.message));
    } finally { if (saved !== undefined) process.env.JUPYTER_TOKEN = saved; }
  } finally {
    server?.kill();
    home.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
