/** A recording host around createEngine, shared by the kernel-engine tests. */
import { Worker } from 'node:worker_threads';
import type { EngineMessage, EngineReply } from '../../kernel/contract.js';
import { createEngine, type Engine } from '../../kernel/engine/index.js';

/** An event as recorded, with the time host.post received it. */
export type Recorded = Extract<EngineMessage, { type: 'event' }> & { at: number };
export type ExecReply = Extract<EngineReply, { kind: 'execute' }>;

/** Engine + recorder. `mode` sets FLOWLAB_TYPECHECK for this engine. */
export function recordingEngine(cwd: string, mode: 'off' | 'wait' | 'async' = 'off') {
  process.env.FLOWLAB_TYPECHECK = mode;
  const events2 = ['unhandledRejection', 'uncaughtException'];
  type Listener = (...args: unknown[]) => void;
  const listeners = (e: string) => process.listeners(e as 'uncaughtException') as Listener[];
  const before = events2.map(listeners);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const events: Recorded[] = [];
  const engine: Engine = createEngine({ post: (m) => { if (m.type === 'event') events.push({ ...m, at: performance.now() }); }, interruptFlag: flag, cwd });
  // The listeners createEngine added (the engine's own background-error reporters).
  const mine = events2.map((e, i) => listeners(e).filter((l) => !before[i].includes(l)));
  let id = 0;
  let count = 0;
  return {
    engine, flag, events,
    /** Executes a cell; returns the reply, its request id and the time it came back. */
    async exec(code: string): Promise<{ reply: ExecReply; id: number; at: number }> {
      const rid = ++id;
      const reply = (await engine.handle({ id: rid, kind: 'execute', code, silent: false, storeHistory: true, allowStdin: false, executionCount: ++count })) as ExecReply;
      return { reply, id: rid, at: performance.now() };
    },
    /** Sends any other request. */
    request(req: Record<string, unknown>): Promise<EngineReply> {
      return engine.handle({ id: ++id, ...req } as Parameters<Engine['handle']>[0]);
    },
    /** Events posted for request `parent`. */
    eventsFor(parent: number): Recorded[] { return events.filter((e) => e.parent === parent); },
    count: () => count,
    /** The id the next request will get (what the protocol aims an interrupt at once it sent it). */
    nextId: () => id + 1,
    /**
     * Runs `fn` with the test runner's own unhandledRejection/uncaughtException listeners detached,
     * so background failures reach only the engine (as they would in the kernel process).
     */
    async alone<T>(fn: () => Promise<T>): Promise<T> {
      const others = events2.map((e, i) => listeners(e).filter((l) => !mine[i].includes(l)));
      events2.forEach((e, i) => others[i].forEach((l) => process.off(e, l)));
      try { return await fn(); } finally {
        events2.forEach((e, i) => others[i].forEach((l) => process.on(e, l)));
      }
    },
  };
}

/** The text/plain of an ok reply's result (throws with the reply when the cell failed). */
export function resultText(reply: ExecReply): string | undefined {
  if (reply.status !== 'ok') throw new Error(`cell failed: ${reply.ename}: ${reply.evalue}\n${reply.traceback.join('\n')}`);
  return reply.result?.data['text/plain'] as string | undefined;
}

/** From another thread (the main one is blocked): set the flag and/or send SIGINT after `ms`; terminate the worker to cancel. */
export function interruptLater(flag: Int32Array, ms: number, { signal = true } = {}): Worker {
  const worker = new Worker(
    `const { workerData: { flag, ms, signal, pid } } = require('node:worker_threads');
     setTimeout(() => { Atomics.store(flag, 0, 1); if (signal) process.kill(pid, 'SIGINT'); }, ms);`,
    { eval: true, workerData: { flag, ms, signal, pid: process.pid } },
  );
  worker.unref();
  return worker;
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
