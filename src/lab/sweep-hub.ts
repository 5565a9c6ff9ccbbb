/**
 * The JupyterHub side of `sweep({ hub })`: the options, and starting the sweep's named servers
 * with the same preflight as `servers` URLs (token, kernelspec) before any run.
 */
import type { HubServer } from '../remote/hub.js';

/** Where `sweep({ hub })` starts its servers. */
export interface SweepHub {
  /** The Hub's public URL, e.g. 'https://hub.example.org/'. */
  url: string;
  /** A token the Hub accepts: a user's own (from /hub/token) or an admin/service token with the servers and access:servers scopes. */
  token: string;
  /** Named servers to start. Default 2. */
  servers?: number;
  /** The Hub user whose servers they are. Default: the token's user ('flowlab-sweep' for a service token, created when missing). */
  user?: string;
  /** Seconds to wait for a server to start. Default 120. */
  startTimeout?: number;
}

/**
 * Starts the Hub's named servers for a sweep and checks each offers the kernel; on any failure (or
 * an abort) stops the ones started and throws, naming the fix. Resolves to the servers.
 */
export async function startSweepHub(hub: SweepHub, remote: typeof import('../remote/index.js'), kernelName: string, signal?: AbortSignal): Promise<HubServer[]> {
  const target = { url: hub.url, token: hub.token, user: hub.user };
  const started = await remote.startHubServers(target, hub.servers ?? 2, { timeoutMs: (hub.startTimeout ?? 120) * 1000 })
    .catch((e: Error) => { throw new Error(`sweep: ${e.message}\nNo run was started.`); });
  const problems = signal?.aborted ? [] : (await Promise.all(started.map((s) => remote.checkServer({ url: s.url, token: hub.token }, { kernelName })))).filter(Boolean);
  if (problems.length || signal?.aborted) {
    await Promise.all(started.map((s) => remote.stopHubServer(target, s.user, s.name).catch(() => undefined)));
    signal?.throwIfAborted();
    const fix = "install the kernelspec where the Hub's single-user servers find it (on the Hub machine: `npx flowlab install --sys-prefix`, or `--prefix DIR` with DIR/share/jupyter on the servers' JUPYTER_PATH)";
    throw new Error(`sweep: ${problems.map((p) => p!.replace(/; install it there with .*$/, `; ${fix}.`)).join('\n')}\nNo run was started.`);
  }
  return started;
}
