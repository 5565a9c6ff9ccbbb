/**
 * The type-check worker thread: owns a CellService and answers check / complete / inspect
 * requests on the MessagePort it was given, one at a time, so type checking never blocks or
 * slows the main thread where cells run.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadTypeScript } from '../typescript.js';
import { CellService, type ServiceOptions } from './service.js';

/** Requests the worker answers (each carries an id echoed in the reply). */
export type CheckRequest =
  | { id: number; kind: 'check'; cell: number; code: string }
  | { id: number; kind: 'complete'; code: string; pos: number }
  | { id: number; kind: 'inspect'; code: string; pos: number };

const { port, options } = workerData as { port: MessagePort; options: ServiceOptions };

// On Linux, lower this thread's scheduling priority (nice 10) so checks yield the CPU to cells.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) setPriority(tid, 10);
} catch { /* not Linux: run at normal priority */ }

const service = new CellService(loadTypeScript(), options);

const queue: CheckRequest[] = [];
let busy = false;

function run(req: CheckRequest): unknown {
  switch (req.kind) {
    case 'check': return { text: service.check(req.cell, req.code) };
    case 'complete': return { entries: service.complete(req.code, req.pos) };
    case 'inspect': return { info: service.inspect(req.code, req.pos) };
  }
}

function drain(): void {
  if (busy) return;
  busy = true;
  // Completions and inspections jump the queue: a user is waiting on them.
  queue.sort((a, b) => Number(a.kind === 'check') - Number(b.kind === 'check') || a.id - b.id);
  const req = queue.shift();
  if (!req) { busy = false; return; }
  if (req.kind === 'check' && queue[0]?.kind === 'check') {
    // Checks that queued up while the kernel was busy: one program for all of them.
    const batch: Array<Extract<CheckRequest, { kind: 'check' }>> = [req];
    while (queue[0]?.kind === 'check') batch.push(queue.shift() as Extract<CheckRequest, { kind: 'check' }>);
    try {
      const texts = service.checkMany(batch);
      batch.forEach((r, i) => port.postMessage({ id: r.id, ok: true, text: texts[i] }));
    } catch (e) {
      for (const r of batch) port.postMessage({ id: r.id, ok: false, error: String((e as Error)?.stack ?? e) });
    }
  } else {
    let reply: unknown;
    try { reply = { id: req.id, ok: true, ...(run(req) as object) }; } catch (e) { reply = { id: req.id, ok: false, error: String((e as Error)?.stack ?? e) }; }
    port.postMessage(reply);
  }
  busy = false;
  if (queue.length) setImmediate(drain);
}

port.on('message', (req: CheckRequest) => { queue.push(req); setImmediate(drain); });
// Warm up: load the default library and node types before the first real cell arrives.
try { service.check(0, '[1].map((x: number) => x + 1).length;'); } catch { /* reported on first real check */ }
parentPort?.postMessage({ ready: true });
