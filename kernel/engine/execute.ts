/**
 * Runs one execute request: compile (cached), resolve the cell's imports, run the script in the
 * kernel's global scope under the cell's async context — with vm's breakOnSigint watchdog when it
 * may run code the kernel did not instrument (transform/foreign-code.ts) — await top-level-await
 * cells while watching the interrupt flag, and turn the last value into an execute result.
 */
import { Script } from 'node:vm';
import type { EngineReply, MimeBundle } from '../contract.js';
import { cellMaps, errorInfo, isInterrupt, KeyboardInterrupt } from './errors.js';
import { noteInterrupt, watchdogRun } from './interrupt.js';
import { interruptRaised } from '../contract.js';
import { toBundle } from './runtime/display.js';
import { importForCell } from './runtime/modules.js';
import { cellScope } from './runtime/output.js';
import { compileCell } from './transform/compile.js';
import type { TypeScript } from './typescript.js';

type ExecuteReply = Extract<EngineReply, { kind: 'execute' }>;

/** How long an awaited promise may still settle after an interrupt (a library that polls interruptRequested() returns cleanly). */
const SETTLE_GRACE_MS = 150;

/**
 * Awaits `p`, rejecting with KeyboardInterrupt once an interrupt is raised (the flag holds the id
 * of the request it is aimed at: any non-zero value, kernel/contract.ts) and `p` has not settled
 * within SETTLE_GRACE_MS: a library loop that saw interruptRequested() and returned still has its
 * result assigned, while a never-settling await stops.
 */
function untilInterrupted<T>(p: Promise<T>, flag: Int32Array): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let seenAt = 0;
    const timer = setInterval(() => {
      if (!interruptRaised(flag)) return;
      seenAt ||= performance.now();
      if (performance.now() - seenAt >= SETTLE_GRACE_MS) { clearInterval(timer); reject(new KeyboardInterrupt()); }
    }, 15);
    p.then((v) => { clearInterval(timer); resolve(v); }, (e) => { clearInterval(timer); reject(e); });
  });
}

function syntaxReply(id: number, cell: string, message: string, line: number, column: number, source?: string): ExecuteReply {
  const evalue = `${message} (${cell}:${line}:${column})`;
  const text = source?.split('\n')[line - 1];
  const tb = [`SyntaxError: ${evalue}`, `    at ${cell}:${line}:${column}`];
  if (text !== undefined) tb.push(`    ${text}`, `    ${' '.repeat(Math.max(0, column - 1))}^`);
  return { id, kind: 'execute', status: 'error', ename: 'SyntaxError', evalue, traceback: tb };
}

/** Options of one run. */
export interface RunOptions { id: number; code: string; cell: string; cwd: string; flag: Int32Array; silent: boolean }

/** Executes a cell; never throws (errors become error replies). */
export async function runCell(ts: TypeScript, o: RunOptions): Promise<ExecuteReply> {
  const compiled = compileCell(ts, o.code);
  if ('syntaxError' in compiled) {
    const e = compiled.syntaxError;
    return syntaxReply(o.id, o.cell, e.message, e.line, e.column, o.code);
  }
  cellMaps.set(o.cell, compiled.toSource);
  let script: Script;
  try {
    script = new Script(compiled.code, { filename: o.cell });
  } catch (e) {
    const m = /^[^\n]*:(\d+)\n[^\n]*\n(\s*)\^/.exec((e as Error).stack ?? '');
    const p = m ? compiled.toSource(Number(m[1]), m[2].length + 1) : { line: 1, column: 1 };
    return syntaxReply(o.id, o.cell, (e as Error).message, p.line, p.column, o.code);
  }
  try {
    const g = globalThis as Record<string, unknown>;
    g.__fl_m = compiled.imports.length ? await Promise.all(compiled.imports.map((s) => importForCell(s, o.cwd))) : [];
    // breakOnSigint only where the engine could not instrument the code: its edges are not SIGINT-safe (./interrupt.ts)
    let value = cellScope.run({ parent: o.id }, () => (compiled.watchdog
      ? watchdogRun(o.flag, () => script.runInThisContext({ breakOnSigint: true, displayErrors: false }))
      : script.runInThisContext({ displayErrors: false })));
    if (compiled.isAsync) {
      const p = value as Promise<{ v: unknown } | undefined>;
      p.catch(() => undefined); // an interrupted cell may reject later: never an unhandled rejection
      value = (await untilInterrupted(p, o.flag))?.v;
    }
    if (!compiled.hasResult || value === undefined || o.silent) return { id: o.id, kind: 'execute', status: 'ok' };
    const bundle = cellScope.run({ parent: o.id }, () => toBundle(value));
    const data: MimeBundle = typeof (bundle as Partial<PromiseLike<MimeBundle>>).then === 'function' ? await bundle : (bundle as MimeBundle);
    return { id: o.id, kind: 'execute', status: 'ok', result: { data, metadata: {} } };
  } catch (e) {
    if (isInterrupt(e)) noteInterrupt();
    return { id: o.id, kind: 'execute', status: 'error', ...errorInfo(e) };
  }
}
