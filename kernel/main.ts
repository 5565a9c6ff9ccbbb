/**
 * The kernel process: the main thread hosts the execution engine (so `vm`'s breakOnSigint can
 * stop synchronous cells) and a worker thread owns the wire protocol (kernel/protocol/worker.cts).
 *
 * Startup is ordered for a fast kernel_info_reply, then a fast first cell: the worker boots and
 * binds the sockets while this thread waits (the kernelspec's entry, kernel/launch.cts, starts it
 * before this module loads; loading the TypeScript compiler alongside made the
 * worker's start ~40% slower on this 2-core machine); once they are bound ('bound') — a client
 * that connected before that reaches them only at its next reconnect attempt, 100–200 ms after
 * its last — this thread imports the engine, loads the TypeScript compiler (from V8's code cache)
 * and warms up the cell path (kernel/engine/warmup.ts), while the worker answers kernel_info.
 *
 * SIGINT never kills the kernel. The engine's listener aims it at the cell running when the main
 * thread gets to it (kernel/engine/interrupt.ts); the SIGINT sentinel relays the same signal to
 * the protocol worker at once, which aims it at the cell it handed over (kernel/protocol/interrupt.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineMessage, EngineReply, EngineRequest } from './contract.js';
import { PENDING_REQUESTS_INDEX } from './contract.js';
import { ProtocolWorker, spawnProtocolWorker } from './protocol/spawn-worker.cjs';

interface EngineLike {
  handle(req: EngineRequest): Promise<EngineReply>;
}
interface EngineModule {
  createEngine(host: { post(msg: EngineMessage): void; interruptFlag: Int32Array; cwd: string; pendingRequests(): number }): EngineLike;
}

/** Options of startKernel. */
export interface StartKernelOptions {
  /** Module exporting createEngine; default kernel/engine/index.js (env FLOWLAB_KERNEL_ENGINE overrides). */
  engineModule?: string;
  /** A protocol worker already started for this connection file (kernel/launch.cts starts it before this module loads). */
  protocol?: ProtocolWorker;
}

function log(message: string): void {
  process.stderr.write(`[flowlab kernel] ${message}\n`);
}

/** A reply that stands in when the engine threw instead of answering. */
export function fallbackReply(req: EngineRequest, err: unknown): EngineReply {
  const e = err instanceof Error ? err : new Error(String(err));
  switch (req.kind) {
    case 'execute':
      return { id: req.id, kind: 'execute', status: 'error', ename: e.name || 'Error', evalue: e.message, traceback: [`${e.name}: ${e.message}`] };
    case 'complete':
      return { id: req.id, kind: 'complete', matches: [], cursorStart: req.cursorPos, cursorEnd: req.cursorPos, metadata: {} };
    case 'inspect':
      return { id: req.id, kind: 'inspect', found: false, data: {}, metadata: {} };
    case 'isComplete':
      return { id: req.id, kind: 'isComplete', status: 'unknown' };
    default:
      return { id: req.id, kind: 'ack' };
  }
}

/** True when this module runs from its TypeScript source (tsx), false when compiled. */
const fromSources = import.meta.url.endsWith('.ts');

/** Starts the protocol worker: the compiled CommonJS entry, or its source through tsx when running from sources. */
function startProtocolWorker(connectionFile: string): ProtocolWorker {
  if (!fromSources) return spawnProtocolWorker(connectionFile);
  // Node 20 workers do not inherit the tsx loader: register it in the worker first, for ES modules
  // and for CommonJS (the worker's entry is CommonJS and requires ./connection.cjs, a .cts source).
  const workerFile = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'protocol', 'worker.cts')).href;
  const [esm, cjs] = ['tsx/esm/api', 'tsx/cjs/api'].map((m) => JSON.stringify(import.meta.resolve(m)));
  const boot = `Promise.all([import(${esm}), import(${cjs})]).then(([e, c]) => { e.register(); c.register(); return import(${JSON.stringify(workerFile)}); })`;
  return new ProtocolWorker(connectionFile, (workerData) => new Worker(boot, { eval: true, workerData }));
}

/**
 * Runs a kernel for a connection file until a shutdown_request (then exits the process).
 * @example await startKernel('/tmp/kernel-123.json')
 */
export async function startKernel(connectionFile: string, { engineModule, protocol = startProtocolWorker(connectionFile) }: StartKernelOptions = {}): Promise<void> {
  const { worker } = protocol;
  const interruptFlag = new Int32Array(protocol.interruptBuffer);
  // Until the engine installs its own listener there is no cell to stop: only keep the process alive.
  process.on('SIGINT', () => undefined);
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (err: unknown) => {
      if (process.listenerCount(event) === 1) log(`${event}: ${(err as Error)?.stack ?? String(err)}`);
    });
  }

  const here = dirname(fileURLToPath(import.meta.url));
  const ext = fromSources ? '.ts' : '.js';
  const moduleUrl = engineModule ?? process.env.FLOWLAB_KERNEL_ENGINE ?? pathToFileURL(join(here, 'engine', `index${ext}`)).href;
  let engine: Promise<EngineLike> | undefined;
  let loaded: EngineLike | undefined;
  const loadEngine = (): Promise<EngineLike> =>
    (engine ??= import(moduleUrl).then((mod: EngineModule) => {
      const e = mod.createEngine({
        post: (msg) => worker.postMessage(msg), interruptFlag, cwd: process.cwd(),
        pendingRequests: () => Atomics.load(interruptFlag, PENDING_REQUESTS_INDEX),
      });
      worker.postMessage({ type: 'ready' });
      return (loaded = e);
    }));

  const run = async (req: EngineRequest): Promise<void> => {
    Atomics.sub(interruptFlag, PENDING_REQUESTS_INDEX, 1);
    let reply: EngineReply;
    try {
      reply = await (loaded ?? (await loadEngine())).handle(req);
    } catch (err) {
      log(`engine failed on ${req.kind}: ${(err as Error)?.stack ?? err}`);
      reply = fallbackReply(req, err);
    }
    worker.postMessage({ type: 'reply', ...reply });
  };

  let bound = false;
  await new Promise<void>((resolve, reject) => {
    protocol.listen({
      message(msg) {
        const m = msg as { type: string; request?: EngineRequest; code?: number; message?: string };
        if (m.type === 'engineRequest' && m.request) {
          void run(m.request);
        } else if (m.type === 'bound') {
          bound = true;
          resolve();
          void loadEngine().catch((err: Error) => log(`engine failed to load: ${err.stack ?? err}`));
        } else if (m.type === 'exit') {
          process.exit(m.code ?? 0);
        } else if (m.type === 'fatal') {
          if (!bound) return reject(new Error(m.message));
          log(`protocol worker failed after binding: ${m.message}`);
          process.exit(1);
        }
      },
      error(err) {
        log(`protocol worker crashed: ${err.stack ?? err}`);
        process.exit(1);
      },
      exit(code) {
        log(`protocol worker exited (${code})`);
        process.exit(code || 1);
      },
    });
  });
}
