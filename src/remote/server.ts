/**
 * A Jupyter server as flowlab talks to it: connection settings for @jupyterlab/services (Node's
 * fetch, the `ws` WebSocket, the token), and a preflight check that turns the usual mistakes —
 * unreachable URL, wrong token, no flowlab kernelspec — into errors that say what to do.
 */
import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';

/** A server to run on: its base URL and token. */
export interface ServerTarget { url: string; token: string }

/**
 * Normalises a server URL (http/https, trailing slash); throws naming the bad value otherwise.
 * @example normalizeUrl('http://127.0.0.1:8888') // 'http://127.0.0.1:8888/'
 */
export function normalizeUrl(url: string): string {
  let u: URL;
  try { u = new URL(url); } catch {
    throw new Error(`servers: '${url}' is not a URL; pass the Jupyter server's base URL, e.g. http://127.0.0.1:8888/`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`servers: '${url}' must start with http:// or https://.`);
  u.search = '';
  u.hash = '';
  return u.href.endsWith('/') ? u.href : `${u.href}/`;
}

/**
 * @jupyterlab/services settings for a server, usable from Node.
 * @example new KernelManager({ serverSettings: serverSettings({ url, token }) })
 */
export function serverSettings({ url, token }: ServerTarget): ServerConnection.ISettings {
  const baseUrl = normalizeUrl(url);
  return ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch: globalThis.fetch.bind(globalThis) as ServerConnection.ISettings['fetch'],
  });
}

/**
 * Checks that a server answers, accepts the token and offers the kernel `kernelName`; resolves to
 * undefined when it does, else to a message naming the server, the problem and the fix.
 * @example await checkServer({ url: 'http://127.0.0.1:8888', token: 'abc' }) // undefined
 */
export async function checkServer({ url, token }: ServerTarget, { kernelName = 'flowlab', timeoutMs = 5000 } = {}): Promise<string | undefined> {
  const base = normalizeUrl(url);
  let res: Response;
  try {
    res = await fetch(`${base}api/kernelspecs`, { headers: token ? { Authorization: `token ${token}` } : {}, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : err.cause?.code ?? err.cause?.message ?? err.message;
    return `server ${base} is unreachable (${why}); check the URL and that \`jupyter server\` is running there.`;
  }
  if (res.status === 401 || res.status === 403) {
    return `server ${base} rejected the token (HTTP ${res.status}); pass that server's token (\`jupyter server list\` on the server shows it) with --token / { token }.`;
  }
  if (!res.ok) return `server ${base} answered HTTP ${res.status} to GET api/kernelspecs; is this the base URL of a Jupyter server?`;
  let specs: { kernelspecs?: Record<string, unknown> };
  try { specs = (await res.json()) as typeof specs; } catch {
    return `server ${base} did not answer JSON at api/kernelspecs; is this the base URL of a Jupyter server?`;
  }
  const names = Object.keys(specs.kernelspecs ?? {});
  if (!names.includes(kernelName)) {
    return `server ${base} has no '${kernelName}' kernel (it has: ${names.join(', ') || 'none'}); install it there with \`npx flowlab install --user\`.`;
  }
  return undefined;
}
