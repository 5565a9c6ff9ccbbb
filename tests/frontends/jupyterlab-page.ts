/**
 * The JupyterLab notebook page of tests/frontends/fixtures/jupyterlab/app.ts: bundled by esbuild
 * (TypeScript, CSS, fonts and icons of JupyterLab's packages) into a folder that Debian's
 * `jupyter server` serves as extra static files, beside the Jupyter REST and kernel APIs the
 * page talks to (same origin, token in the page config).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../kernel/helpers.js';
import { waitFor, type FrontendEnv } from './env.js';

/** Why the page cannot be built here (esbuild or JupyterLab's packages missing), or undefined. */
export async function jupyterlabSkipReason(): Promise<string | undefined> {
  for (const pkg of ['esbuild', '@jupyterlab/notebook', '@jupyterlab/completer', '@jupyterlab/theme-light-extension']) {
    try { await import.meta.resolve(pkg); } catch { return `the npm package ${pkg} is missing: run npm ci (it is a devDependency)`; }
  }
  return undefined;
}

/** Bundles the page into `outDir` (app.js, app.css, fonts). */
export async function buildJupyterlabPage(outDir: string): Promise<void> {
  const esbuild = await import('esbuild');
  // JupyterLab's CSS imports packages webpack-style ('~@lumino/widgets/style/index.css').
  const tilde = { name: 'tilde', setup(b: import('esbuild').PluginBuild) { b.onResolve({ filter: /^~/ }, (a) => b.resolve(a.path.slice(1), { kind: a.kind, resolveDir: a.resolveDir })); } };
  await esbuild.build({
    entryPoints: [join(repoRoot(), 'tests', 'frontends', 'fixtures', 'jupyterlab', 'app.ts')],
    bundle: true, outdir: outDir, format: 'iife', minify: true, logLevel: 'error', plugins: [tilde],
    loader: { '.svg': 'text', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.png': 'file', '.gif': 'file' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
  });
}

/** A Jupyter server serving the page; `pageUrl(path)` opens a notebook in it. */
export interface LabServer {
  url: string;
  token: string;
  pageUrl(notebookPath: string): string;
  stop(): Promise<void>;
}

/**
 * Builds the page and starts `jupyter server` (jupyter_server, Debian's jupyter-server) on
 * loopback with the environment's kernelspecs, serving `fe.work` and the page.
 */
export async function startLabServer(fe: FrontendEnv, { timeoutMs = 90_000 } = {}): Promise<LabServer> {
  const stat = join(fe.dir, 'lab-page');
  mkdirSync(stat, { recursive: true });
  await buildJupyterlabPage(stat);
  const net = await import('node:net');
  const port = await new Promise<number>((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
  const { randomBytes } = await import('node:crypto');
  const token = randomBytes(16).toString('hex');
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('/usr/bin/python3', ['-m', 'jupyter_server', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', '--allow-root',
    `--ServerApp.token=${token}`, `--ServerApp.root_dir=${fe.work}`, `--ServerApp.extra_static_paths=${JSON.stringify([stat])}`], { env: fe.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => { log = (log + String(d)).slice(-4000); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  try {
    await waitFor('jupyter server to answer', async () => {
      if (child.exitCode !== null) throw new Error(`jupyter server exited (${child.exitCode}):\n${log}`);
      try { return (await fetch(`${url}/api/status?token=${token}`)).ok; } catch { return false; }
    }, { timeoutMs, intervalMs: 250, last: () => log });
  } catch (err) {
    await stop();
    throw err;
  }
  const pageUrl = (notebookPath: string) => {
    const page = `lab-${notebookPath.replace(/[^A-Za-z0-9]/g, '_')}.html`;
    const config = { baseUrl: `${url}/`, wsUrl: `ws://127.0.0.1:${port}/`, token, notebookPath, appName: 'flowlab JupyterLab notebook test' };
    writeFileSync(join(stat, page), '<!doctype html><html><head><meta charset="utf-8"><title>flowlab in JupyterLab</title>'
      + `<script id="jupyter-config-data" type="application/json">${JSON.stringify(config)}</script>`
      + '<link rel="stylesheet" href="app.css"><style>body{margin:0} #main{position:absolute;inset:4px}</style>'
      + '</head><body><script src="app.js"></script></body></html>');
    return `${url}/static/${page}`;
  };
  return { url, token, pageUrl, stop };
}
