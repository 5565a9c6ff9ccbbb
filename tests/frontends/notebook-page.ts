/**
 * Driving the classic Notebook UI (Notebook 6) the way a person does: keys typed into the cell's
 * editor, Shift-Enter, toolbar buttons, menus and dialogs; and reading back what the page shows
 * (prompts, output areas, the kernel and trust indicators). Waits are conditions on the page,
 * never fixed sleeps.
 */
import type { Locator, Page } from 'playwright-core';

/** What one code cell shows. */
export interface CellView {
  /** The input prompt's text, e.g. 'In [3]:' or 'In [*]:'. */
  prompt: string;
  /** The cell's source as the editor holds it. */
  source: string;
  /** Visible text of its output area. */
  text: string;
  /** Number of output blocks (one per displayed output). */
  outputs: number;
  /** Number of error outputs. */
  errors: number;
  /** Number of stdout/stderr stream outputs. */
  streams: number;
}

const code = (s: string) => `(() => { ${s} })()`;

/** The code cells of the page, in order. */
export function codeCells(page: Page): Locator {
  return page.locator('#notebook-container .cell.code_cell');
}

/** The source code cell `i`'s editor holds (CodeMirror's value). */
export async function cellSource(page: Page, i: number): Promise<string> {
  return page.evaluate(`document.querySelectorAll('#notebook-container .cell.code_cell')[${Number(i)}].querySelector('.CodeMirror').CodeMirror.getValue()`) as Promise<string>;
}

/** What code cell `i` shows now. */
export async function cellView(page: Page, i: number): Promise<CellView> {
  const cell = codeCells(page).nth(i);
  return {
    prompt: (await cell.locator('.input_prompt').innerText()).replace(/\s+/g, ' ').trim(),
    source: await cellSource(page, i),
    text: await cell.locator('.output_wrapper').innerText(),
    outputs: await cell.locator('.output_area').count(),
    errors: await cell.locator('.output_error').count(),
    streams: await cell.locator('.output_stream').count(),
  };
}

/** Waits until the kernel indicator shows an idle, connected kernel. */
export async function waitKernelIdle(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(code(`
    var icon = document.querySelector('#kernel_indicator_icon');
    return !!icon && icon.classList.contains('kernel_idle_icon');`), undefined, { timeout: timeoutMs, polling: 100 });
}

/** Waits until the kernel indicator shows a busy kernel. */
export async function waitKernelBusy(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(code(`
    var icon = document.querySelector('#kernel_indicator_icon');
    return !!icon && icon.classList.contains('kernel_busy_icon');`), undefined, { timeout: timeoutMs, polling: 50 });
}

/**
 * Types `source` into the last code cell (clicking into its editor first) and presses
 * Shift-Enter; resolves with the cell's index. Multi-line sources are typed line by line with
 * Enter, as a person would (the editor auto-indents; TypeScript does not mind).
 */
export async function typeAndRun(page: Page, source: string): Promise<number> {
  const i = await typeInLastCell(page, source);
  await page.keyboard.press('Shift+Enter');
  return i;
}

/** Types `source` into the last code cell without running it; returns the cell's index. */
export async function typeInLastCell(page: Page, source: string): Promise<number> {
  const cells = codeCells(page);
  const i = (await cells.count()) - 1;
  const editor = cells.nth(i).locator('.CodeMirror');
  await editor.click();
  // A cell left with text (a step that failed before running it) is emptied first.
  if (await cellSource(page, i) !== '') {
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Backspace');
  }
  const lines = source.split('\n');
  for (let k = 0; k < lines.length; k++) {
    if (k > 0) await page.keyboard.press('Enter');
    await page.keyboard.type(lines[k]);
  }
  // The editor closes brackets and quotes itself and steps over the closing ones typed: check
  // that what a person typed is what the cell holds.
  const held = await cellSource(page, i);
  const squash = (s: string) => s.replace(/\s+/g, '');
  if (squash(held) !== squash(source)) throw new Error(`typing into cell ${i} gave\n${held}\ninstead of\n${source}`);
  return i;
}

/**
 * Waits until code cell `i` has finished: its prompt shows a number (not '*' or blank) and the
 * kernel is idle again; returns what the cell shows.
 */
export async function waitCellDone(page: Page, i: number, timeoutMs = 60_000): Promise<CellView> {
  await page.waitForFunction(code(`
    var cell = document.querySelectorAll('#notebook-container .cell.code_cell')[${i}];
    var icon = document.querySelector('#kernel_indicator_icon');
    return !!cell && /In\\s*\\[\\d+\\]/.test(cell.querySelector('.input_prompt').textContent)
      && !!icon && icon.classList.contains('kernel_idle_icon');`), undefined, { timeout: timeoutMs, polling: 100 });
  return cellView(page, i);
}

/** Types, runs with Shift-Enter, and waits for the cell to finish. */
export async function runCell(page: Page, source: string, timeoutMs = 60_000): Promise<CellView & { index: number }> {
  const index = await typeAndRun(page, source);
  return { index, ...(await waitCellDone(page, index, timeoutMs)) };
}

/** Clicks the toolbar button of a Notebook action (e.g. 'interrupt-kernel', 'save-notebook'). */
export async function clickToolbar(page: Page, action: string): Promise<void> {
  await page.locator(`#maintoolbar button[data-jupyter-action="jupyter-notebook:${action}"]`).click();
}

/** Opens a menu of the menubar (e.g. 'Kernel') and clicks the item with the given text. */
export async function clickMenu(page: Page, menu: string, item: string): Promise<void> {
  await page.locator('#menubar .navbar-nav > li > a.dropdown-toggle', { hasText: menu }).first().click();
  await page.locator('#menubar ul.dropdown-menu:visible > li > a', { hasText: item }).first().click();
}

/** Clicks the button labelled `label` in the open modal dialog. */
export async function confirmDialog(page: Page, label: string): Promise<void> {
  await page.locator('.modal-dialog .modal-footer button', { hasText: label }).click();
  await page.locator('.modal-dialog').waitFor({ state: 'detached', timeout: 10_000 });
}

/** The text of the notebook's trust indicator ('Trusted' / 'Not Trusted'). */
export async function trustIndicator(page: Page): Promise<string> {
  return (await page.locator('#notification_trusted').innerText()).trim();
}
