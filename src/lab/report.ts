/**
 * Reading the results out of an executed notebook (its claims and its figures) and writing the
 * HTML report of `flowlab reproduce`. A claim is a line printed to stdout that starts with
 * `PASS:` or `FAIL:` (the last cell of every reproduction notebook prints them); a figure is an
 * output carrying the plotly MIME type `application/vnd.plotly.v1+json`.
 */
import { figureHtml, escapeHtml, summary, PLOTLY_MIME } from '../plot/render.js';
import type { FigureSpec } from '../plot/types.js';

/** The parts of an nbformat 4 notebook read here. */
export interface NotebookLike { cells: Array<{ cell_type: string; outputs?: unknown[] }> }

/** One checked claim: `PASS: text` or `FAIL: text`. */
export interface Claim { status: 'PASS' | 'FAIL'; text: string; cell: number }

/** One figure: the cell it came from, its index among the notebook's figures, the plotly spec. */
export interface NotebookFigure { cell: number; index: number; spec: FigureSpec; title: string }

type Output = { output_type?: string; name?: string; text?: string | string[]; data?: Record<string, unknown> };

const CLAIM = /^\s*(PASS|FAIL):\s*(.*)$/;

/**
 * Every `PASS: …` / `FAIL: …` line the notebook printed to stdout, in order.
 * @example notebookClaims(executed).filter((c) => c.status === 'FAIL').length // 0 when the paper's claim holds
 */
export function notebookClaims(nb: NotebookLike): Claim[] {
  if (!nb || !Array.isArray(nb.cells)) throw new Error('notebookClaims: nb must be an nbformat 4 notebook (an object with a cells array).');
  const claims: Claim[] = [];
  nb.cells.forEach((cell, i) => {
    for (const o of (cell.outputs ?? []) as Output[]) {
      if (o.output_type !== 'stream' || o.name !== 'stdout') continue;
      const text = Array.isArray(o.text) ? o.text.join('') : o.text ?? '';
      for (const line of text.split('\n')) {
        const m = CLAIM.exec(line);
        if (m) claims.push({ status: m[1] as 'PASS' | 'FAIL', text: m[2].trim(), cell: i });
      }
    }
  });
  return claims;
}

/**
 * Every plotly figure among the notebook's outputs (display_data and execute_result), in order.
 * @example notebookFigures(executed).map((f) => f.title)
 */
export function notebookFigures(nb: NotebookLike): NotebookFigure[] {
  if (!nb || !Array.isArray(nb.cells)) throw new Error('notebookFigures: nb must be an nbformat 4 notebook (an object with a cells array).');
  const figs: NotebookFigure[] = [];
  nb.cells.forEach((cell, i) => {
    for (const o of (cell.outputs ?? []) as Output[]) {
      const spec = o.data?.[PLOTLY_MIME] as FigureSpec | undefined;
      if (!spec || !Array.isArray(spec.data)) continue;
      const layout = { ...(spec.layout ?? {}) };
      figs.push({ cell: i, index: figs.length, spec: { ...spec, layout }, title: summary({ ...spec, layout }) });
    }
  });
  return figs;
}

/** One notebook's section of the report. */
export interface ReportEntry {
  name: string;
  notebook: string;
  title?: string;
  seconds: number;
  claims: Claim[];
  figures: NotebookFigure[];
  /** Cell errors (ename: evalue), if the run stopped early. */
  errors: string[];
  /** Path of the executed notebook, relative to the report. */
  executed?: string;
}

/** Options of reportHtml. */
export interface ReportOptions { scale: string; backend: string; started: Date; title?: string }

/**
 * A self-contained HTML report (plotly.js inlined once): a summary table, then per notebook its
 * claims with PASS/FAIL, its errors, its figures, the time it took; the backend and the scale.
 * @example writeFileSync('out/report.html', reportHtml(entries, { scale: 'quick', backend: 'wasm', started }))
 */
export function reportHtml(entries: ReportEntry[], { scale, backend, started, title = 'flowlab reproduction report' }: ReportOptions): string {
  const passed = (e: ReportEntry) => e.errors.length === 0 && e.claims.length > 0 && e.claims.every((c) => c.status === 'PASS');
  let carried = false;
  const rows = entries.map((e) => `<tr><td><a href="#${escapeHtml(e.name)}">${escapeHtml(e.name)}</a></td><td class="${passed(e) ? 'pass' : 'fail'}">${passed(e) ? 'PASS' : 'FAIL'}</td>`
    + `<td>${e.claims.filter((c) => c.status === 'PASS').length}/${e.claims.length}</td><td>${e.figures.length}</td><td>${e.seconds.toFixed(1)} s</td></tr>`).join('\n');
  const sections = entries.map((e) => {
    const claims = e.claims.length
      ? `<ul>${e.claims.map((c) => `<li><span class="${c.status === 'PASS' ? 'pass' : 'fail'}">${c.status}</span>: ${escapeHtml(c.text)}</li>`).join('')}</ul>`
      : '<p class="fail">No claim was printed (expected lines starting with PASS: or FAIL:).</p>';
    const errors = e.errors.length ? `<pre class="fail">${e.errors.map(escapeHtml).join('\n')}</pre>` : '';
    const figs = e.figures.map((f) => {
      const html = figureHtml(f.spec, { id: `fig-${e.name}-${f.index}`, carry: !carried });
      carried = true;
      return `<figure>${html}<figcaption>${escapeHtml(f.title)} (cell ${f.cell})</figcaption></figure>`;
    }).join('\n');
    const link = e.executed ? ` · <a href="${escapeHtml(e.executed)}">executed notebook</a>` : '';
    return `<section id="${escapeHtml(e.name)}"><h2>${escapeHtml(e.title ?? e.name)}</h2>`
      + `<p class="meta">${escapeHtml(e.notebook)} · ${e.seconds.toFixed(1)} s${link}</p>${claims}${errors}${figs}</section>`;
  }).join('\n');
  const total = entries.reduce((s, e) => s + e.seconds, 0);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3em .8em}.meta{color:#666}figure{margin:1em 0}figcaption{color:#666;font-size:.9em}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">scale: <b>${escapeHtml(scale)}</b> · backend: <b>${escapeHtml(backend)}</b> · started ${escapeHtml(started.toISOString())} · total ${total.toFixed(1)} s</p>
<table><tr><th>notebook</th><th>result</th><th>claims</th><th>figures</th><th>time</th></tr>
${rows}
</table>
${sections}
</body></html>
`;
}
