/**
 * A JupyterHub as flowlab talks to it (REST API, JupyterHub ≥ 2): check the token, start named
 * single-user servers for one Hub user (`POST hub/api/users/NAME/servers/SERVER`), wait until
 * they are ready, and stop them again. Each started server is an ordinary Jupyter server behind
 * the Hub's proxy (`<hub>/user/NAME/SERVER/`), reached with the same token — so a sweep runs on
 * it exactly as on a `--servers` URL. Errors name the Hub, the problem and the fix.
 */
import { randomBytes } from 'node:crypto';
import type { SweepNotebook } from '../lab/sweep-notebook.js';
import type { Executor } from '../lab/sweep-schedule.js';
import { serverExecutor } from './execute.js';
import { checkServer, normalizeUrl } from './server.js';

/** A Hub to start servers on: its public URL (the one users open), a token, and the Hub user. */
export interface HubTarget {
  url: string;
  token: string;
  /** The Hub user whose named servers run the sweep. Default: the token's own user; for a service token, 'flowlab-sweep' (created when missing). */
  user?: string;
}

/** One named server started through the Hub. */
export interface HubServer { user: string; name: string; url: string }

/** The Hub's public base URL, without a trailing `hub/`: 'http://h:8000/hub' → 'http://h:8000/'. */
export function hubBaseUrl(url: string): string {
  return normalizeUrl(url).replace(/hub\/$/, '');
}

async function call(hub: HubTarget, method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<{ status: number; json: Record<string, unknown> }> {
  const base = hubBaseUrl(hub.url);
  let res: Response;
  try {
    res = await fetch(`${base}hub/api/${path}`, {
      method, headers: { Authorization: `token ${hub.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : err.cause?.code ?? err.cause?.message ?? err.message;
    throw new Error(`hub ${base} is unreachable (${why}); check the URL and that \`jupyterhub\` is running there.`);
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try { json = text ? JSON.parse(text) : {}; } catch { json = { message: text.slice(0, 200) }; }
  return { status: res.status, json };
}

const message = (json: Record<string, unknown>) => String(json.message ?? '').trim();

/**
 * Checks that `hub.url` is a JupyterHub that accepts the token, and finds the user to run as
 * (creating the service default user when missing). Throws naming the fix otherwise.
 * @example const user = await checkHub({ url: 'http://127.0.0.1:8000', token }) // 'alice'
 */
export async function checkHub(hub: HubTarget): Promise<string> {
  const base = hubBaseUrl(hub.url);
  const info = await call(hub, 'GET', '');
  if (info.status !== 200 || typeof info.json.version !== 'string') {
    throw new Error(`${base} is not a JupyterHub (GET hub/api/ answered HTTP ${info.status}); pass the Hub's public URL, e.g. https://hub.example.org/.`);
  }
  const me = await call(hub, 'GET', 'user');
  if (me.status === 401 || me.status === 403) {
    throw new Error(`hub ${base} rejected the token (HTTP ${me.status}); pass a valid one with --token: a user's token from ${base}hub/token, \`jupyterhub token USER\` on the Hub, or a service's api_token (jupyterhub_config.py) with a role granting the servers and access:servers scopes.`);
  }
  if (me.status !== 200) throw new Error(`hub ${base} answered HTTP ${me.status} to GET hub/api/user: ${message(me.json)}`);
  const user = hub.user ?? (me.json.kind === 'user' ? String(me.json.name) : 'flowlab-sweep');
  const found = await call(hub, 'GET', `users/${encodeURIComponent(user)}`);
  if (found.status === 404) {
    const made = await call(hub, 'POST', `users/${encodeURIComponent(user)}`);
    if (made.status !== 201) throw new Error(`hub ${base} has no user '${user}' and the token may not create it (HTTP ${made.status}: ${message(made.json)}); create it (Hub admin page), pass an existing one with --hub-user, or give the token the admin:users scope.`);
  } else if (found.status !== 200) {
    throw new Error(`the token may not read Hub user '${user}' (HTTP ${found.status}: ${message(found.json)}); use ${user}'s own token or give the token the read:users and servers scopes.`);
  }
  return user;
}

/** Reads a Hub's spawn-progress event stream until it reports ready or failed. */
async function awaitProgress(hub: HubTarget, user: string, name: string, timeoutMs: number): Promise<{ ready: boolean; message: string }> {
  const base = hubBaseUrl(hub.url);
  const res = await fetch(`${base}hub/api/users/${encodeURIComponent(user)}/servers/${encodeURIComponent(name)}/progress`, { headers: { Authorization: `token ${hub.token}` }, signal: AbortSignal.timeout(timeoutMs) })
    .catch((e: Error) => { throw new Error(`named server '${name}' on ${base} did not report ready within ${timeoutMs / 1000} s (${e.message}); raise the start timeout or look at the Hub's log.`); });
  if (!res.ok || !res.body) return { ready: false, message: `HTTP ${res.status} from its progress API` };
  let buffer = '', last = { ready: false, message: 'the progress stream ended' };
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i).trim();
      buffer = buffer.slice(i + 1);
      if (!line.startsWith('data:')) continue;
      const ev = JSON.parse(line.slice(5)) as { ready?: boolean; failed?: boolean; message?: string };
      if (ev.ready) return { ready: true, message: '' };
      if (ev.failed) return { ready: false, message: ev.message ?? 'spawn failed' };
      last = { ready: false, message: ev.message ?? last.message };
    }
  }
  return last;
}

/**
 * Starts one named server `name` of `user` and waits until the Hub reports it ready; resolves to
 * its URL through the Hub's proxy. Throws naming the fix when the Hub has no named servers, the
 * user reached the Hub's limit, the token may not start servers, or the spawn failed.
 * @example await startHubServer(hub, 'alice', 'sweep-1') // { url: 'http://h:8000/user/alice/sweep-1/', ... }
 */
export async function startHubServer(hub: HubTarget, user: string, name: string, { timeoutMs = 120_000 } = {}): Promise<HubServer> {
  const base = hubBaseUrl(hub.url);
  const path = `users/${encodeURIComponent(user)}/servers/${encodeURIComponent(name)}`;
  const r = await call(hub, 'POST', path, {}, timeoutMs);
  const why = message(r.json);
  if (r.status === 400 && /named servers are not enabled/i.test(why)) {
    throw new Error(`hub ${base} does not allow named servers; set \`c.JupyterHub.allow_named_servers = True\` in its jupyterhub_config.py and restart the Hub, or run on single-user servers you started yourself with --servers URL,... .`);
  }
  if (r.status === 400 && /maximum of/i.test(why)) throw new Error(`hub ${base}: ${why} Pass fewer --servers, stop some of ${user}'s servers, or raise c.JupyterHub.named_server_limit_per_user.`);
  if (r.status === 403) throw new Error(`the token may not start servers of Hub user '${user}' (HTTP 403); use ${user}'s own token, or a token with the servers and access:servers scopes.`);
  if (r.status !== 201 && r.status !== 202) throw new Error(`hub ${base} could not start named server '${name}' of '${user}' (HTTP ${r.status}: ${why}).`);
  const progress = r.status === 202 ? await awaitProgress(hub, user, name, timeoutMs) : { ready: true, message: '' };
  if (!progress.ready) throw new Error(`named server '${name}' of '${user}' on ${base} did not start (${progress.message}); the Hub's log says why.`);
  const model = await call(hub, 'GET', `users/${encodeURIComponent(user)}`);
  const server = (model.json.servers as Record<string, { url?: string; ready?: boolean }> | undefined)?.[name];
  if (!server?.url) throw new Error(`hub ${base} reports named server '${name}' of '${user}' ready but gives no URL for it.`);
  return { user, name, url: new URL(server.url, base).href };
}

/**
 * Whether a named server is still running, as the Hub sees it: 'ready', 'pending' or 'stopped'.
 * @example await hubServerState(hub, 'alice', 'sweep-1') // 'ready'
 */
export async function hubServerState(hub: HubTarget, user: string, name: string): Promise<'ready' | 'pending' | 'stopped'> {
  const model = await call(hub, 'GET', `users/${encodeURIComponent(user)}`, undefined, 5000);
  const s = (model.json.servers as Record<string, { ready?: boolean; pending?: string | null }> | undefined)?.[name];
  return !s ? 'stopped' : s.ready ? 'ready' : s.pending ? 'pending' : 'stopped';
}

/**
 * Stops and removes a named server (`DELETE …/servers/NAME`, remove: true) and waits until the
 * Hub reports it gone; a server already gone is fine.
 */
export async function stopHubServer(hub: HubTarget, user: string, name: string, { timeoutMs = 30_000 } = {}): Promise<void> {
  const path = `users/${encodeURIComponent(user)}/servers/${encodeURIComponent(name)}`;
  const t0 = Date.now();
  for (let wait = 100; ; wait = Math.min(1000, wait * 2)) {
    const r = await call(hub, 'DELETE', path, { remove: true });
    if (r.status === 204 || r.status === 404 || (r.status === 400 && /not enabled/i.test(message(r.json)))) return;
    // 202: stopping; 400 'is pending stop/spawn': ask again shortly.
    if ((r.status !== 202 && !(r.status === 400 && /pending/i.test(message(r.json)))) || Date.now() - t0 > timeoutMs) {
      throw new Error(`hub ${hubBaseUrl(hub.url)} did not stop named server '${name}' of '${user}' (HTTP ${r.status}: ${message(r.json)}); stop it from the Hub's control panel.`);
    }
    await new Promise((res) => setTimeout(res, wait));
  }
}

/** Fresh server names for one sweep: `flowlab-<6 hex>-<i>`. */
export function hubServerNames(count: number): string[] {
  const tag = randomBytes(3).toString('hex');
  return Array.from({ length: count }, (_, i) => `flowlab-${tag}-${i + 1}`);
}

/**
 * Starts `count` named servers of the Hub user (in parallel), all or none: when one fails, the
 * ones already started are stopped before the error is thrown.
 * @example const servers = await startHubServers({ url, token }, 2) // [{ url: '…/user/alice/flowlab-3fa2c1-1/' }, …]
 */
export async function startHubServers(hub: HubTarget, count: number, { timeoutMs = 120_000 } = {}): Promise<HubServer[]> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`hub: servers must be a positive integer number of named servers to start, got ${count}.`);
  const user = await checkHub(hub);
  const names = hubServerNames(count);
  // The first start shows whether the Hub allows named servers at all; the rest go in parallel.
  const first = await startHubServer(hub, user, names[0]!, { timeoutMs }).catch(async (e: Error) => {
    await stopHubServer(hub, user, names[0]!).catch(() => undefined);
    throw e;
  });
  const rest = await Promise.allSettled(names.slice(1).map((n) => startHubServer(hub, user, n, { timeoutMs })));
  const failed = rest.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(names.map((n) => stopHubServer(hub, user, n).catch(() => undefined)));
    throw failed.reason;
  }
  return [first, ...rest.map((r) => (r as PromiseFulfilledResult<HubServer>).value)];
}

/**
 * An Executor on one named Hub server: runs as `serverExecutor` on its proxy URL; its health check
 * asks the Hub first, so a server the Hub stopped (an admin, the idle culler) is reported as such.
 * @example hubExecutor(hub, server, nb, { slots: 1 })
 */
export function hubExecutor(hub: HubTarget, server: HubServer, notebook: SweepNotebook, { slots = 1, kernelName = 'flowlab' } = {}): Executor {
  const target = { url: server.url, token: hub.token };
  const inner = serverExecutor(target, notebook, { slots, kernelName });
  return {
    ...inner,
    async check() {
      const state = await hubServerState(hub, server.user, server.name).catch(() => 'unknown' as const);
      if (state === 'stopped') return `Hub server '${server.name}' of '${server.user}' (${server.url}) was stopped (the Hub reports it not running).`;
      return checkServer(target, { kernelName, timeoutMs: 3000 });
    },
  };
}
