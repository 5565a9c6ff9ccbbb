/**
 * Experimental: large matMuls on the wasm backend split across worker_threads.
 *
 * The wasm backend runs single-threaded in Node (its threaded build needs Web Workers). Here the
 * wasm BatchMatMul kernel is wrapped: for a plain (unbatched, untransposed) product A·B with at
 * least `minMacs` multiply-adds, the rows of A are split between the main thread and T − 1 worker
 * threads, each running its own wasm backend; data moves through SharedArrayBuffers and the main
 * thread waits synchronously (Atomics.wait), so the kernel stays synchronous like every TF.js kernel.
 *
 *   C[rows₀] = A[rows₀]·B (main thread)   C[rowsᵢ] = A[rowsᵢ]·B (worker i)
 *
 * Opt-in: `await backend.use('wasm', { threads: 2 })`. Results are identical up to float32 rounding
 * (same XNNPACK kernels); smaller products keep the single-threaded path.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { tfjs as tf } from './tfjs.js';

const require = createRequire(import.meta.url);

// CommonJS source run by each worker (eval): its own TF.js core + wasm backend.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { receiveMessageOnPort } = require('worker_threads');
const ctl = new Int32Array(workerData.ctl);
const nap = new Int32Array(new SharedArrayBuffer(4));
Atomics.store(ctl, 0, 10);
const tf = require(workerData.core);
require(workerData.wasm);
tf.env().set('PROD', true);
Atomics.store(ctl, 0, 11);
tf.setBackend('wasm').then(() => {
  Atomics.store(ctl, 0, 0);
  Atomics.store(ctl, 1, 1); Atomics.notify(ctl, 1);
  for (;;) {
    Atomics.wait(ctl, 0, 0);
    Atomics.store(ctl, 0, 0);
    let msg = receiveMessageOnPort(workerData.port);
    // the job message may trail the wake-up by a moment: poll briefly for it
    for (let i = 0; !msg && i < 100000; i++) { Atomics.wait(nap, 0, 0, 0.05); msg = receiveMessageOnPort(workerData.port); }
    if (!msg || msg.message.stop) break;
    const { A, B, C, rows, k, n } = msg.message;
    tf.tidy(() => {
      const a = tf.tensor2d(new Float32Array(A, 0, rows * k), [rows, k]);
      const b = tf.tensor2d(new Float32Array(B, 0, k * n), [k, n]);
      new Float32Array(C, 0, rows * n).set(tf.matMul(a, b).dataSync());
    });
    Atomics.store(ctl, 1, 2); Atomics.notify(ctl, 1);
  }
});
`;

interface Helper { worker: Worker; port: MessagePort; ctl: Int32Array }

let helpers: Helper[] = [];
let original: tf.KernelConfig | undefined;
let minMacsSetting = 2 ** 24;

type WasmBackend = tf.KernelBackend & {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(id: object): void;
};

async function startHelper(): Promise<Helper> {
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [], // plain CommonJS: no loaders (e.g. tsx) in the worker
    workerData: { core: require.resolve('@tensorflow/tfjs-core'), wasm: require.resolve('@tensorflow/tfjs-backend-wasm'), ctl: ctl.buffer, port: port2 },
    transferList: [port2],
  });
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  const ready = await Promise.race([Atomics.waitAsync(ctl, 1, 0, 30000).value, failed]);
  if (ready === 'timed-out') {
    const stage = ['before its script ran', 'while loading TF.js', 'while initialising its wasm backend'][Math.max(0, Atomics.load(ctl, 0) - 9)] ?? '';
    void worker.terminate();
    throw new Error(`a wasm worker thread did not start within 30 s (stuck ${stage})`);
  }
  // idle workers must not keep the process alive
  worker.unref();
  port1.unref();
  return { worker, port: port1, ctl };
}

function shared(floats: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(4, floats * 4));
}

function parallelMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo | tf.TensorInfo[] {
  const orig = original!;
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as tf.BatchMatMulAttrs;
  const batchA = a.shape.slice(0, -2).reduce((p, q) => p * q, 1);
  const batchB = b.shape.slice(0, -2).reduce((p, q) => p * q, 1);
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  if (helpers.length === 0 || attrs.transposeA || attrs.transposeB || batchA !== 1 || batchB !== 1 || m * k * n < minMacsSetting || m < 2 * (helpers.length + 1)) {
    return orig.kernelFunc(args as never);
  }
  const backend = args.backend as WasmBackend;
  const A = backend.typedArrayFromHeap(a);
  const B = backend.typedArrayFromHeap(b);
  const parts = helpers.length + 1;
  const rowsPer = Math.ceil(m / parts);
  const Bs = shared(k * n);
  new Float32Array(Bs).set(B.subarray(0, k * n));
  const jobs = helpers.map((h, i) => {
    const r0 = (i + 1) * rowsPer;
    const rows = Math.max(0, Math.min(m, r0 + rowsPer) - r0);
    const As = shared(rows * k);
    new Float32Array(As).set(A.subarray(r0 * k, (r0 + rows) * k));
    const Cs = shared(rows * n);
    Atomics.store(h.ctl, 1, 0);
    h.port.postMessage({ A: As, B: Bs, C: Cs, rows, k, n });
    Atomics.store(h.ctl, 0, 1);
    Atomics.notify(h.ctl, 0);
    return { h, r0, rows, Cs };
  });
  // Main thread: the first block of rows, through the original kernel. Every allocation can grow
  // the wasm heap and detach earlier views, so views are re-taken after each one.
  const top = backend.makeOutput([1, rowsPer, k], 'float32');
  backend.typedArrayFromHeap(top).set(backend.typedArrayFromHeap(a).subarray(0, rowsPer * k));
  const topOut = orig.kernelFunc({ inputs: { a: top, b }, backend, attrs: { transposeA: false, transposeB: false } } as never) as tf.TensorInfo;
  const out = backend.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(topOut).subarray(0, rowsPer * n));
  backend.disposeData(top.dataId);
  backend.disposeData(topOut.dataId);
  for (const { h, r0, rows, Cs } of jobs) {
    const t0 = Date.now();
    while (Atomics.load(h.ctl, 1) !== 2) {
      Atomics.wait(h.ctl, 1, 0, 1000);
      if (Date.now() - t0 > 300_000) throw new Error('wasm worker thread did not answer within 300 s; restart the kernel or use backend.use(\'wasm\', { threads: 1 })');
    }
    if (rows > 0) backend.typedArrayFromHeap(out).set(new Float32Array(Cs, 0, rows * n), r0 * n);
  }
  return out;
}

/**
 * Splits large wasm matMuls over `threads` threads (main + threads − 1 workers); `threads = 1`
 * restores the single-threaded kernel. Defaults: minMacs = 2²⁴ multiply-adds.
 * @example await useWasmThreads(2)
 */
export async function useWasmThreads(threads: number, { minMacs = 2 ** 24 } = {}): Promise<number> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`useWasmThreads: argument 'threads' must be a positive integer, got ${threads}.`);
  }
  minMacsSetting = minMacs;
  while (helpers.length > threads - 1) {
    const h = helpers.pop()!;
    h.port.postMessage({ stop: true });
    Atomics.store(h.ctl, 0, 1);
    Atomics.notify(h.ctl, 0);
  }
  while (helpers.length < threads - 1) helpers.push(await startHelper());
  if (!original) {
    original = tf.getKernel(tf.BatchMatMul, 'wasm');
    if (!original) throw new Error('useWasmThreads: the wasm BatchMatMul kernel is not registered');
    tf.unregisterKernel(tf.BatchMatMul, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: parallelMatMul as tf.KernelFunc });
  }
  return helpers.length + 1;
}

/** Threads the wasm matMul uses (1 unless `useWasmThreads` raised it). */
export function wasmThreads(): number {
  return helpers.length + 1;
}
