/**
 * Compute backends: which engine runs flowlab's tensors.
 *
 * - `wasm` (default): @tensorflow/tfjs-backend-wasm, XNNPACK with SIMD; installs from npm alone,
 *   ~25× faster than `cpu`. With flowlab's native addon built (native/build.mjs: OpenBLAS), its
 *   matMul, conv2d, GELU and sums run natively on zero-copy views of the wasm heap, on every core
 *   by default (./native/index.ts); otherwise single-threaded wasm.
 * - `cpu`: plain-JavaScript kernels (slow; the reference implementation).
 * - `tensorflow`: @tensorflow/tfjs-node (or -node-gpu), native libtensorflow, if installed.
 * - `webgpu`: @tensorflow/tfjs-backend-webgpu with the `webgpu` npm package (Dawn) over Vulkan.
 *   Reads are asynchronous only (see ./read.ts). A software adapter (Mesa's lavapipe/llvmpipe,
 *   SwiftShader) works, for tests, but is used only when asked for by name.
 * - `auto`: tries them, keeps the fastest that works (never a software GPU adapter) and prints one
 *   line naming the choice.
 *
 * Precision is float32 everywhere.
 */
import { cpus } from 'node:os';
import { tfjs as tf } from './tfjs.js';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmMatMulGuard } from './wasm-matmul-guard.js';
import { installWasmKernels } from './wasm-kernels.js';
import { disableNative, enableNative, nativeActive, nativeStatus, nativeThreads } from './native/index.js';
import './gelu.js';
import { installWebgpuGuards } from './webgpu-guards.js';
import { read } from './read.js';

/** A backend name accepted by `backend.use`. */
export type BackendName = 'auto' | 'wasm' | 'cpu' | 'webgpu' | 'tensorflow';

/** What `backend.info()` reports. */
export interface BackendInfo {
  /** Active TF.js backend name ('wasm', 'cpu', 'tensorflow', 'webgpu'). */
  name: string;
  /** Where it computes, in words (e.g. "CPU (WebAssembly SIMD, 1 thread)"). */
  device: string;
  precision: 'float32';
  /** Threads the backend computes with (0 on a GPU). */
  threads: number;
  /** wasm with the native path on: the OpenBLAS build (configuration and core) it runs on. */
  blas?: string;
  /** webgpu only: the adapter, as Dawn reports it. */
  adapter?: AdapterDescription;
}

/** A WebGPU adapter as Dawn reports it; `software` is true for CPU emulations such as lavapipe. */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  isFallbackAdapter?: boolean;
}

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software|softpipe/i;

/** Classifies a WebGPU adapter: software when Dawn says fallback or its names say CPU emulation. */
export function describeAdapter(adapter: GpuAdapterLike): AdapterDescription {
  const i = adapter.info ?? {};
  const d: AdapterDescription = {
    vendor: i.vendor ?? '',
    architecture: i.architecture ?? '',
    device: i.device ?? '',
    description: i.description ?? '',
    software: false,
  };
  d.software = adapter.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(`${d.architecture} ${d.device} ${d.description}`);
  return d;
}

let webgpuAdapter: AdapterDescription | undefined;

async function tryWasm({ blas, threads }: UseOptions = {}): Promise<void> {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new Error(`backend.use('wasm'): option 'threads' must be a positive integer, got ${String(threads)}.`);
  }
  // The Node build of the wasm backend finds its .wasm files next to itself (no setWasmPaths needed).
  installWasmMatMulGuard();
  installWasmKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  if (blas === false) {
    disableNative();
  } else if (!enableNative(threads === undefined ? {} : { threads }) && blas === true) {
    const s = nativeStatus();
    throw new Error(`backend.use('wasm', { blas: true }): ${s.reason}; ${s.fix}.`);
  }
  if (threads !== undefined && threads > 1 && !nativeActive()) {
    const s = nativeStatus();
    console.warn(`flowlab: backend.use('wasm', { threads: ${threads} }): pure wasm runs on 1 thread; ` +
      `more threads need the native path (${s.available ? 'turned off by blas: false' : `${s.reason}; ${s.fix}`}).`);
  }
}

async function tryTensorflow(): Promise<void> {
  let loaded = false;
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      loaded = true;
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' && !String(e).includes('Cannot find')) throw e;
    }
  }
  if (!loaded) {
    throw new Error("backend 'tensorflow' needs @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA 11.2, cuDNN 8.1): " +
      'run `npm install @tensorflow/tfjs-node` where its install step can download libtensorflow 2.9.1 from ' +
      'storage.googleapis.com (it is not on the npm registry, so registry-only machines cannot install it); ' +
      "meanwhile use backend.use('wasm').");
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error("backend 'tensorflow' is installed but failed to initialise");
}

async function tryWebgpu({ allowSoftware = true } = {}): Promise<void> {
  const nav = globalThis as unknown as { navigator?: { gpu?: unknown } };
  if (!nav.navigator?.gpu) {
    let webgpu: { create?: (o: string[]) => unknown; globals?: object };
    try {
      webgpu = (await import('webgpu' as string)) as typeof webgpu;
    } catch {
      throw new Error("backend 'webgpu' needs the npm packages @tensorflow/tfjs-backend-webgpu and webgpu " +
        '(Dawn) and a GPU with a Vulkan driver: none found here; use wasm on CPU-only machines.');
    }
    if (webgpu.globals) Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create?.([]);
    Object.defineProperty(globalThis, 'navigator', { value: { ...(nav.navigator ?? {}), gpu }, configurable: true });
  }
  const gpu = (globalThis as unknown as { navigator: { gpu?: { requestAdapter(o?: object): Promise<GpuAdapterLike | null> } } }).navigator.gpu;
  const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error("backend 'webgpu': no WebGPU adapter (no GPU or no Vulkan driver on this machine); " +
      'install a Vulkan driver (NVIDIA: the driver\'s libnvidia-vulkan; CPU emulation for tests: Mesa lavapipe) or use wasm.');
  }
  webgpuAdapter = describeAdapter(adapter);
  if (webgpuAdapter.software && !allowSoftware) {
    throw new Error(`backend 'webgpu': only a software adapter (${adapterName(webgpuAdapter)}) found, slower than wasm; ` +
      "ask for it by name with backend.use('webgpu')");
  }
  try {
    await import('@tensorflow/tfjs-backend-webgpu' as string);
  } catch {
    throw new Error("backend 'webgpu' needs @tensorflow/tfjs-backend-webgpu (npm install @tensorflow/tfjs-backend-webgpu webgpu).");
  }
  installWebgpuGuards();
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error("backend 'webgpu': no WebGPU adapter (no GPU or no Vulkan driver on this machine); use wasm.");
  }
}

const loaders: Record<Exclude<BackendName, 'auto'>, () => Promise<void>> = {
  wasm: () => tryWasm(),
  cpu: async () => {
    if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  },
  tensorflow: tryTensorflow,
  webgpu: tryWebgpu,
};

function adapterName(a: AdapterDescription): string {
  return [a.vendor, a.device || a.description, a.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
}

/** Milliseconds for one 256×512 by 512×256 matMul on the active backend, read back (after a warm-up). */
async function probeMs(): Promise<number> {
  const a = tf.ones([256, 512]);
  const b = tf.ones([512, 256]);
  const once = async () => {
    const c = tf.matMul(a, b);
    await read(c);
    c.dispose();
  };
  try {
    await once();
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) await once();
    return (performance.now() - t0) / 3;
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** Options of `backend.use`. */
export interface UseOptions {
  /**
   * wasm only: run matMul/batchMatMul, conv2d, GELU and sums on the native addon (OpenBLAS).
   * Default: on when the addon is built (`npm run build:native`) and FLOWLAB_BLAS is not 0; `true`
   * throws when it is not available, `false` keeps pure wasm.
   */
  blas?: boolean;
  /**
   * wasm only: OpenBLAS threads of the native path (default: every core, or OPENBLAS_NUM_THREADS).
   * Pure wasm computes on one thread (Node has no threaded build of the wasm backend).
   */
  threads?: number;
}

/**
 * Selects the compute backend. `auto` tries tensorflow, webgpu (hardware adapters only), wasm and
 * cpu, times a small matMul on each that works, keeps the fastest and prints one line naming the choice.
 * Defaults: name 'auto'; on wasm the native OpenBLAS path when built, on every core.
 * @example await fl.backend.use('wasm'); fl.backend.info() // { name: 'wasm', device: 'CPU (WebAssembly SIMD, XNNPACK; … native on OpenBLAS 0.3.21, 2 threads)', threads: 2, ... }
 * @example await fl.backend.use('wasm', { blas: false }) // pure wasm
 */
export async function use(name: BackendName = 'auto', options: UseOptions = {}): Promise<BackendInfo> {
  for (const key of ['threads', 'blas'] as const) {
    if (options[key] !== undefined && name !== 'wasm') {
      throw new Error(`backend.use: option '${key}' applies to 'wasm' only, got backend '${String(name)}'.`);
    }
  }
  if (name === 'auto') return useAuto();
  const loader = loaders[name as Exclude<BackendName, 'auto'>];
  if (!loader) {
    throw new Error(`backend.use: unknown backend '${String(name)}'; expected one of 'auto', 'wasm', 'cpu', 'webgpu', 'tensorflow'.`);
  }
  await (name === 'wasm' ? tryWasm(options) : loader());
  return info();
}

async function useAuto(): Promise<BackendInfo> {
  const timings: { name: Exclude<BackendName, 'auto'>; ms: number }[] = [];
  const skipped: string[] = [];
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    try {
      await (name === 'webgpu' ? tryWebgpu({ allowSoftware: false }) : loaders[name]());
      timings.push({ name, ms: await probeMs() });
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message.split(':')[0]}`);
    }
  }
  if (timings.length === 0) throw new Error(`backend.use('auto'): no backend works (${skipped.join('; ')}).`);
  timings.sort((a, b) => a.ms - b.ms);
  // A hardware GPU wins outright: the probe is too small to show what it does at model scale.
  const chosen = timings.find((t) => t.name === 'webgpu') ?? timings[0];
  await loaders[chosen.name]();
  const result = info();
  console.log(`flowlab backend: ${result.name} (${result.device}); ${chosen.name === 'webgpu' ? 'GPU preferred;' : 'fastest of'} ${timings.map((t) => `${t.name} ${t.ms.toFixed(1)} ms`).join(', ')}` +
    (skipped.length ? `; unavailable: ${skipped.map((s) => s.split(':')[0]).join(', ')}` : ''));
  return result;
}

/**
 * The active backend: name, device, precision ('float32') and threads.
 * @example fl.backend.info() // { name: 'wasm', device: 'CPU (WebAssembly SIMD)', precision: 'float32', threads: 1 }
 */
export function info(): BackendInfo {
  const name = tf.getBackend();
  const simd = name === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  let threads = 1;
  let device = 'CPU (JavaScript)';
  if (name === 'wasm' && nativeActive()) {
    const blas = nativeStatus().blas ?? 'OpenBLAS';
    threads = nativeThreads();
    device = `CPU (WebAssembly${simd ? ' SIMD' : ''}, XNNPACK; matMul, conv2d, GELU and sums native on ${blas.split(' ').slice(0, 2).join(' ')}, ${threads} thread${threads === 1 ? '' : 's'})`;
    return { name, device, precision: 'float32', threads, blas };
  } else if (name === 'wasm') {
    const b = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
    threads = b.wasm?.tfjs?.getThreadsCount?.() ?? 1;
    device = `CPU (WebAssembly${simd ? ' SIMD' : ''}, XNNPACK)`;
  } else if (name === 'tensorflow') {
    device = 'native libtensorflow';
    threads = cpus().length;
  } else if (name === 'webgpu') {
    const a = webgpuAdapter;
    device = a ? `${a.software ? 'software GPU emulated on the CPU' : 'GPU'} (WebGPU: ${adapterName(a)})` : 'GPU (WebGPU)';
    threads = 0;
    return { name, device, precision: 'float32', threads, ...(a ? { adapter: { ...a } } : {}) };
  }
  return { name, device, precision: 'float32', threads };
}

let defaultReady: Promise<void> | undefined;

/**
 * Makes sure a backend is active: the default `wasm` (or $FLOWLAB_BACKEND) unless one was chosen.
 * Awaited once when `fl.tf` is imported, so the first op already runs on wasm.
 */
export function ensureDefaultBackend(): Promise<void> {
  defaultReady ??= (async () => {
    const wanted = (process.env.FLOWLAB_BACKEND as BackendName | undefined) ?? 'wasm';
    try {
      await use(wanted);
    } catch (e) {
      await tf.setBackend('cpu');
      console.warn(`flowlab: backend '${wanted}' unavailable (${(e as Error).message}); using cpu.`);
    }
  })();
  return defaultReady;
}

/** The backend namespace exposed as `fl.backend`. */
export const backend = { use, info };
