/**
 * The wasm backend's Sum and Mean kernels on the native addon for float32 reductions over one
 * contiguous block of axes (all axes, leading ones — the bias gradients of every dense layer —,
 * trailing ones, or the window axes of flowlab's pooling layers):
 *
 *   y[o, i] = Σₘ x[o, m, i]  (Mean: divided by the block's size)   x viewed as outer × mid × inner,
 *                                                                  accumulated in double
 *
 * The wasm kernel transposes the input first whenever the reduced axes are not the innermost ones;
 * here nothing is copied. Other reductions (int32, scattered axes) go to the wasm kernels.
 */
import { tfjs as tf } from '../tfjs.js';
import type { NativeAddon } from './addon.js';
import type { WasmBackend } from './matmul.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function reduction(mean: boolean, addon: NativeAddon, fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = (args.attrs ?? {}) as unknown as tf.SumAttrs;
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
    if (x.dtype !== 'float32' || axes.length === 0 || !contiguous) return fallback(args as never);
    const size = (dims: number[]) => dims.reduce((p, q) => p * q, 1);
    const first = axes[0];
    const end = axes[axes.length - 1] + 1;
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(shape, 'float32');
    const mid = size(x.shape.slice(first, end));
    const y = backend.typedArrayFromHeap(out);
    addon.sum(backend.typedArrayFromHeap(x), y, size(x.shape.slice(0, first)), mid, size(x.shape.slice(end)));
    if (mean) for (let i = 0; i < y.length; i++) y[i] /= mid;
    return out;
  }) as tf.KernelFunc;
}

/** Sum on the addon where the reduced axes are one contiguous block; `fallback` otherwise. */
export function nativeSum(addon: NativeAddon, fallback: tf.KernelFunc): tf.KernelFunc {
  return reduction(false, addon, fallback);
}

/** Mean on the addon where the reduced axes are one contiguous block; `fallback` otherwise. */
export function nativeMean(addon: NativeAddon, fallback: tf.KernelFunc): tf.KernelFunc {
  return reduction(true, addon, fallback);
}
