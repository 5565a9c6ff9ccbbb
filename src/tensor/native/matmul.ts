/**
 * The wasm backend's BatchMatMul and _FusedMatMul kernels on OpenBLAS: cblas_sgemm reads the
 * operands and writes the product straight in the wasm heap (zero-copy views), transposes included
 * (BLAS reads op(A), op(B) in place, so no transposed copy is ever made), batches broadcast as in
 * NumPy:
 *
 *   C[i] = op(A)[iₐ] · op(B)[i_b]     (iₐ, i_b: i's multi-index with A's, B's size-1 batch axes at 0)
 *
 * _FusedMatMul adds its bias and activation with the wasm backend's own Add and activation kernels.
 * Forward kernels only: gradients stay flowlab's higher-order-safe ones (../gradients/matmul.ts).
 */
import { tfjs as tf } from '../tfjs.js';
import type { NativeAddon } from './addon.js';

export type WasmBackend = tf.KernelBackend & {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(id: object): void;
};

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const ZERO = new Int32Array([0]);

/** Element offsets of each product's A and B operands over the broadcast batch. */
export function batchOffsets(batchA: number[], batchB: number[], sizeA: number, sizeB: number): { out: number[]; a: Int32Array; b: Int32Array } {
  const out = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  const count = out.reduce((p, q) => p * q, 1);
  if (count === 1) return { out, a: ZERO, b: ZERO };
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  const r = out.length;
  // strides of A's and B's batch axes, right-aligned with the output's; broadcast axes stride 0
  const strides = (dims: number[]) => {
    const s = new Array<number>(r).fill(0);
    let acc = 1;
    for (let i = dims.length - 1; i >= 0; i--) {
      s[r - dims.length + i] = dims[i] === 1 ? 0 : acc;
      acc *= dims[i];
    }
    return s;
  };
  const sa = strides(batchA);
  const sb = strides(batchB);
  const idx = new Array<number>(r).fill(0);
  for (let i = 0; i < count; i++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < r; d++) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    a[i] = ia * sizeA;
    b[i] = ib * sizeB;
    for (let d = r - 1; d >= 0; d--) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return { out, a, b };
}

/** op(a)·op(b) into a new wasm tensor through the addon's gemm. */
export function nativeProduct(addon: NativeAddon, backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) {
    throw new Error(`Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} ` +
      `and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const { out, a: aOff, b: bOff } = batchOffsets(a.shape.slice(0, -2), b.shape.slice(0, -2), m * k, k * n);
  const result = backend.makeOutput([...out, m, n], 'float32');
  // views after the allocation: growing the heap detaches earlier ones
  addon.gemm(backend.typedArrayFromHeap(a), backend.typedArrayFromHeap(b), backend.typedArrayFromHeap(result),
    m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0, aOff, bOff);
  return result;
}

/** BatchMatMul on OpenBLAS (float32 operands; anything else goes to `fallback`). */
export function nativeBatchMatMul(addon: NativeAddon, fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = (args.attrs ?? {}) as unknown as tf.BatchMatMulAttrs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args as never);
    return nativeProduct(addon, args.backend as WasmBackend, a, b, Boolean(transposeA), Boolean(transposeB));
  }) as tf.KernelFunc;
}

const ACTIVATION_KERNELS: Record<string, string> = {
  relu: tf.Relu, relu6: tf.Relu6, elu: tf.Elu, sigmoid: tf.Sigmoid, leakyrelu: tf.LeakyRelu, prelu: tf.Prelu,
};

/** _FusedMatMul on OpenBLAS: the product, then bias and activation through the wasm backend's kernels. */
export function nativeFusedMatMul(addon: NativeAddon, fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = (args.attrs ?? {}) as unknown as tf._FusedMatMulAttrs;
    const activation = attrs.activation ?? 'linear';
    if (a!.dtype !== 'float32' || b!.dtype !== 'float32' || (activation !== 'linear' && !ACTIVATION_KERNELS[activation])) {
      return fallback(args as never);
    }
    const backend = args.backend as WasmBackend;
    const run = (name: string, inputs: tf.NamedTensorInfoMap, kAttrs: tf.NamedAttrMap = {}) =>
      tf.getKernel(name, 'wasm')!.kernelFunc({ inputs, backend, attrs: kAttrs }) as tf.TensorInfo;
    let y = nativeProduct(addon, backend, a!, b!, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
    const step = (next: tf.TensorInfo) => {
      backend.disposeData(y.dataId);
      y = next;
    };
    if (bias) step(run(tf.Add, { a: y, b: bias }));
    if (activation === 'prelu') step(run(tf.Prelu, { x: y, alpha: preluActivationWeights! }));
    else if (activation === 'leakyrelu') step(run(tf.LeakyRelu, { x: y }, { alpha: attrs.leakyreluAlpha ?? 0.2 }));
    else if (activation !== 'linear') step(run(ACTIVATION_KERNELS[activation], { x: y }));
    return y;
  }) as tf.KernelFunc;
}
