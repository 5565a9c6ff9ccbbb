/**
 * Five wasm-backend kernels replaced by cheaper equivalents with the same results (used with and
 * without the native addon). They are what the profile of the reference MLP's curvatureGrad showed
 * outside the matMuls (bench/compute: 425 Identity copies, 174 Cast copies, each Slice of the
 * 853,508-float w reading all of w):
 *
 * - Identity: TF.js clones every tensor a gradient saves (engine.clone → Identity); the wasm kernel
 *   copies the data. Tensors are immutable, so here the clone shares the data (reference counted,
 *   exactly like the wasm Reshape kernel).
 * - Cast to the same dtype: the same sharing (the gradient of a clone is such a Cast).
 * - Slice (and SplitV, Unpack, built on it): the wasm kernel first copies the WHOLE input out of the
 *   heap (readSync); here each slice is copied from a heap view, contiguous runs of the last axis at
 *   a time.
 */
import { tfjs as tf } from './tfjs.js';
import type { WasmBackend } from './native/matmul.js';

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type RefBackend = WasmBackend & { incRef(id: object): void };

function share(x: tf.TensorInfo, backend: RefBackend): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

function identity(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: Args) => {
    const x = args.inputs.x as tf.TensorInfo;
    return x.dtype === 'string' ? original(args as never) : share(x, args.backend as RefBackend);
  }) as tf.KernelFunc;
}

function cast(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: Args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const dtype = (args.attrs as { dtype?: tf.DataType } | undefined)?.dtype;
    return dtype === x.dtype && dtype !== 'string' ? share(x, args.backend as RefBackend) : original(args as never);
  }) as tf.KernelFunc;
}

/** x[begin : begin + size] into a new wasm tensor, read through a heap view (no copy of all of x). */
function sliceHeap(x: tf.TensorInfo, b: number[], s: number[], backend: RefBackend): tf.TensorInfo {
  const out = backend.makeOutput(s, x.dtype);
  const count = s.reduce((p, q) => p * q, 1);
  if (count === 0) return out;
  // views after the allocation: growing the heap detaches earlier ones
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, b, s)) {
    const start = tf.slice_util.computeFlatOffset(b, strides);
    to.set(from.subarray(start, start + count));
    return out;
  }
  // copy runs along the last axis, walking the other axes like an odometer
  const r = s.length;
  const run = s[r - 1];
  const idx = new Array<number>(r - 1).fill(0);
  for (let o = 0; o < count; o += run) {
    let start = b[r - 1];
    for (let d = 0; d < r - 1; d++) start += (b[d] + idx[d]) * strides[d];
    // short runs (a few channels): a plain loop beats making a subarray per run
    if (run < 64) for (let i = 0; i < run; i++) to[o + i] = from[start + i];
    else to.set(from.subarray(start, start + run), o);
    for (let d = r - 2; d >= 0; d--) {
      if (++idx[d] < s[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const heapable = (x: tf.TensorInfo) => x.dtype !== 'string' && x.dtype !== 'complex64';

function slice(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: Args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (!heapable(x)) return original(args as never);
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    return sliceHeap(x, b, s, args.backend as RefBackend);
  }) as tf.KernelFunc;
}

/** SplitV: one heap-view slice per part (the wasm kernel's slices each copy all of x first). */
function splitV(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: Args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (!heapable(x)) return original(args as never);
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((n) => {
      const size = x.shape.slice();
      size[ax] = n;
      const part = sliceHeap(x, begin.slice(), size, args.backend as RefBackend);
      begin[ax] += n;
      return part;
    });
  }) as tf.KernelFunc;
}

/** Unpack (tf.unstack): one heap-view slice per entry along the axis. */
function unpack(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: Args) => {
    const x = args.inputs.value as tf.TensorInfo;
    if (!heapable(x)) return original(args as never);
    const rank = x.shape.length;
    const ax = ((args.attrs as unknown as tf.UnpackAttrs).axis + rank) % rank;
    const outShape = x.shape.filter((_, i) => i !== ax);
    const size = x.shape.slice();
    size[ax] = 1;
    return Array.from({ length: x.shape[ax] }, (_, i) => {
      const begin = new Array<number>(rank).fill(0);
      begin[ax] = i;
      const part = sliceHeap(x, begin, size, args.backend as RefBackend);
      return { ...part, shape: outShape };
    });
  }) as tf.KernelFunc;
}

let installed = false;

/** Replaces the wasm Identity, Cast, Slice, SplitV and Unpack kernels (once). */
export function installWasmKernels(): void {
  if (installed) return;
  installed = true;
  const replacements: [string, (o: tf.KernelFunc) => tf.KernelFunc][] = [
    [tf.Identity, identity], [tf.Cast, cast], [tf.Slice, slice], [tf.SplitV, splitV], [tf.Unpack, unpack],
  ];
  for (const [name, make] of replacements) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) });
  }
}
