/**
 * Output routing: every stream, display and error the kernel emits is attributed to the execute
 * request that caused it. Cells run inside `cellScope.run({ parent })` (AsyncLocalStorage), so
 * timers, promise continuations and event callbacks started by a cell keep its parent even after
 * the cell ended. Output outside any cell goes to the last cell run (or the process's own stdio).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Console } from 'node:console';
import { EventEmitter } from 'node:events';
import type { EngineEvent, EngineMessage } from '../../contract.js';

/** What a running cell carries through its async work. */
export interface CellScope { parent: number }

/** The async context of the cell a piece of work belongs to. */
export const cellScope = new AsyncLocalStorage<CellScope>();

type Post = (msg: EngineMessage) => void;
let post: Post | undefined;
let lastParent: number | undefined;
const realStdoutWrite = process.stdout.write.bind(process.stdout);
const realStderrWrite = process.stderr.write.bind(process.stderr);
const realConsole = globalThis.console;

/** Points all output at `sink` (the active engine's host.post); undefined detaches. */
export function setSink(sink: Post | undefined): void {
  post = sink;
  if (!sink) lastParent = undefined;
}

/** Records the request id of the cell now starting (the fallback parent for unattributed output). */
export function setLastParent(parent: number): void {
  lastParent = parent;
}

/** The parent request id for output emitted now, if any. */
export function currentParent(): number | undefined {
  return cellScope.getStore()?.parent ?? lastParent;
}

type Unparented<E> = E extends unknown ? Omit<E, 'parent'> : never;

/** Posts an event for the current (or given) parent; returns false when nothing could receive it. */
export function emit(event: Unparented<EngineEvent>, parent = currentParent()): boolean {
  if (!post || parent === undefined) return false;
  post({ type: 'event', ...event, parent } as EngineMessage);
  return true;
}

/** Writes text to a cell's stdout/stderr (falls back to the process's own stream). */
export function writeStream(name: 'stdout' | 'stderr', text: string, parent = currentParent()): void {
  if (!text) return;
  if (!emit({ kind: 'stream', name, text }, parent)) (name === 'stdout' ? realStdoutWrite : realStderrWrite)(text);
}

let installed = false;

/**
 * Replaces globalThis.console with one that writes to the cell's output, and routes
 * process.stdout/stderr writes made from inside a cell's async context to it as well.
 */
export function installOutputCapture(): void {
  if (installed) return;
  installed = true;
  const sink = (name: 'stdout' | 'stderr') =>
    Object.assign(new EventEmitter(), { write: (s: string) => (writeStream(name, String(s)), true) }) as unknown as NodeJS.WritableStream;
  const cellConsole = new Console({
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    colorMode: false,
    inspectOptions: { depth: 4, breakLength: 100 },
  });
  globalThis.console = cellConsole;
  const patch = (stream: NodeJS.WriteStream, name: 'stdout' | 'stderr', real: typeof realStdoutWrite) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const store = cellScope.getStore();
      if (!store || !post) return (real as (...a: unknown[]) => boolean)(chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      writeStream(name, text, store.parent);
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (cb) queueMicrotask(cb);
      return true;
    }) as typeof stream.write;
  };
  patch(process.stdout, 'stdout', realStdoutWrite);
  patch(process.stderr, 'stderr', realStderrWrite);
}

/** The console the kernel process had before capture (for the engine's own diagnostics). */
export const hostConsole = realConsole;
