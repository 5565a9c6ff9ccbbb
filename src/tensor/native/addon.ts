/**
 * Loading flowlab's optional native addon (native/build/flowlab_native.node: OpenBLAS sgemm and the
 * fused GELU family in C, built at install by native/build.mjs). Without it everything still runs
 * on pure wasm; `nativeStatus()` says why it is not there and how to get it.
 *
 * FLOWLAB_BLAS=0 in the environment turns the native path off for the whole process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's functions (native/addon.c). Arrays are read and written in place. */
export interface NativeAddon {
  /** C[b] = op(A)·op(B) at the given element offsets, row-major; C is batch × m × n. */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
    transA: number, transB: number, aOffsets: Int32Array, bOffsets: Int32Array): void;
  /** y = s ⊙ g⁽ᵒʳᵈᵉʳ⁾(x) for the exact GELU g (s null: y = g⁽ᵒʳᵈᵉʳ⁾(x)). */
  gelu(x: Float32Array, s: Float32Array | null, y: Float32Array, order: number): void;
  /** y[o, i] = Σₘ x[o, m, i] (x viewed as outer × mid × inner), accumulated in double. */
  sum(x: Float32Array, y: Float32Array, outer: number, mid: number, inner: number): void;
  /** Whether every value is finite. */
  allFinite(x: Float32Array): boolean;
  /** y = conv(x, k), NHWC; geometry [n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, top, left]. */
  conv2d(x: Float32Array, k: Float32Array, y: Float32Array, geometry: Int32Array): void;
  /** dx = convᵀ(dy, k) (the input gradient of conv2d), same geometry. */
  conv2dBackpropInput(dy: Float32Array, k: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /** dk = ∂⟨dy, conv(x, k)⟩/∂k, same geometry. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dk: Float32Array, geometry: Int32Array): void;
  /** g[i·b.length + j] = a[i]·b[j] in float64 (vectors of one length; chunked, each read once). Absent from addons built before it. */
  dgram?(a: Float64Array[], b: Float64Array[], g: Float64Array): void;
  /** out[r] += Σⱼ c[r·b.length + j]·b[j] in float64 (out[r] may be one of the b). Absent from addons built before it. */
  dcombine?(b: Float64Array[], c: Float64Array, out: Float64Array[]): void;
  setThreads(n: number): void;
  threads(): number;
  blasConfig(): string;
}

/** Whether the addon is usable here, and if not why and what to do. */
export interface NativeStatus {
  available: boolean;
  /** Path of the .node file (found or expected). */
  path: string;
  /** OpenBLAS build and core, when available. */
  blas?: string;
  /** Why it is not available. */
  reason?: string;
  /** What to do about it. */
  fix?: string;
}

export const NATIVE_FIX = 'apt-get install gcc libopenblas-dev, then npm run build:native (or flowlab doctor --build-native)';

/** The package root: the nearest folder above this module holding native/build.mjs. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'native', 'build.mjs'))) return dir;
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
}

let cached: { addon?: NativeAddon; status: NativeStatus } | undefined;

function load(): { addon?: NativeAddon; status: NativeStatus } {
  const path = join(packageRoot(), 'native', 'build', 'flowlab_native.node');
  if (process.env.FLOWLAB_BLAS === '0') {
    return { status: { available: false, path, reason: 'turned off by FLOWLAB_BLAS=0', fix: 'unset FLOWLAB_BLAS' } };
  }
  if (!existsSync(path)) {
    let why = 'the native addon was not built';
    try {
      const s = JSON.parse(readFileSync(join(dirname(path), 'status.json'), 'utf8')) as { ok?: boolean; reason?: string };
      if (!s.ok && s.reason) why = `the native addon did not build: ${s.reason}`;
    } catch { /* never attempted */ }
    return { status: { available: false, path, reason: why, fix: NATIVE_FIX } };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    return { addon, status: { available: true, path, blas: addon.blasConfig() } };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    return { status: { available: false, path, reason: `the native addon does not load: ${msg}`, fix: NATIVE_FIX } };
  }
}

/** The loaded addon, or undefined (loaded once per process). */
export function nativeAddon(): NativeAddon | undefined {
  cached ??= load();
  return cached.addon;
}

/**
 * Whether the native addon is available, with the reason and fix when it is not.
 * @example nativeStatus() // { available: true, path: '…/flowlab_native.node', blas: 'OpenBLAS 0.3.21 …' }
 */
export function nativeStatus(): NativeStatus {
  cached ??= load();
  return { ...cached.status };
}
