/**
 * Executing a parameterised notebook on a Jupyter server's kernel through @jupyterlab/services
 * (`flowlab run --server`, and each run of a sweep on servers):
 * start a kernel, inject the parameters cell (papermill convention), run every code cell in order
 * collecting IOPub into the cells' outputs, stop at the first error, shut the kernel down.
 * A kernel that dies or a server that stops answering rejects with InfraError (the sweep retries).
 */
import { KernelAPI, KernelConnection, type Kernel } from '@jupyterlab/services';
import { injectParameters, type NbCell } from '../../kernel/notebook/parameters.js';
import type { SweepRun } from '../lab/sweep-grid.js';
import { cellSource, type SweepNotebook } from '../lab/sweep-notebook.js';
import { InfraError, type Executor, type RunOutput } from '../lab/sweep-schedule.js';
import { IopubCollector, type CellOutput } from './outputs.js';
import { checkServer, normalizeUrl, serverSettings, type ServerTarget } from './server.js';

/** Options of `serverExecutor`. */
export interface ServerExecutorOptions {
  /** Kernels run at the same time on this server (default 1). */
  slots?: number;
  /** Kernelspec name (default 'flowlab'). */
  kernelName?: string;
  /** How long a kernel connection may stay down (or take to come up) before the run is given up (default 10000 ms). */
  reconnectGraceMs?: number;
}

/** Rejects when the kernel dies or its connection stays down; `stop()` detaches the listeners. */
function watchKernel(kernel: Kernel.IKernelConnection, where: string, graceMs: number): { failed: Promise<never>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let reject!: (e: Error) => void;
  const failed = new Promise<never>((_, rej) => { reject = rej; });
  failed.catch(() => undefined);
  const onStatus = (_: unknown, s: Kernel.Status) => {
    if (s === 'dead' || s === 'autorestarting' || s === 'restarting') reject(new InfraError(`the kernel on ${where} died (status '${s}')`));
  };
  const onConn = (_: unknown, s: Kernel.ConnectionStatus) => {
    if (s === 'connected') { clearTimeout(timer); timer = undefined; return; }
    if (s === 'disconnected') reject(new InfraError(`lost the connection to the kernel on ${where}`));
    else timer ??= setTimeout(() => reject(new InfraError(`server ${where} stopped answering (kernel connection down for ${graceMs / 1000} s)`)), graceMs);
  };
  kernel.statusChanged.connect(onStatus);
  kernel.connectionStatusChanged.connect(onConn);
  onConn(undefined, kernel.connectionStatus); // a connection still opening must open within the grace period
  return {
    failed,
    stop() { clearTimeout(timer); kernel.statusChanged.disconnect(onStatus); kernel.connectionStatusChanged.disconnect(onConn); },
  };
}

/** Options of executeCells. */
interface CellRunOptions { failed: Promise<never>; signal?: AbortSignal; timeoutPerCell?: number }

/**
 * Runs `cells` (already parameterised) on `kernel`; fills their outputs; resolves to the first cell
 * error. A cell running past `timeoutPerCell` seconds is interrupted and reported as timed out.
 */
async function executeCells(kernel: Kernel.IKernelConnection, cells: NbCell[], { failed, signal, timeoutPerCell }: CellRunOptions): Promise<string | undefined> {
  const aborted = new Promise<never>((_, rej) => {
    if (signal?.aborted) rej(signal.reason);
    signal?.addEventListener('abort', () => rej(signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  const collector = new IopubCollector();
  let count = 0;
  for (const [index, cell] of cells.entries()) {
    if (cell.cell_type !== 'code') continue;
    const outputs: CellOutput[] = [];
    cell.outputs = outputs;
    cell.execution_count = ++count;
    collector.open(outputs);
    const future = kernel.requestExecute({ code: cellSource(cell), silent: false, store_history: true, stop_on_error: true, allow_stdin: false });
    future.onIOPub = (msg) => collector.message(msg);
    const done = future.done.catch((e: Error) => { throw new InfraError(`the kernel stopped answering cell ${index}: ${e.message}`); });
    done.catch(() => undefined); // the race below may settle first
    let timedOut = false;
    const timer = timeoutPerCell ? setTimeout(() => { timedOut = true; void kernel.interrupt().catch(() => undefined); }, timeoutPerCell * 1000) : undefined;
    let reply: Awaited<typeof done>;
    try { reply = await Promise.race([done, failed, aborted]); } finally { clearTimeout(timer); }
    const content = reply.content as { status: string; ename?: string; evalue?: string };
    if (timedOut && content.status !== 'ok') return `cell ${index}: TimeoutError: the cell ran longer than ${timeoutPerCell} s and was interrupted (raise --timeout)`;
    if (content.status !== 'ok') return `cell ${index}: ${content.ename ?? 'Error'}: ${content.evalue ?? content.status}`;
  }
  return undefined;
}

/** Options of executeOnServer. */
export interface ServerRunOptions {
  /** Kernelspec name (default 'flowlab'). */
  kernelName?: string;
  /** How long a kernel connection may stay down (or take to come up) before the run is given up (default 10000 ms). */
  reconnectGraceMs?: number;
  /** Interrupt a cell that runs longer than this many seconds (default: no limit). */
  timeoutPerCell?: number;
  /** Aborts the run (the kernel is shut down). */
  signal?: AbortSignal;
}

/**
 * Executes `notebook` with `parameters` injected after its `parameters` cell (papermill convention)
 * in a fresh kernel on a Jupyter server, stopping at the first failing cell; the kernel is shut
 * down afterwards. Resolves to the executed copy and the first error (`cell i: Name: message`);
 * rejects with InfraError when the kernel cannot start, dies or the server stops answering.
 * @example const { notebook, error } = await executeOnServer({ url, token }, nb, { scale: 'quick' })
 */
export async function executeOnServer(target: ServerTarget, notebook: SweepNotebook, parameters: Record<string, unknown>, { kernelName = 'flowlab', reconnectGraceMs = 10_000, timeoutPerCell, signal }: ServerRunOptions = {}): Promise<RunOutput> {
  const where = normalizeUrl(target.url);
  // KernelAPI + KernelConnection rather than a KernelManager: no background polling of the server.
  const settings = serverSettings(target);
  const nb = JSON.parse(JSON.stringify(notebook)) as SweepNotebook;
  nb.cells = injectParameters(nb.cells, parameters);
  let kernel: Kernel.IKernelConnection;
  try {
    const model = await KernelAPI.startNew({ name: kernelName }, settings);
    kernel = new KernelConnection({ model, serverSettings: settings, handleComms: false });
  } catch (e) {
    throw new InfraError(`could not start a '${kernelName}' kernel on ${where}: ${(e as Error).message}`);
  }
  const watch = watchKernel(kernel, where, reconnectGraceMs);
  try {
    const error = await executeCells(kernel, nb.cells, { failed: watch.failed, signal, timeoutPerCell });
    return { notebook: nb, error };
  } finally {
    watch.stop();
    await Promise.race([kernel.shutdown().catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
    kernel.dispose();
  }
}

/**
 * An Executor running sweep runs on one Jupyter server, `slots` kernels at a time, one fresh kernel
 * per run (so runs never share state).
 * @example serverExecutor({ url: 'http://gpu1:8888', token }, nb, { slots: 2 })
 */
export function serverExecutor(target: ServerTarget, notebook: SweepNotebook, { slots = 1, kernelName = 'flowlab', reconnectGraceMs = 10_000 }: ServerExecutorOptions = {}): Executor {
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`sweep: perServer must be a positive integer number of kernels per server, got ${slots}.`);
  return {
    name: normalizeUrl(target.url),
    slots,
    check: () => checkServer(target, { kernelName, timeoutMs: 3000 }),
    async close() { /* each run closes its own connection */ },
    run: (run: SweepRun, signal: AbortSignal) => executeOnServer(target, notebook, run.params, { kernelName, reconnectGraceMs, signal }),
  };
}
