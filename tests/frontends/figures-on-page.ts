/**
 * Reading flowlab figures off a notebook page as a person sees them: whether plotly drew SVG,
 * where the drawn line's vertices are, whether the static PNG fallback shows (and how wide it
 * decoded), and whether the "not trusted" note is visible; plus a recorder of every text an
 * output area showed while a cell ran (to see live updates, not just the final state).
 * Page-side code is passed as source text (transpilers would otherwise inject helpers).
 */
import type { Page } from 'playwright-core';

/** One flowlab figure as the page shows it. */
export interface FigureView {
  /** plotly drew it: the element holds an <svg class="main-svg">. */
  svg: boolean;
  /** Traces plotly holds (0 when it never drew). */
  traces: number;
  /** Screen y of each vertex of the first line trace (from its SVG path). */
  lineY: number[];
  /** naturalWidth of the static PNG fallback when it shows (0: none or not decoded). */
  imageWidth: number;
  /** Text of flowlab's untrusted-notebook note when it is visible ('' otherwise). */
  note: string;
}

const READ = `((root) => {
  const out = [];
  const figs = Array.from(root.querySelectorAll('.flowlab-plot, .js-plotly-plot, img.flowlab-fallback, .flowlab-untrusted'))
    .map((el) => el.closest('.output_subarea') || el.closest('.flowlab-plot') || el);
  for (const box of Array.from(new Set(figs))) {
    const gd = box.querySelector('.js-plotly-plot');
    const path = gd ? gd.querySelector('.scatterlayer .trace path.js-line') : null;
    const ys = path ? (path.getAttribute('d').match(/[ML][^ML]+/g) || []).map((s) => Number(s.slice(1).split(',')[1])) : [];
    const img = box.querySelector('img.flowlab-fallback');
    const note = box.querySelector('.flowlab-untrusted');
    out.push({
      svg: !!(gd && gd.querySelector('svg.main-svg')),
      traces: gd && Array.isArray(gd.data) ? gd.data.length : 0,
      lineY: ys,
      imageWidth: img && img.offsetParent !== null && img.complete ? img.naturalWidth : 0,
      note: note && note.offsetParent !== null ? note.textContent.trim() : '',
    });
  }
  return out;
})`;

/** Every flowlab figure on the page, or in code cell `cell` only, in document order. */
export async function figureViews(page: Page, cell?: number): Promise<FigureView[]> {
  const root = cell === undefined ? 'document' : `document.querySelectorAll('#notebook-container .cell.code_cell')[${Number(cell)}]`;
  return page.evaluate(`${READ}(${root})`) as Promise<FigureView[]>;
}

/** Waits until at least `n` figures (on the page, or in code cell `cell`) are drawn by plotly (SVG with traces); returns them. */
export async function waitFiguresDrawn(page: Page, n: number, { cell, timeoutMs = 60_000 }: { cell?: number; timeoutMs?: number } = {}): Promise<FigureView[]> {
  const deadline = Date.now() + timeoutMs;
  let views: FigureView[] = [];
  for (;;) {
    views = await figureViews(page, cell).catch(() => []);
    if (views.length >= n && views.every((v) => v.svg && v.traces > 0)) return views;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${n} drawn figures; the page shows ${JSON.stringify(views)}`);
    await page.waitForTimeout(100);
  }
}

/**
 * Starts recording the text of code cell `i`'s outputs at every change (a MutationObserver in
 * the page); the returned function gives every distinct text seen so far.
 */
export async function recordOutputTexts(page: Page, i: number): Promise<() => Promise<string[]>> {
  const key = `__flowlabSeen${i}_${Date.now()}`;
  await page.evaluate(`(() => {
    const cell = document.querySelectorAll('#notebook-container .cell.code_cell')[${i}];
    const box = cell.querySelector('.output_wrapper');
    const seen = window[${JSON.stringify(key)}] = [];
    new MutationObserver(() => { const t = box.innerText.trim(); if (t && seen[seen.length - 1] !== t) seen.push(t); })
      .observe(box, { childList: true, subtree: true, characterData: true });
  })()`);
  return () => page.evaluate(`window[${JSON.stringify(key)}]`) as Promise<string[]>;
}
