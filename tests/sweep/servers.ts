/**
 * Throw-away `jupyter server` processes for the sweep tests: loopback, a token each, the flowlab
 * kernelspec (type checking off, to keep runs short) in a temp JUPYTER_PATH, and a kill that takes
 * the server's kernels with it (they live in their own process groups, found by connection file).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installKernelspec } from '../../kernel/kernelspec/install.js';
import { kernelArgv, repoRoot } from '../kernel/helpers.js';

/** A running test server. */
export interface TestServer { url: string; token: string; child: ChildProcess; runtimeDir: string; kill(): void }

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  // A port is free only until someone binds it: never hand the same one out twice in a process
  // (two hubs started together once got a proxy API port that the other hub's proxy then took).
  for (;;) {
    const port = await new Promise<number>((res, rej) => {
      const s = createServer();
      s.on('error', rej);
      s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => res(port)); });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

const handedOut = new Set<number>();

/** Kills (SIGKILL, by pid) every process whose command line mentions `needle`. */
export function killProcessesMentioning(needle: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) { process.kill(Number(pid), 'SIGKILL'); n++; }
    } catch { /* gone */ }
  }
  return n;
}

/** A temp Jupyter home with the flowlab kernelspec; `dispose` removes it. */
export function jupyterHome(): { dir: string; env: NodeJS.ProcessEnv; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-sweep-test-'));
  const data = join(dir, 'data');
  const env: NodeJS.ProcessEnv = {
    ...process.env, JUPYTER_DATA_DIR: data, JUPYTER_PATH: data, JUPYTER_CONFIG_DIR: join(dir, 'config'),
    IPYTHONDIR: join(dir, 'ipython'), JUPYTER_PLATFORM_DIRS: '1', PYTHONDONTWRITEBYTECODE: '1', FLOWLAB_HISTORY_DIR: join(dir, 'history'),
  };
  installKernelspec({ user: true, processEnv: env, argv: kernelArgv(), env: { FLOWLAB_TYPECHECK: 'off' } });
  return { dir, env, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `jupyter server` on a free loopback port; resolves once it answers. */
export async function startServer(home: { dir: string; env: NodeJS.ProcessEnv }, token: string): Promise<TestServer> {
  const port = await freePort();
  const runtimeDir = join(home.dir, `runtime-${port}`);
  // The kernel's cwd is the server's root; under tsx the kernel needs node_modules above it.
  const root = repoRoot();
  const child = spawn('/usr/bin/python3', ['-m', 'jupyter_server', '--allow-root', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--ServerApp.token=${token}`, `--ServerApp.root_dir=${root}`],
    { env: { ...home.env, JUPYTER_RUNTIME_DIR: runtimeDir }, cwd: root, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => { log = (log + d).slice(-3000); });
  const url = `http://127.0.0.1:${port}/`;
  const kill = () => {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    killProcessesMentioning(runtimeDir);
  };
  for (let i = 0; i < 150; i++) {
    try { if ((await fetch(`${url}api`)).ok) return { url, token, child, runtimeDir, kill }; } catch { /* not yet */ }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  kill();
  throw new Error(`jupyter server on port ${port} did not start:\n${log}`);
}
