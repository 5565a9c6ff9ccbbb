/**
 * The native CPU path of the wasm backend: when the addon is built (native/build.mjs) and not
 * turned off, the wasm backend's BatchMatMul and _FusedMatMul kernels run on OpenBLAS (see
 * ./matmul.ts), Conv2D, Conv2DBackpropInput and (new on wasm) Conv2DBackpropFilter on im2col +
 * OpenBLAS (./conv.ts), Sum and Mean (./reduce.ts), the fused GELU kernel (../gelu.ts) and the finite checks of
 * every Problem method on vectorised C, all on zero-copy views of the wasm heap, with OpenBLAS using
 * every core by default; Tanh keeps the wasm kernel and remembers its last results by input
 * content (./memo.ts: the safe gradients recompute tanh of the same pre-activation many times).
 *
 * Selection: on by default on wasm when the addon loads; off with `backend.use('wasm', { blas: false })`
 * or FLOWLAB_BLAS=0. `backend.info()` says which (device string, threads).
 */
import { availableParallelism } from 'node:os';
import { tfjs as tf } from '../tfjs.js';
import { nativeAddon, nativeStatus, type NativeAddon } from './addon.js';
import { nativeBatchMatMul, nativeFusedMatMul, type WasmBackend } from './matmul.js';
import { nativeMean, nativeSum } from './reduce.js';
import { nativeConv2D, nativeConv2DBackpropFilter, nativeConv2DBackpropInput } from './conv.js';
import { memoizedUnary } from './memo.js';

export { nativeStatus, type NativeStatus } from './addon.js';

let active = false;
/** The wasm kernels the native ones replaced (restored when the native path is turned off). */
const replaced = new Map<string, tf.KernelConfig>();
/** Kernels the wasm backend lacks, added by the native path (removed when it is turned off). */
const added: string[] = [];

function swap(name: string, make: (addon: NativeAddon, fallback: tf.KernelFunc) => tf.KernelFunc, addon: NativeAddon): void {
  const current = tf.getKernel(name, 'wasm');
  if (!current) return;
  replaced.set(name, current);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...current, kernelFunc: make(addon, current.kernelFunc) });
}

/** Threads OpenBLAS uses unless told otherwise: OPENBLAS_NUM_THREADS when set, else every core. */
export function defaultBlasThreads(): number {
  const env = Number(process.env.OPENBLAS_NUM_THREADS ?? process.env.OMP_NUM_THREADS);
  return Number.isInteger(env) && env >= 1 ? env : availableParallelism();
}

/**
 * Turns the native path on for the wasm backend (idempotent) with `threads` OpenBLAS threads.
 * Returns false (and changes nothing) when the addon is not available: `nativeStatus()` says why.
 * @example enableNative({ threads: 2 }) // true where the addon is built
 */
export function enableNative({ threads = defaultBlasThreads() }: { threads?: number } = {}): boolean {
  const addon = nativeAddon();
  if (!addon) return false;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`backend.use('wasm'): option 'threads' must be a positive integer, got ${String(threads)}.`);
  }
  addon.setThreads(threads);
  if (!active) {
    swap(tf.BatchMatMul, nativeBatchMatMul, addon);
    swap(tf._FusedMatMul, nativeFusedMatMul, addon);
    swap(tf.Sum, nativeSum, addon);
    swap(tf.Mean, nativeMean, addon);
    swap(tf.Conv2D, nativeConv2D, addon);
    swap(tf.Conv2DBackpropInput, nativeConv2DBackpropInput, addon);
    swap(tf.Tanh, (_addon, fallback) => memoizedUnary(fallback), addon);
    if (!tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) {
      tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: nativeConv2DBackpropFilter(addon) });
      added.push(tf.Conv2DBackpropFilter);
    }
    active = true;
  }
  return true;
}

/** Turns the native path off: the wasm backend's own kernels again (idempotent). */
export function disableNative(): void {
  if (!active) return;
  for (const [name, config] of replaced) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
  replaced.clear();
  for (const name of added.splice(0)) tf.unregisterKernel(name, 'wasm');
  active = false;
}

/** Whether the wasm backend's hot kernels currently run natively. */
export function nativeActive(): boolean {
  return active;
}

/** The addon while the native path is on, else undefined (kernels call this each time they run). */
export function activeAddon(): NativeAddon | undefined {
  return active ? nativeAddon() : undefined;
}

/** OpenBLAS threads in use (1 when the native path is off). */
export function nativeThreads(): number {
  return active ? nativeAddon()!.threads() : 1;
}

/**
 * Whether every value of the float32 tensor `t` is finite, read in place from the wasm heap by the
 * addon; undefined when that does not apply (native path off, another backend or dtype).
 * @example nativeAllFinite(w) // true
 */
export function nativeAllFinite(t: tf.Tensor): boolean | undefined {
  if (!active || t.dtype !== 'float32' || tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as WasmBackend;
  return nativeAddon()!.allFinite(backend.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }));
}
