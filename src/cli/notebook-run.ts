/**
 * Shared by `flowlab run` and `flowlab reproduce`: parse `-p key=value`, execute a notebook in
 * process (kernel/notebook/run.ts), write the executed .ipynb and every figure as a standalone
 * .html into an output folder, and read back its claims.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError } from './args.js';
import type { Claim, NotebookFigure } from '../lab/report.js';
import type { Notebook } from '../../kernel/notebook/run.js';
import type { ServerTarget } from '../remote/server.js';

/**
 * Parses `key=value` pairs: values that are valid JSON (numbers, true/false, null, quoted strings,
 * arrays, objects) are taken as JSON, anything else as a plain string.
 * @example parseParameters(['steps=100', 'scale=paper']) // { steps: 100, scale: 'paper' }
 */
export function parseParameters(pairs: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`-p expects key=value (e.g. -p scale=paper), got '${pair}'.`);
    const key = pair.slice(0, at).trim();
    const raw = pair.slice(at + 1);
    if (!/^[A-Za-z_$][\w$]*$/.test(key)) throw new UsageError(`-p: parameter name '${key}' is not a valid identifier; use letters, digits, _ or $.`);
    let value: unknown = raw;
    try { value = JSON.parse(raw); } catch { /* a plain string */ }
    out[key] = value;
  }
  return out;
}

/** What executing one notebook produced. */
export interface NotebookRun {
  name: string;
  executedPath: string;
  figurePaths: string[];
  figures: NotebookFigure[];
  claims: Claim[];
  errors: string[];
  seconds: number;
  title?: string;
}

/** Options of executeNotebook. */
export interface ExecuteOptions {
  outDir: string;
  parameters?: Record<string, unknown>;
  timeoutPerCell?: number;
  name?: string;
  /** Run on this Jupyter server's `flowlab` kernel instead of in process. */
  server?: ServerTarget;
}

/**
 * Runs the notebook at `path` in process and writes `<outDir>/<name>.ipynb` and
 * `<outDir>/<name>-fig<i>.html` (plotly.js inlined; open offline).
 * @example const r = await executeNotebook('notebooks/quickstart.ipynb', { outDir: 'out' }); r.claims
 */
export async function executeNotebook(path: string, { outDir, parameters = {}, timeoutPerCell, name, server }: ExecuteOptions): Promise<NotebookRun> {
  const input = resolve(path);
  const stem = name ?? basename(input).replace(/\.ipynb$/, '');
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const executedPath = join(dir, `${stem}.ipynb`);
  const [{ notebookClaims, notebookFigures }, { standaloneHtml }] = await Promise.all([
    import('../lab/report.js'),
    import('../plot/save.js'),
  ]);
  const t0 = performance.now();
  let notebook: Notebook;
  let errors: string[];
  try {
    ({ notebook, errors } = server ? await executeRemotely(input, executedPath, server, parameters, timeoutPerCell) : await executeInProcess(input, executedPath, parameters, timeoutPerCell));
  } finally {
    // Figures may have started Chromium (PNG fallbacks); in a notebook it idles for minutes before
    // closing, which would keep this command alive: close it now.
    await (await import('../plot/chromium.js')).closeBrowser().catch(() => undefined);
  }
  const seconds = (performance.now() - t0) / 1000;
  const figures = notebookFigures(notebook);
  const figurePaths = figures.map((f) => {
    const file = join(dir, `${stem}-fig${f.index + 1}.html`);
    writeFileSync(file, standaloneHtml(f.spec));
    return file;
  });
  const first = notebook.cells.find((c) => c.cell_type === 'markdown');
  const src = first ? (Array.isArray(first.source) ? first.source.join('') : first.source) : '';
  const title = /^#\s+(.+)$/m.exec(src)?.[1]?.trim();
  return {
    name: stem, executedPath, figurePaths, figures, claims: notebookClaims(notebook), seconds, title, errors,
  };
}

/** In process, with the flowlab engine (kernel/notebook/run.ts); writes the executed notebook. */
async function executeInProcess(input: string, executedPath: string, parameters: Record<string, unknown>, timeoutPerCell?: number): Promise<{ notebook: Notebook; errors: string[] }> {
  const { runNotebook } = await import('../../kernel/notebook/run.js');
  const { notebook, errors } = await runNotebook(input, { outputPath: executedPath, parameters, timeoutPerCell });
  return { notebook, errors: errors.map((e) => `cell ${e.cell}: ${e.ename}: ${e.evalue}`) };
}

/**
 * On a Jupyter server's flowlab kernel (src/remote): checks the server first (unreachable, wrong
 * token, no flowlab kernelspec → an Error saying what to do), then writes the executed notebook.
 */
async function executeRemotely(input: string, executedPath: string, server: ServerTarget, parameters: Record<string, unknown>, timeoutPerCell?: number): Promise<{ notebook: Notebook; errors: string[] }> {
  const [{ checkServer }, { executeOnServer }, { readNotebook }] = await Promise.all([
    import('../remote/server.js'), import('../remote/execute.js'), import('../../kernel/notebook/run.js'),
  ]);
  const problem = await checkServer(server);
  if (problem) throw new Error(`run: ${problem}`);
  const { notebook, error } = await executeOnServer(server, readNotebook(input), parameters, { timeoutPerCell });
  writeFileSync(executedPath, JSON.stringify(notebook, null, 1) + '\n');
  return { notebook, errors: error ? [error] : [] };
}
