/**
 * Rich display of tensors in Jupyter: patches `tf.Tensor.prototype[Symbol.for('Jupyter.display')]`
 * once, returning a MIME bundle with the shape, dtype and the first values (text/plain) and a small
 * HTML table (up to 8×8 values of the leading 2-D slice).
 */
import { tfjs as tf } from './tfjs.js';
import { canReadSync, readSync } from './read.js';

const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');
const MAX_TEXT = 10;
const MAX_ROWS = 8;

function fmt(x: number | string | boolean): string {
  return typeof x === 'number' ? String(Number(x.toPrecision(5))) : String(x);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The MIME bundle shown for a tensor: text/plain `Tensor float32 [2, 2] [1, 2.5, 3, 4]` (first 10
 * values, 5 significant digits) and text/html with a table of up to 8×8 values.
 * @example tensorBundle(tf.tensor1d([1, 2]))['text/plain'] // 'Tensor float32 [2] [1, 2]'
 */
export function tensorBundle(t: tf.Tensor): Record<string, string> {
  if (t.isDisposed) return disposedBundle(t);
  return bundleOf(t, readSync(t, 'await tensorBundleAsync(t)') as ArrayLike<number>);
}

/**
 * `tensorBundle` for any backend (one async read); tensors display through it on webgpu.
 * @example (await tensorBundleAsync(t))['text/plain']
 */
export async function tensorBundleAsync(t: tf.Tensor): Promise<Record<string, string>> {
  if (t.isDisposed) return disposedBundle(t);
  return bundleOf(t, (await t.data()) as ArrayLike<number>);
}

function disposedBundle(t: tf.Tensor): Record<string, string> {
  const head = `Tensor ${t.dtype} [${t.shape.join(', ')}]`;
  return { 'text/plain': `${head} (disposed)`, 'text/html': `<code>${escapeHtml(head)} (disposed)</code>` };
}

function bundleOf(t: tf.Tensor, data: ArrayLike<number | string>): Record<string, string> {
  const head = `Tensor ${t.dtype} [${t.shape.join(', ')}]`;
  const values = Array.from(data) as (number | string)[];
  const shown = values.slice(0, MAX_TEXT).map(fmt).join(', ');
  const text = `${head} ${t.size === 0 ? '[]' : `[${shown}${values.length > MAX_TEXT ? `, … (${values.length} values)` : ''}]`}`;
  const cols = t.rank >= 2 ? t.shape[t.rank - 1] : Math.max(t.size, 1);
  const rows = t.rank >= 2 ? Math.min(t.shape[t.rank - 2], MAX_ROWS) : 1;
  let html = `<div><code>${escapeHtml(head)}</code><table style="font-family:monospace">`;
  for (let r = 0; r < rows; r++) {
    html += '<tr>';
    for (let c = 0; c < Math.min(cols, MAX_ROWS); c++) {
      const v = values[r * cols + c];
      html += `<td>${v === undefined ? '' : escapeHtml(fmt(v))}</td>`;
    }
    html += cols > MAX_ROWS ? '<td>…</td></tr>' : '</tr>';
  }
  html += '</table></div>';
  return { 'text/plain': text, 'text/html': html };
}

let patched = false;
/** Gives every tensor a `[Symbol.for('Jupyter.display')]()` method (once). */
export function patchTensorDisplay(): void {
  if (patched) return;
  patched = true;
  Object.defineProperty(tf.Tensor.prototype, JUPYTER_DISPLAY, {
    value: function (this: tf.Tensor) {
      return canReadSync() ? tensorBundle(this) : tensorBundleAsync(this);
    },
    configurable: true,
    writable: true,
  });
}
