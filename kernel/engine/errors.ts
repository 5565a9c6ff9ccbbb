/**
 * Errors as Jupyter sees them: { ename, evalue, traceback[] }, stack frames of cell code mapped
 * back to the cell's line:column (`<cell 3>:2:5`), frames of the kernel itself and of Node's
 * internals trimmed.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

/** A compiled cell's position map, by script file name (`<cell N>`). */
export const cellMaps = new Map<string, (line: number, column: number) => { line: number; column: number }>();

/** Jupyter's error triple. */
export interface ErrorInfo { ename: string; evalue: string; traceback: string[] }

const KERNEL_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/** The error a cell gets when the user interrupts it (Python's name, known to every front end). */
export class KeyboardInterrupt extends Error {
  constructor(message = 'interrupted by the user') {
    super(message);
    this.name = 'KeyboardInterrupt';
  }
}

/** True for errors that mean "the user pressed Stop". */
export function isInterrupt(e: unknown): boolean {
  const err = e as { name?: string; code?: string } | null;
  return !!err && (err.name === 'KeyboardInterrupt' || err.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED');
}

/** Rewrites `<cell N>:L:C` positions in a stack to cell coordinates. */
export function mapPositions(text: string): string {
  return text.replace(/(<(?:cell|silent) [^>]+>):(\d+):(\d+)/g, (all, file: string, l: string, c: string) => {
    const map = cellMaps.get(file);
    if (!map) return all;
    const p = map(Number(l), Number(c));
    return `${file}:${p.line}:${p.column}`;
  });
}

function keepFrame(line: string): boolean {
  if (!/^\s+at /.test(line)) return true;
  if (line.includes('node:internal') || line.includes('(node:') || /at (node:|new Promise \(<anonymous>\)$)/.test(line)) return false;
  if (line.includes(KERNEL_DIR) || line.includes('__fl_chk')) return false;
  return true;
}

/** Converts anything thrown by a cell into Jupyter's error triple. */
export function errorInfo(e: unknown): ErrorInfo {
  if (isInterrupt(e)) {
    const stack = e instanceof Error && e.name === 'KeyboardInterrupt' ? frames(e.stack ?? '') : [];
    return { ename: 'KeyboardInterrupt', evalue: 'interrupted by the user', traceback: ['KeyboardInterrupt: interrupted by the user', ...stack] };
  }
  if (e instanceof Error || (e && typeof e === 'object' && 'stack' in e && 'message' in e)) {
    const err = e as Error;
    const ename = err.name || err.constructor?.name || 'Error';
    const evalue = String(err.message ?? '');
    const stack = ename === 'ModuleNotFoundError' ? [] : frames(err.stack ?? '');
    return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...stack] };
  }
  const evalue = inspect(e, { depth: 2, colors: false });
  return { ename: 'Error', evalue, traceback: [`Uncaught ${evalue}`] };
}

function frames(stack: string): string[] {
  const lines = stack.split('\n');
  const start = lines.findIndex((l) => /^\s+at /.test(l));
  if (start < 0) return [];
  let kept = lines.slice(start).filter(keepFrame);
  // Frames below the outermost cell frame belong to whoever ran the cell, not to the user.
  let lastCell = -1;
  kept.forEach((l, i) => { if (l.includes('<cell ') || l.includes('<silent ')) lastCell = i; });
  if (lastCell >= 0) kept = kept.slice(0, lastCell + 1);
  return kept.map(mapPositions);
}
