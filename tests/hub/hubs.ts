/**
 * Throw-away JupyterHub processes for the Hub tests: loopback on free ports, a config written into
 * a temp dir (dummy authenticator, SimpleLocalProcessSpawner with homes in the temp dir, an admin
 * service token, named servers on or off), single-user servers that find kernelspecs in a given
 * prefix (JUPYTER_PATH), and a stop that takes the proxy, the servers and their kernels with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort } from '../sweep/servers.js';

/** A running test Hub. */
export interface TestHub { url: string; token: string; dir: string; child: ChildProcess; log(): string; stop(): Promise<void> }

/** Absolute path of an executable on PATH (or /usr/bin), undefined when missing. */
export function which(name: string): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin']) if (d && existsSync(join(d, name))) return join(d, name);
  return undefined;
}

/** Why the Hub tests cannot run here, or undefined when they can. */
export function hubMissing(): string | undefined {
  const missing = ['jupyterhub', 'jupyterhub-singleuser', 'configurable-http-proxy'].filter((n) => !which(n));
  return missing.length ? `${missing.join(', ')} not installed (apt-get install jupyterhub)` : undefined;
}

/** Kills (SIGKILL) every process whose command line or environment mentions `needle`. */
function killProcessesUnder(needle: string): void {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    try {
      const seen = readFileSync(`/proc/${pid}/cmdline`, 'utf8') + readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (seen.includes(needle)) process.kill(Number(pid), 'SIGKILL');
    } catch { /* gone, or not ours */ }
  }
}

const py = (v: unknown) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : JSON.stringify(v));

/** Options of startHub. */
export interface HubOptions {
  /** c.JupyterHub.allow_named_servers. */
  namedServers: boolean;
  /** The kernelspec prefix the single-user servers see (PREFIX/share/jupyter on their JUPYTER_PATH). */
  prefix: string;
  /** The admin service's api_token. */
  token: string;
}

/** Starts `jupyterhub` in `dir` (created); resolves once its proxy answers GET /hub/api/. */
export async function startHub(dir: string, { namedServers, prefix, token }: HubOptions): Promise<TestHub> {
  mkdirSync(dir, { recursive: true });
  const [port, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const root = process.getuid?.() === 0;
  const config = [
    'c = get_config()  # noqa',
    `c.JupyterHub.bind_url = ${py(`http://127.0.0.1:${port}/`)}`,
    `c.JupyterHub.hub_bind_url = ${py(`http://127.0.0.1:${hubPort}/`)}`,
    `c.ConfigurableHTTPProxy.api_url = ${py(`http://127.0.0.1:${apiPort}`)}`,
    `c.ConfigurableHTTPProxy.command = ${py([which('configurable-http-proxy')])}`,
    `c.ConfigurableHTTPProxy.pid_file = ${py(join(dir, 'proxy.pid'))}`,
    "c.JupyterHub.authenticator_class = 'dummy'",
    "c.JupyterHub.spawner_class = 'simple'",
    `c.JupyterHub.allow_named_servers = ${py(namedServers)}`,
    `c.JupyterHub.db_url = ${py(`sqlite:///${join(dir, 'hub.sqlite')}`)}`,
    `c.JupyterHub.cookie_secret_file = ${py(join(dir, 'cookie_secret'))}`,
    `c.JupyterHub.pid_file = ${py(join(dir, 'hub.pid'))}`,
    `c.SimpleLocalProcessSpawner.home_dir_template = ${py(join(dir, 'home', '{username}'))}`,
    `c.Spawner.cmd = ${py([which('jupyterhub-singleuser')])}`,
    `c.Spawner.args = ${py(root ? ['--allow-root'] : [])}`,
    `c.Spawner.environment = ${py({ JUPYTER_PATH: join(prefix, 'share', 'jupyter'), JUPYTER_PLATFORM_DIRS: '1', FLOWLAB_TYPECHECK: 'off', FLOWLAB_HISTORY_DIR: join(dir, 'history') })}`,
    `c.JupyterHub.services = [{'name': 'sweeper', 'api_token': ${py(token)}}]`,
    "c.JupyterHub.load_roles = [{'name': 'sweeper', 'scopes': ['admin:users', 'admin:servers', 'access:servers'], 'services': ['sweeper']}]",
    '',
  ].join('\n');
  writeFileSync(join(dir, 'jupyterhub_config.py'), config);
  // Debian's configurable-http-proxy finds its modules in /usr/share/nodejs only under Debian's node.
  const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(delimiter) };
  const child = spawn(which('jupyterhub')!, ['-f', join(dir, 'jupyterhub_config.py')], { cwd: dir, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => { log = (log + d).slice(-6000); });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM'); // the Hub stops its proxy and servers (which shut their kernels down)
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
    }
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    try { process.kill(Number(readFileSync(join(dir, 'proxy.pid'), 'utf8')), 'SIGKILL'); } catch { /* gone */ }
    killProcessesUnder(dir);
  };
  const url = `http://127.0.0.1:${port}/`;
  const t0 = Date.now();
  while (Date.now() - t0 < 60_000 && child.exitCode === null) {
    try { if ((await fetch(`${url}hub/api/`)).ok) return { url, token, dir, child, log: () => log, stop }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`jupyterhub in ${dir} did not start:\n${log}`);
}

/** Calls the Hub's REST API with the test token; resolves to status and JSON (or {}). */
export async function hubApi(hub: TestHub, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${hub.url}hub/api/${path}`, { method, headers: { Authorization: `token ${hub.token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

/** The running (or pending) named servers of a Hub user, by name. */
export async function userServers(hub: TestHub, user: string): Promise<Record<string, { ready: boolean; url: string }>> {
  const r = await hubApi(hub, 'GET', `users/${user}`);
  return r.status === 404 ? {} : r.json.servers;
}

/** Polls `cond` every 100 ms until it holds (resolves) or `timeoutMs` passes (rejects naming `what`). */
export async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
