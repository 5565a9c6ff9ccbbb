/**
 * Comm targets cells can register (`globalThis[Symbol.for('flowlab.comm')].registerTarget(name,
 * (comm, data) => ...)`). Opening a comm to an unknown target is answered by closing it.
 */
import { emit } from './runtime/output.js';

/** One open comm, as a target handler sees it. */
export interface Comm {
  id: string;
  targetName: string;
  send(data: unknown): void;
  close(data?: unknown): void;
  onMsg?: (data: unknown) => void;
  onClose?: (data: unknown) => void;
}

type Handler = (comm: Comm, data: unknown) => void;
const targets = new Map<string, Handler>();
const open = new Map<string, Comm>();

/** Registers a comm target; refuses to replace an existing one silently. */
export function registerTarget(name: string, handler: Handler, { replace = false } = {}): void {
  if (targets.has(name) && !replace) throw new Error(`registerTarget: comm target '${name}' is already registered; pass { replace: true } to replace it`);
  targets.set(name, handler);
}

function makeComm(id: string, targetName: string, parent: number): Comm {
  return {
    id, targetName,
    send: (data) => void emit({ kind: 'comm', event: 'msg', commId: id, data }, parent),
    close(data) { open.delete(id); emit({ kind: 'comm', event: 'close', commId: id, data: data ?? {} }, parent); },
  };
}

/** Handles a comm request from the front end (request id `parent`). */
export function handleComm(parent: number, event: 'open' | 'msg' | 'close', commId: string, targetName: string | undefined, data: unknown): void {
  if (event === 'open') {
    const handler = targetName !== undefined ? targets.get(targetName) : undefined;
    if (!handler) { emit({ kind: 'comm', event: 'close', commId, data: {} }, parent); return; }
    const comm = makeComm(commId, targetName!, parent);
    open.set(commId, comm);
    handler(comm, data);
  } else if (event === 'msg') open.get(commId)?.onMsg?.(data);
  else { const c = open.get(commId); open.delete(commId); c?.onClose?.(data); }
}

Object.defineProperty(globalThis, Symbol.for('flowlab.comm'), { value: { registerTarget }, configurable: true, writable: true, enumerable: false });
