/**
 * The display surface cells get without imports: `display(value, { id })` → handle with
 * `update(value)`, `clearOutput({ wait })`, the `html`/`md`/`svg` tagged templates, and the
 * library hook `globalThis[Symbol.for('flowlab.display')]` (src/runtime/display.ts).
 *
 * Values become MIME bundles by `toBundle`: objects implementing `[Symbol.for('Jupyter.display')]()`
 * give their own bundle (text/plain added if missing), PNG/JPEG bytes become images, anything else
 * becomes text/plain through util.inspect (no colours, depth-limited).
 */
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { MimeBundle } from '../../contract.js';
import { emit } from './output.js';

/** The display protocol symbol shared with Deno and flowlab's library objects. */
export const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');

/** util.inspect settings for text/plain: no colours, bounded depth and size. */
export const INSPECT = { colors: false, depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 } as const;

/** text/plain of any value. */
export function plain(value: unknown): string {
  if (value instanceof Promise) {
    // async_hooks bookkeeping (AsyncLocalStorage) lives in enumerable symbols on promises: hide it.
    for (const sym of Object.getOwnPropertySymbols(value)) {
      if (/^(async_id_symbol|trigger_async_id_symbol|kResourceStore)$/.test(sym.description ?? '')) {
        try { Object.defineProperty(value, sym, { enumerable: false }); } catch { /* frozen */ }
      }
    }
  }
  return inspect(value, INSPECT);
}

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** MIME bundle of a value (async only when its display method returns a promise). */
export function toBundle(value: unknown): MimeBundle | Promise<MimeBundle> {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    const method = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
    if (typeof method === 'function') {
      const out = method.call(value) as MimeBundle | Promise<MimeBundle>;
      const finish = (b: MimeBundle): MimeBundle => {
        const bundle = { ...(b ?? {}) };
        if (typeof bundle['text/plain'] !== 'string') bundle['text/plain'] = shortName(value);
        return bundle;
      };
      return out && typeof (out as Promise<MimeBundle>).then === 'function' ? (out as Promise<MimeBundle>).then(finish) : finish(out as MimeBundle);
    }
    if (value instanceof Uint8Array && (isPng(value) || isJpeg(value))) {
      return { [isPng(value) ? 'image/png' : 'image/jpeg']: Buffer.from(value).toString('base64'), 'text/plain': `<image ${value.length} bytes>` };
    }
  }
  return { 'text/plain': plain(value) };
}

function shortName(value: unknown): string {
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== 'Object' ? `<${name}>` : '<object>';
}

/** A shown output that can be replaced in place. */
export interface DisplayHandle { id: string; update(value: unknown): void }

/** Sends a bundle as display_data (or update_display_data when `update`). */
export function sendBundle(data: MimeBundle, { id, update = false, metadata = {} }: { id?: string; update?: boolean; metadata?: Record<string, unknown> } = {}): void {
  emit({ kind: 'display', data, metadata, displayId: id, update });
}

/** Shows `value` as a new output (display id `id`, default a fresh uuid) and returns its handle. */
export function display(value: unknown, { id = randomUUID() }: { id?: string } = {}): DisplayHandle {
  const show = (v: unknown, update: boolean): Promise<void> => {
    const b = toBundle(v);
    if (b instanceof Promise) return b.then((bundle) => sendBundle(bundle, { id, update }));
    sendBundle(b, { id, update });
    return Promise.resolve();
  };
  const fail = (e: unknown) => void emit({ kind: 'stream', name: 'stderr', text: `display failed: ${String(e)}\n` });
  void show(value, false).catch(fail);
  return { id, update: (v: unknown) => void show(v, true).catch(fail) };
}

/** Clears the cell's output (now, or when the next output arrives if `wait`). */
export function clearOutput({ wait = false }: { wait?: boolean } = {}): void {
  emit({ kind: 'clearOutput', wait });
}

/** A displayable object with a fixed bundle. */
export function rich(mime: string, text: string): { [JUPYTER_DISPLAY](): MimeBundle; toString(): string } {
  return { [JUPYTER_DISPLAY]: () => ({ [mime]: text, 'text/plain': text }), toString: () => text };
}

function template(mime: string) {
  return (strings: TemplateStringsArray | string, ...values: unknown[]) => {
    const text = typeof strings === 'string' ? strings : strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
    return rich(mime, text);
  };
}

/** html`<b>${x}</b>`: a displayable HTML fragment. */
export const html = template('text/html');
/** md`# Title`: displayable Markdown. */
export const md = template('text/markdown');
/** svg`<svg ...>`: a displayable SVG image. */
export const svg = template('image/svg+xml');

/** The hook library code uses (src/runtime/display.ts documents the shape). */
export const displayHook = {
  display(bundle: MimeBundle, options: { id?: string; update?: boolean; metadata?: Record<string, unknown> } = {}): void {
    const data = typeof bundle['text/plain'] === 'string' ? bundle : { ...bundle, 'text/plain': '<display>' };
    sendBundle(data, options);
  },
  clearOutput,
};
