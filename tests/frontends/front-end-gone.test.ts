/**
 * A front end that dies without shutting its kernel down (a terminal closed under
 * `jupyter console`, a crashed qtconsole) must not leave the flowlab kernel running: a Python
 * front end (jupyter_client's KernelManager) starts the kernel, sets it spinning in
 * `while (true) {}`, and is killed with SIGKILL; the kernel process must then end by itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { assertTools, frontendEnv, pythonModuleMissing, skipWithout, waitFor, type FrontendEnv } from './env.js';

const missing = [pythonModuleMissing(['jupyter_client'], 'jupyter-client')];
const skip = skipWithout(...missing);
let fe: FrontendEnv;

before(() => {
  if (skip) return;
  assertTools(...missing);
  fe = frontendEnv('flowlab-gone-');
});
after(() => fe?.dispose());

const FRONT_END = `
import sys, time, jupyter_client
km = jupyter_client.KernelManager(kernel_name='flowlab')
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=90)
kc.execute('while (true) {}')
while kc.get_iopub_msg(timeout=30)['msg_type'] != 'execute_input':
    pass
print(km.provisioner.process.pid, flush=True)
time.sleep(600)
`;

/** Whether `pid` runs (a zombie, ended but not yet reaped by its new parent, does not). */
const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
};

test('the kernel ends by itself when the front end that started it is killed, even mid-cell', { skip, timeout: 120_000 }, async () => {
  const front = spawn('/usr/bin/python3', ['-c', FRONT_END], { env: fe.env, cwd: fe.work, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  front.stdout.on('data', (d) => (out += d));
  front.stderr.on('data', (d) => (err += d));
  try {
    const pid = await waitFor('the kernel pid from the front end', () => /^\d+$/m.test(out) && Number(out.trim().split('\n')[0]), { timeoutMs: 90_000, last: () => err });
    assert.ok(alive(pid), 'the kernel runs while its front end does');
    front.kill('SIGKILL');
    await waitFor(`kernel ${pid} to exit after its front end was killed`, () => !alive(pid), { timeoutMs: 30_000, intervalMs: 200 });
  } finally {
    if (front.exitCode === null) front.kill('SIGKILL');
  }
});
