/**
 * The Hub client without a Hub: URL normalisation, an unreachable Hub and a server that is not a
 * Hub refused with the fix, and `flowlab sweep --hub` usage errors. (tests/hub/hub.test.ts drives
 * a real jupyterhub.)
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkHub, hubBaseUrl } from '../../src/remote/hub.js';
import { repoRoot, runProcess } from '../kernel/helpers.js';
import { freePort } from '../sweep/servers.js';

const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
const notebook = join(repoRoot(), 'tests', 'sweep', 'fixtures', 'bowl.ipynb');

test('hubBaseUrl takes the URL users open, with or without hub/', () => {
  assert.equal(hubBaseUrl('http://127.0.0.1:8000'), 'http://127.0.0.1:8000/');
  assert.equal(hubBaseUrl('http://127.0.0.1:8000/hub/'), 'http://127.0.0.1:8000/');
  assert.equal(hubBaseUrl('https://h.example.org/jupyter/hub'), 'https://h.example.org/jupyter/');
  assert.throws(() => hubBaseUrl('h.example.org'), /not a URL/);
});

test('an unreachable Hub and a server that is not a Hub are refused, naming the fix', async () => {
  const closed = `http://127.0.0.1:${await freePort()}/`;
  await assert.rejects(checkHub({ url: closed, token: 't' }), (e: Error) => e.message.includes(closed) && /unreachable \(ECONNREFUSED\)/.test(e.message) && /jupyterhub/.test(e.message));
  const server = createServer((_req, res) => { res.writeHead(404, { 'Content-Type': 'text/html' }); res.end('<h1>nope</h1>'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  try {
    await assert.rejects(checkHub({ url, token: 't' }), (e: Error) => /is not a JupyterHub \(GET hub\/api\/ answered HTTP 404\)/.test(e.message) && /public URL/.test(e.message));
  } finally { server.close(); }
});

test('flowlab sweep --hub: usage errors before anything starts', async () => {
  const noToken = await runProcess(process.execPath, [cli, 'sweep', notebook, '--grid', 'lr=[0.1]', '--hub', 'http://127.0.0.1:1/']);
  assert.equal(noToken.code, 2);
  assert.match(noToken.stderr, /--hub needs --token/);
  const badCount = await runProcess(process.execPath, [cli, 'sweep', notebook, '--grid', 'lr=[0.1]', '--hub', 'http://127.0.0.1:1/', '--token', 't', '--servers', 'http://x:8888']);
  assert.equal(badCount.code, 2);
  assert.match(badCount.stderr, /with --hub, --servers is the number of named servers/);
  const userOnly = await runProcess(process.execPath, [cli, 'sweep', notebook, '--grid', 'lr=[0.1]', '--hub-user', 'alice']);
  assert.equal(userOnly.code, 2);
  assert.match(userOnly.stderr, /--hub-user goes with --hub/);
});
