/**
 * `init()`: plotly.py's init_notebook_mode(connected=False) for flowlab. Displaying its result
 * puts plotly.js (offline, ~4.8 MB) into that cell's output, so every figure below draws even
 * after other outputs are cleared, in nbconvert's HTML and in reopened (trusted) notebooks.
 */
import { JUPYTER_DISPLAY, displayHook, type MimeBundle } from '../runtime/display.js';
import { carrierBundle } from './render.js';

/**
 * Loads plotly.js into the notebook page. Returns a displayable object; inside the flowlab kernel
 * it also displays itself when called as a statement.
 * @example fl.plot.init()   // first cell of a notebook with many figures
 */
export function init(): { [JUPYTER_DISPLAY](): MimeBundle; toString(): string } {
  let bundle: MimeBundle | undefined;
  const get = () => (bundle ??= carrierBundle());
  return { [JUPYTER_DISPLAY]: get, toString: () => String(get()['text/plain']) };
}

/**
 * Displays a figure (or anything with a MIME bundle) now, through the kernel's display hook;
 * returns false outside a notebook. Useful inside loops, where a cell's last value is not shown.
 * @example for (const lr of lrs) await fl.plot.show(fl.plot.sharpness(runs[lr].table, { lr }))
 */
export async function show(obj: { [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle> }, { id }: { id?: string } = {}): Promise<boolean> {
  const hook = displayHook();
  if (!hook) return false;
  if (!obj || typeof obj[JUPYTER_DISPLAY] !== 'function') throw new TypeError('plot.show: expected a figure or another object with [Symbol.for("Jupyter.display")]().');
  hook.display(await obj[JUPYTER_DISPLAY](), id ? { id } : undefined);
  return true;
}
