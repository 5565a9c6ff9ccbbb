/**
 * The flowlab kernel's execution engine (main thread). kernel/main.ts creates it with
 * `createEngine(host)` and forwards every EngineRequest to `engine.handle`; the engine posts
 * output events to `host.post` as they happen and returns one reply per request.
 *
 * Type checking runs in a worker thread concurrently with execution. Policy (env FLOWLAB_TYPECHECK):
 * `async` (default) reports type errors before the reply when the check finished first, else as
 * late stderr output with the same parent; `wait` makes the reply wait for the check; `off`.
 *
 * At creation the engine also warms up the cell compiler (./warmup.ts; FLOWLAB_WARMUP_STEPS sets
 * its length, 0 turns it off); until its first phase is done, large cells, completions and
 * inspections wait for it (at most 0.5 s), small cells run at once.
 *
 * @example
 * const engine = createEngine({ post: (m) => worker.postMessage(m), interruptFlag, cwd: process.cwd() });
 * const reply = await engine.handle({ id: 1, kind: 'execute', code: '1 + 1', silent: false, storeHistory: true, allowStdin: false, executionCount: 1 });
 */
import type { EngineMessage, EngineReply, EngineRequest } from '../contract.js';
import { handleComm } from './comm.js';
import { complete, inspect } from './complete.js';
import { errorInfo, KeyboardInterrupt } from './errors.js';
import { runCell } from './execute.js';
import { endCell, installSigint, startCell, stopEscalator } from './interrupt.js';
import { isComplete } from './is-complete.js';
import { configureGlobals, installGlobals } from './runtime/globals.js';
import { currentParent, emit, installOutputCapture, setLastParent, setSink, writeStream } from './runtime/output.js';
import { CheckClient } from './typecheck/client.js';
import { compileCell } from './transform/compile.js';
import { preloadTypeScript, saveTypeScriptCache, tsNow, typescript } from './typescript.js';
import { engineWarmup } from './warmup.js';

/** What the engine needs from kernel/main.ts. */
export interface EngineHost {
  /** Sends a reply or event to the protocol worker. */
  post(msg: EngineMessage): void;
  /** Shared interrupt flag (index 0): 1 = interrupt requested. */
  interruptFlag: Int32Array;
  /** The notebook's folder: imports resolve from here. */
  cwd: string;
  /** Requests sent to the engine that it has not started yet (kernel/main.ts counts them); default 0. */
  pendingRequests?(): number;
}

/** The engine: one reply per request. */
export interface Engine { handle(req: EngineRequest): Promise<EngineReply> }

/**
 * Cells shorter than this run at once even on a cold compiler (`1 + 1` compiles in ~3 ms cold,
 * ~0.1 ms warm); longer ones wait for the warm-up's first phase (a 50-line class: ~5 ms cold).
 */
const SMALL_CELL_CHARS = 256;

/** Type-check policy from FLOWLAB_TYPECHECK: 'async' (default), 'wait' or 'off'. */
export type CheckMode = 'async' | 'wait' | 'off';

function checkMode(): CheckMode {
  const v = (process.env.FLOWLAB_TYPECHECK ?? 'async').toLowerCase();
  return v === 'wait' || v === 'off' ? v : 'async';
}

let handlersInstalled = false;
function installProcessHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const report = (e: unknown) => {
    const info = errorInfo(e);
    if (!emit({ kind: 'error', ...info })) process.stderr.write(`${info.traceback.join('\n')}\n`);
  };
  process.on('unhandledRejection', report);
  process.on('uncaughtException', report);
}

/** Creates the engine. Cheap: TypeScript and the type-check worker load in the background. */
export function createEngine(host: EngineHost): Engine {
  const mode = checkMode();
  // TypeScript first (the first execute needs it), then the type-check worker, so they do not compete.
  let checker: CheckClient | undefined;
  const tsLoaded = preloadTypeScript();
  const checkerReady = tsLoaded.then(() => undefined, () => undefined);
  const steps = Number(process.env.FLOWLAB_WARMUP_STEPS || NaN);
  const warmup = engineWarmup(tsLoaded, {
    pendingRequests: host.pendingRequests, onReady: saveTypeScriptCache, ...(Number.isInteger(steps) && steps >= 0 ? { steps } : {}),
  });
  // The type-check worker starts on first need (a quiet moment, a completion, 'wait' mode), so its
  // seconds-long warm-up never competes with the first cells of a session.
  const ensureChecker = (): CheckClient | undefined => {
    if (!checker && mode !== 'off' && !shutDown) checker = new CheckClient(host.cwd);
    return checker;
  };
  // ...or after the kernel has been idle for a second, so the first completion finds it warm.
  let idleStart: ReturnType<typeof setTimeout> | undefined;
  const startWhenIdle = () => {
    if (idleStart) clearTimeout(idleStart);
    if (checker || mode === 'off') return;
    idleStart = setTimeout(ensureChecker, 1000);
    idleStart.unref?.();
  };
  void checkerReady.then(startWhenIdle);
  let pendingInput: { parent: number; resolve: (v: string) => void } | undefined;
  let allowStdin = false;
  let shutDown = false;

  setSink((m) => {
    if (shutDown) return;
    try { host.post(m); } catch { /* the protocol side is gone: output is dropped, the cell goes on */ }
  });
  installOutputCapture();
  installGlobals();
  installProcessHandlers();
  installSigint(host.interruptFlag);
  configureGlobals({
    flag: host.interruptFlag,
    cwd: host.cwd,
    input: (prompt, password) => {
      const parent = currentParent();
      if (!allowStdin || parent === undefined) return Promise.reject(new Error('input(): this front end does not accept input (allow_stdin is false)'));
      if (pendingInput) return Promise.reject(new Error('input(): another input request is still waiting for an answer'));
      return new Promise<string>((resolve) => {
        pendingInput = { parent, resolve };
        emit({ kind: 'inputRequest', prompt, password }, parent);
      });
    },
  });
  queueMicrotask(() => host.post({ type: 'ready' }));

  // In 'async' mode checks are sent to the worker once the kernel has been quiet for CHECK_DELAY_MS
  // (or a cell has run that long), in order, so back-to-back cells never compete with the checker
  // for the CPU — nor with the warm-up while a cell waits for it (that is not a quiet moment: the
  // checker's start would take the CPU from the warm-up and the cells after it). Completion and
  // inspection flush them first so they see every declaration.
  const CHECK_DELAY_MS = 50;
  const pendingChecks: Array<() => void> = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let waitingForWarmup = 0;
  const flushChecks = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pendingChecks.length) ensureChecker();
    for (const send of pendingChecks.splice(0)) send();
  };
  const flushWhenQuiet = () => {
    if (waitingForWarmup > 0) flushTimer = setTimeout(flushWhenQuiet, CHECK_DELAY_MS);
    else flushChecks();
  };
  /** Queues a check; `report` gets its diagnostics when they arrive (`inner.result` as soon as they are in). */
  const deferCheck = (cellNo: number, code: string, report: (text: string) => void) => {
    const handle: { inner?: ReturnType<CheckClient['check']> } = {};
    pendingChecks.push(() => {
      handle.inner = checker!.check(cellNo, code);
      void handle.inner.reply.then(report);
    });
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = setTimeout(flushWhenQuiet, CHECK_DELAY_MS);
    return handle;
  };

  // The path of every cell awaits only where it must: with AsyncLocalStorage on (cell output
  // routing), every promise on this thread runs the async hooks.
  async function execute(req: Extract<EngineRequest, { kind: 'execute' }>): Promise<EngineReply> {
    // An interrupt that came after the front end sent this cell stops it here, before it runs.
    if (startCell(host.interruptFlag, req.id)) {
      endCell(host.interruptFlag, req.id);
      return { id: req.id, kind: 'execute', status: 'error', ...errorInfo(new KeyboardInterrupt()) };
    }
    let reported = false;
    const report = (text: string) => { if (!reported && text) { reported = true; writeStream('stderr', text, req.id); } };
    let waited: ReturnType<CheckClient['check']> | undefined;
    let deferred: ReturnType<typeof deferCheck> | undefined;
    let reply: EngineReply;
    try {
      setLastParent(req.id);
      allowStdin = req.allowStdin;
      const ts = tsNow() ?? await typescript();
      if (mode !== 'off') startWhenIdle();
      // Silent / no-history runs share the previous count: a distinct name keeps that cell's position map.
      const cell = req.silent || !req.storeHistory ? `<silent ${req.id}>` : `<cell ${req.executionCount}>`;
      // A cell that cannot parse is not type-checked (nor registered as declaring anything).
      const parses = !('syntaxError' in compileCell(ts, req.code));
      const wanted = mode !== 'off' && parses && !req.silent && req.code.trim();
      if (wanted && mode === 'wait') {
        flushChecks();
        ensureChecker();
        waited = checker!.check(req.executionCount, req.code);
      } else if (wanted) deferred = deferCheck(req.executionCount, req.code, report);
      reply = await runCell(ts, { id: req.id, code: req.code, cell, cwd: host.cwd, flag: host.interruptFlag, silent: req.silent });
    } finally {
      endCell(host.interruptFlag, req.id);
    }
    if (waited) report(await waited.reply);
    else if (deferred) {
      checker?.poll(); // a check that finished while the cell ran is reported before the reply
      if (deferred.inner?.result !== undefined) report(deferred.inner.result);
    }
    return reply;
  }

  async function handle(req: EngineRequest): Promise<EngineReply> {
    switch (req.kind) {
      case 'execute': return execute(req);
      case 'complete': await checkerReady; flushChecks(); return { id: req.id, kind: 'complete', ...(await complete(ensureChecker(), req.code, req.cursorPos)) };
      case 'inspect': await checkerReady; flushChecks(); return { id: req.id, kind: 'inspect', ...(await inspect(ensureChecker(), req.code, req.cursorPos)) };
      case 'isComplete': return { id: req.id, kind: 'isComplete', ...isComplete(await typescript(), req.code) };
      case 'inputReply': {
        const p = pendingInput;
        pendingInput = undefined;
        p?.resolve(req.value);
        return { id: req.id, kind: 'ack' };
      }
      case 'comm':
        try { handleComm(req.id, req.event, req.commId, req.targetName, req.data); } catch (e) { emit({ kind: 'error', ...errorInfo(e) }, req.id); }
        return { id: req.id, kind: 'ack' };
      case 'shutdown':
        shutDown = true;
        warmup.stop();
        if (flushTimer) clearTimeout(flushTimer);
        if (idleStart) clearTimeout(idleStart);
        pendingChecks.length = 0;
        await Promise.all([checker?.terminate(), stopEscalator()]);
        setSink(undefined);
        return { id: req.id, kind: 'ack' };
    }
  }

  return {
    handle(req) {
      const run = (): Promise<EngineReply> => {
        warmup.begin();
        return handle(req).then((reply) => (warmup.end(), reply), (e) => {
          warmup.end();
          if (req.kind === 'execute') return { id: req.id, kind: 'execute', status: 'error', ...errorInfo(e) } as EngineReply;
          emit({ kind: 'error', ...errorInfo(e) }, req.id);
          return { id: req.id, kind: 'ack' } as EngineReply;
        });
      };
      // Until the start-up warm-up's first phase is done, requests that would run the compiler cold
      // for long wait (briefly) for it instead of competing with it.
      const waits = req.kind === 'execute' ? req.code.length >= SMALL_CELL_CHARS : req.kind === 'complete' || req.kind === 'inspect' || req.kind === 'isComplete';
      const gate = waits ? warmup.gate() : undefined;
      if (!gate) return run();
      waitingForWarmup++;
      return gate.then(() => {
        waitingForWarmup--;
        return run();
      });
    },
  };
}
