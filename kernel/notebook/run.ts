/**
 * Executes a notebook in-process with the flowlab engine (no ZeroMQ, no Jupyter): every code cell
 * in order, outputs collected in nbformat 4 shape, clear_output and update_display_data honoured,
 * stopping at the first error unless `allowErrors`. This is what `flowlab run NOTEBOOK` does.
 *
 * @example
 * const { notebook, errors } = await runNotebook('notebooks/quickstart.ipynb', { parameters: { steps: 100 } });
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EngineMessage, EngineReply } from '../contract.js';
import { createEngine } from '../engine/index.js';
import { OutputCollector, type NbOutput } from './outputs.js';
import { injectParameters, type NbCell } from './parameters.js';
import { Watchdog } from './watchdog.js';

/** Options of runNotebook. */
export interface RunNotebookOptions {
  /** Where to write the executed notebook (default: `<input>.executed.ipynb` beside the input; `null` to skip writing). */
  outputPath?: string | null;
  /** Working folder of the run: imports and relative paths resolve here (default: the notebook's folder). */
  cwd?: string;
  /** Values injected after the cell tagged `parameters` (papermill convention). */
  parameters?: Record<string, unknown>;
  /** Seconds a cell may run before it is interrupted (default: no limit). */
  timeoutPerCell?: number;
  /** Keep going after a failing cell (default false: stop at the first error). */
  allowErrors?: boolean;
  /** Type checking while running: 'wait' (default; type errors land in their cell), 'async' or 'off'. */
  typecheck?: 'wait' | 'async' | 'off';
}

/** A failed cell. */
export interface CellError { cell: number; executionCount: number; ename: string; evalue: string; traceback: string[] }

/** An nbformat 4 notebook (the parts the runner touches). */
export interface Notebook { nbformat: number; nbformat_minor: number; metadata: Record<string, unknown>; cells: NbCell[] }

/** Reads and checks an nbformat 4 notebook; throws naming the file and the fix. */
export function readNotebook(path: string): Notebook {
  if (!existsSync(path)) throw new Error(`runNotebook: inputPath '${path}' does not exist; pass the path of an .ipynb file`);
  let nb: Notebook;
  try { nb = JSON.parse(readFileSync(path, 'utf8')); } catch (e) {
    throw new Error(`runNotebook: inputPath '${path}' is not valid JSON (${(e as Error).message}); pass an .ipynb notebook`);
  }
  if (nb?.nbformat !== 4 || !Array.isArray(nb.cells)) throw new Error(`runNotebook: inputPath '${path}' is not an nbformat 4 notebook (nbformat=${nb?.nbformat}); convert it with \`jupyter nbconvert --to notebook\``);
  return nb;
}

/** Runs the notebook at `inputPath`; resolves to the executed notebook and the cell errors. */
export async function runNotebook(inputPath: string, { outputPath, cwd, parameters, timeoutPerCell, allowErrors = false, typecheck = 'wait' }: RunNotebookOptions = {}): Promise<{ notebook: Notebook; errors: CellError[] }> {
  if (timeoutPerCell !== undefined && !(timeoutPerCell > 0)) throw new Error(`runNotebook: timeoutPerCell must be a positive number of seconds (got ${timeoutPerCell}); omit it for no limit`);
  const input = resolve(inputPath);
  const nb = readNotebook(input);
  const workDir = resolve(cwd ?? dirname(input));
  if (!existsSync(workDir)) throw new Error(`runNotebook: cwd '${workDir}' does not exist; pass an existing folder`);
  if (parameters && Object.keys(parameters).length) nb.cells = injectParameters(nb.cells, parameters);

  const collector = new OutputCollector();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const post = (m: EngineMessage) => { if (m.type === 'event') collector.event(m); };
  const savedEnv = process.env.FLOWLAB_TYPECHECK;
  process.env.FLOWLAB_TYPECHECK = typecheck;
  const engine = createEngine({ post, interruptFlag: flag, cwd: workDir });
  if (savedEnv === undefined) delete process.env.FLOWLAB_TYPECHECK; else process.env.FLOWLAB_TYPECHECK = savedEnv;
  const watchdog = timeoutPerCell ? new Watchdog(flag) : undefined;
  const savedCwd = process.cwd();
  process.chdir(workDir);
  const errors: CellError[] = [];
  let id = 0, count = 0;
  try {
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      const code = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
      const outputs: NbOutput[] = [];
      cell.outputs = outputs;
      cell.execution_count = ++count;
      const rid = ++id;
      collector.open(rid, outputs);
      watchdog?.arm(timeoutPerCell! * 1000);
      const reply = (await engine.handle({ id: rid, kind: 'execute', code, silent: false, storeHistory: true, allowStdin: false, executionCount: count })) as Extract<EngineReply, { kind: 'execute' }>;
      watchdog?.disarm();
      if (reply.status === 'ok') {
        if (reply.result) collector.push(rid, { output_type: 'execute_result', execution_count: count, data: reply.result.data, metadata: reply.result.metadata });
        continue;
      }
      const timedOut = watchdog?.fired && reply.ename === 'KeyboardInterrupt';
      const err = timedOut
        ? { ename: 'CellTimeoutError', evalue: `cell ${index} ran longer than timeoutPerCell = ${timeoutPerCell} s; raise timeoutPerCell or make the cell faster`, traceback: [`CellTimeoutError: cell ${index} ran longer than ${timeoutPerCell} s`, ...reply.traceback.slice(1)] }
        : { ename: reply.ename, evalue: reply.evalue, traceback: reply.traceback };
      collector.push(rid, { output_type: 'error', ...err });
      errors.push({ cell: index, executionCount: count, ...err });
      if (!allowErrors) break;
    }
    await new Promise((r) => setTimeout(r, 0)); // late output already queued lands in its cell
  } finally {
    process.chdir(savedCwd);
    await watchdog?.close();
    await engine.handle({ id: ++id, kind: 'shutdown', restart: false });
  }
  const out = outputPath === undefined ? input.replace(/(\.ipynb)?$/, '.executed.ipynb') : outputPath;
  if (out) writeFileSync(resolve(out), JSON.stringify(nb, null, 1) + '\n');
  return { notebook: nb, errors };
}
