/**
 * A module compatible with tslab's public API (`import * as tslab from "tslab"`), backed by the
 * flowlab display surface, so notebooks written for tslab keep working.
 */
import { randomUUID } from 'node:crypto';
import type { MimeBundle } from '../../contract.js';
import { display as show, sendBundle } from './display.js';

type Sender = (bundle: MimeBundle) => void;

function makeDisplay(send: Sender) {
  const bytes = (mime: string) => (b: Uint8Array) => send({ [mime]: Buffer.from(b).toString('base64'), 'text/plain': `<${mime} ${b.length} bytes>` });
  const text = (mime: string) => (s: string) => send(mime === 'text/plain' ? { 'text/plain': s } : { [mime]: s, 'text/plain': s });
  return {
    javascript: text('application/javascript'),
    html: text('text/html'),
    markdown: text('text/markdown'),
    latex: text('text/latex'),
    svg: text('image/svg+xml'),
    png: bytes('image/png'),
    jpeg: bytes('image/jpeg'),
    gif: bytes('image/gif'),
    pdf: bytes('application/pdf'),
    text: text('text/plain'),
    raw(contentType: string, b: string | Uint8Array): void {
      if (typeof b === 'string') text(contentType)(b);
      else bytes(contentType)(b);
    },
  };
}

/** The tslab module namespace. */
export function tslabShim(): Record<string, unknown> {
  // Callable too, so `import { display } from "tslab"` does not break the global display().
  const display = Object.assign((value: unknown, opts?: { id?: string }) => show(value, opts), makeDisplay((b) => sendBundle(b)));
  return Object.freeze({
    display,
    /** A display whose every call replaces the same output. */
    newDisplay() {
      const id = randomUUID();
      let shown = false;
      return makeDisplay((b) => { sendBundle(b, { id, update: shown }); shown = true; });
    },
    isNode: true,
    isBrowser: false,
    versions: { tslab: '1.0.22-flowlab', typescript: '5', node: process.version },
    default: undefined,
  });
}
