/**
 * Guard against a wasm-backend defect: its matMul (XNNPACK fully-connected operator) caches the
 * packed right operand B by B's data id, ignoring B's shape. Reshapes share data, so the same
 * buffer used as B under two shapes (w as [3, 1], later as [1, 3]) silently reads stale packed
 * weights: tf.matMul([[1, 1]], reshape(x, [2, 3])) after tf.matMul(..., reshape(x, [3, 2])) returns
 * [4, 6, 0] instead of [5, 7, 9] (tfjs-backend-wasm 4.22). Second derivatives hit this constantly
 * (gradients reuse operands transposed or reshaped).
 *
 * The guard wraps the wasm BatchMatMul and _FusedMatMul kernels: when a B buffer comes back with a
 * different shape/transpose than it was first used with, B is copied to a fresh buffer first.
 */
import { tfjs as tf } from './tfjs.js';

type WasmBackend = tf.KernelBackend & {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(id: object): void;
};

let installed = false;

function guard(original: tf.KernelConfig): tf.KernelConfig {
  const firstUse = new WeakMap<object, string>();
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => {
    const b = args.inputs.b as tf.TensorInfo;
    const key = `${b.shape.join('x')}/${Boolean((args.attrs as { transposeB?: boolean } | undefined)?.transposeB)}`;
    const seen = firstUse.get(b.dataId);
    if (seen === undefined) firstUse.set(b.dataId, key);
    if (seen === undefined || seen === key) return original.kernelFunc(args as never);
    const backend = args.backend as WasmBackend;
    const copy = backend.makeOutput(b.shape, b.dtype);
    backend.typedArrayFromHeap(copy).set(backend.typedArrayFromHeap(b));
    try {
      return original.kernelFunc({ ...args, inputs: { ...args.inputs, b: copy } } as never);
    } finally {
      backend.disposeData(copy.dataId);
    }
  };
  return { ...original, kernelFunc: kernelFunc as tf.KernelFunc };
}

/** Installs the guard on the wasm matMul kernels (once). */
export function installWasmMatMulGuard(): void {
  if (installed) return;
  installed = true;
  for (const name of [tf.BatchMatMul, tf._FusedMatMul]) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(guard(original));
  }
}
