/**
 * @jupyterlab/services (JupyterLab's own client library) drives the flowlab kernel through a real
 * `jupyter server` on loopback: start, execute, display + update, interrupt, restart, shutdown.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from '@jupyterlab/services';
import WebSocket from 'ws';
import { jupyterEnv } from './helpers.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForServer(url: string, token: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`jupyter server exited early:\n${log()}`);
    try {
      const r = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter server did not start:\n${log()}`);
}

interface Run {
  reply: KernelMessage.IExecuteReplyMsg;
  iopub: KernelMessage.IIOPubMessage[];
  ms: number;
}

async function run(kernel: Kernel.IKernelConnection, code: string, during?: () => Promise<void>): Promise<Run> {
  const t0 = performance.now();
  const future = kernel.requestExecute({ code, stop_on_error: false });
  const iopub: KernelMessage.IIOPubMessage[] = [];
  future.onIOPub = (msg) => void iopub.push(msg);
  if (during) await during();
  const t1 = performance.now();
  const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
  return { reply, iopub, ms: performance.now() - (during ? t1 : t0) };
}

const resultText = (r: Run): string | undefined =>
  (r.iopub.find((m) => m.header.msg_type === 'execute_result')?.content as { data?: Record<string, string> } | undefined)?.data?.['text/plain'];

test('@jupyterlab/services through jupyter server: start, execute, display/update, interrupt, restart', { timeout: 180_000 }, async () => {
  const j = jupyterEnv();
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  let log = '';
  const server = spawn('/usr/bin/python3', ['-m', 'jupyter_server', '--allow-root', '--no-browser', `--ServerApp.token=${token}`, '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0', `--ServerApp.root_dir=${j.dir}`], { env: j.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  let manager: KernelManager | undefined;
  try {
    const baseUrl = `http://127.0.0.1:${port}/`;
    await waitForServer(baseUrl, token, server, () => log);
    const serverSettings = ServerConnection.makeSettings({ baseUrl, wsUrl: `ws://127.0.0.1:${port}/`, token, appendToken: true, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
    manager = new KernelManager({ serverSettings });
    await manager.ready;
    const kernel = await manager.startNew({ name: 'flowlab' });
    const info = await kernel.info;
    assert.equal(info.implementation, 'flowlab');
    assert.equal(info.language_info.name, 'typescript');

    // execute with state across cells
    await run(kernel, 'let total = 0; for (let i = 1; i <= 100; i++) total += i;');
    const sum = await run(kernel, 'total');
    assert.equal(sum.reply.content.status, 'ok');
    assert.equal(resultText(sum), '5050'); // Gauss: 100·101/2

    // display, then update by display id
    const disp = await run(kernel, 'const d = display(html`<p>v1</p>`, { id: "svc" }); d.update(html`<p>v2</p>`); undefined');
    const types = disp.iopub.map((m) => m.header.msg_type);
    assert.ok(types.includes('display_data') && types.includes('update_display_data'), types.join(','));
    const upd = disp.iopub.find((m) => m.header.msg_type === 'update_display_data')!.content as KernelMessage.IUpdateDisplayDataMsg['content'];
    assert.equal(upd.transient?.display_id, 'svc');
    assert.equal((upd.data as Record<string, string>)['text/html'], '<p>v2</p>');

    // interrupt a blocking loop (the server uses the kernelspec's interrupt_mode: signal)
    const stopped = await run(kernel, 'while (true) {}', async () => {
      await new Promise((r) => setTimeout(r, 800));
      await kernel.interrupt();
    });
    assert.equal(stopped.reply.content.status, 'error');
    assert.ok(stopped.ms < 1000, `interrupt took ${stopped.ms.toFixed(0)} ms`);
    assert.equal(resultText(await run(kernel, 'total + 1')), '5051');

    // restart: a fresh session, the old variables are gone, the kernel works
    await kernel.restart();
    const fresh = await run(kernel, 'typeof total');
    assert.equal(resultText(fresh), "'undefined'");
    assert.equal(fresh.reply.content.execution_count, 1);

    await kernel.shutdown();
    const running = await fetch(`${baseUrl}api/kernels`, { headers: { Authorization: `token ${token}` } }).then((r) => r.json() as Promise<unknown[]>);
    assert.equal(running.length, 0);
  } finally {
    manager?.dispose();
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    await new Promise((r) => setTimeout(r, 500));
    try {
      process.kill(-server.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
    j.dispose();
  }
});
