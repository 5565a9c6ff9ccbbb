// TEMPORARY dev-loop stand-in for kernel/engine (JavaScript only). Delete when the real engine lands.
import vm from 'node:vm';
import { inspect } from 'node:util';
import type { EngineMessage, EngineReply, EngineRequest } from '../../kernel/contract.js';

export function createEngine(host: { post(msg: EngineMessage): void; interruptFlag: Int32Array; cwd: string }) {
  let parent = 0;
  const out = (name: 'stdout' | 'stderr') => (...a: unknown[]) => host.post({ type: 'event', kind: 'stream', parent, name, text: a.map((x) => (typeof x === 'string' ? x : inspect(x))).join(' ') + '\n' });
  let pendingInput: ((v: string) => void) | undefined;
  const sandbox: Record<string, unknown> = {
    console: { log: out('stdout'), error: out('stderr') },
    setTimeout, setImmediate, Promise,
    __flag: host.interruptFlag,
    __check: () => { if (Atomics.load(host.interruptFlag, 0)) throw Object.assign(new Error('interrupted'), { name: 'KeyboardInterrupt' }); },
    display: (data: Record<string, unknown>, opts: { id?: string; update?: boolean } = {}) => host.post({ type: 'event', kind: 'display', parent, data, metadata: {}, displayId: opts.id, update: !!opts.update }),
    clearOutput: (wait = false) => host.post({ type: 'event', kind: 'clearOutput', parent, wait }),
    input: (prompt: string) => new Promise<string>((r) => { pendingInput = r; host.post({ type: 'event', kind: 'inputRequest', parent, prompt, password: false }); }),
  };
  const context = vm.createContext(sandbox);
  return {
    async handle(req: EngineRequest): Promise<EngineReply> {
      switch (req.kind) {
        case 'execute': {
          parent = req.id;
          Atomics.store(host.interruptFlag, 0, 0);
          try {
            let value = vm.runInContext(req.code.replace(/while \(true\) \{/g, 'while (true) { __check();'), context, { breakOnSigint: true });
            if (value && typeof value.then === 'function') value = await value;
            if (value === undefined) return { id: req.id, kind: 'execute', status: 'ok' };
            return { id: req.id, kind: 'execute', status: 'ok', result: { data: { 'text/plain': inspect(value) }, metadata: {} } };
          } catch (e) {
            const err = e as Error;
            const ename = /interrupted/.test(String(err?.message)) ? 'KeyboardInterrupt' : err?.name ?? 'Error';
            return { id: req.id, kind: 'execute', status: 'error', ename, evalue: String(err?.message ?? e), traceback: [String(err?.stack ?? e)] };
          }
        }
        case 'complete': return { id: req.id, kind: 'complete', matches: ['abs'], cursorStart: req.cursorPos, cursorEnd: req.cursorPos, metadata: {} };
        case 'inspect': return { id: req.id, kind: 'inspect', found: true, data: { 'text/plain': 'x' }, metadata: {} };
        case 'isComplete': {
          try { new vm.Script(req.code); return { id: req.id, kind: 'isComplete', status: 'complete' }; } catch (e) {
            return /end of input/.test(String(e)) ? { id: req.id, kind: 'isComplete', status: 'incomplete', indent: '  ' } : { id: req.id, kind: 'isComplete', status: 'invalid' };
          }
        }
        case 'inputReply': pendingInput?.(req.value); return { id: req.id, kind: 'ack' };
        default: return { id: req.id, kind: 'ack' };
      }
    },
  };
}
