/**
 * The globals every cell sees: the display surface (display, clearOutput, html, md, svg, input),
 * the library hooks (Symbol.for('flowlab.display'), Symbol.for('flowlab.interruptRequested')) and
 * the helpers compiled cells call (__fl_chk, __fl_imp, __fl_def, __fl_m). Installed once per
 * process, non-enumerable and writable (a cell may shadow any of them).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { KeyboardInterrupt } from '../errors.js';
import { clearOutput, display, displayHook, html, md, svg } from './display.js';
import { defaultOf, importForCell, resolveSpecifier } from './modules.js';
import { cellScope } from './output.js';
import { pathToFileURL } from 'node:url';

let flag = new Int32Array(new SharedArrayBuffer(4));
let cwd = process.cwd();
let inputImpl: (prompt: string, password: boolean) => Promise<string> = () => Promise.reject(new Error('input() needs a running kernel'));

/** True once the user asked to interrupt (the shared flag is raised, kernel/contract.ts). */
export function interrupted(): boolean {
  return Atomics.load(flag, 0) !== 0;
}

/** Throws KeyboardInterrupt when the interrupt flag is set (called by every instrumented loop and await). */
function check(): void {
  if (Atomics.load(flag, 0) !== 0) throw new KeyboardInterrupt();
}

/** Points the globals at one engine's interrupt flag, working folder and stdin. */
export function configureGlobals(opts: { flag: Int32Array; cwd: string; input: (prompt: string, password: boolean) => Promise<string> }): void {
  flag = opts.flag;
  cwd = opts.cwd;
  inputImpl = opts.input;
  define('require', createRequire(join(cwd, 'noop.js')));
  const filename = join(cwd, 'notebook.ts');
  /** `import.meta` in cells: as if the notebook were a module in its folder. */
  define('__fl_meta', {
    url: pathToFileURL(filename).href, filename, dirname: cwd,
    resolve: (spec: string) => { const r = resolveSpecifier(spec, cwd); return r.startsWith('node:') || !r.startsWith('/') ? r : pathToFileURL(r).href; },
  });
}

function define(key: string | symbol, value: unknown): void {
  Object.defineProperty(globalThis, key, { value, writable: true, configurable: true, enumerable: false });
}

let installed = false;

/** Installs the cell globals (idempotent). */
export function installGlobals(): void {
  if (installed) return;
  installed = true;
  define('__fl_chk', check);
  define('__fl_imp', (spec: unknown) => importForCell(String(spec), cwd));
  define('__fl_def', defaultOf);
  define('__fl_m', []);
  define('display', display);
  define('clearOutput', clearOutput);
  define('html', html);
  define('md', md);
  define('svg', svg);
  /** Asks the front end for a line of input: `const name = await input('Name? ')`. */
  define('input', (prompt = '', { password = false }: { password?: boolean } = {}) => inputImpl(String(prompt), password));
  define(Symbol.for('flowlab.display'), displayHook);
  // process.exit() from a cell (or work it started) would kill the kernel and its state: refuse it.
  const realExit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    if (cellScope.getStore()) throw new Error(`process.exit(${code ?? ''}) would stop the kernel and lose every variable; use Kernel > Restart in the front end instead`);
    return realExit(code);
  }) as typeof process.exit;
  define(Symbol.for('flowlab.interruptRequested'), interrupted);
}
