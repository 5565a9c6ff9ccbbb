/**
 * The wasm backend's Conv2D and Conv2DBackpropInput kernels on the native addon: im2col / col2im
 * around OpenBLAS sgemm (native/conv.c), NHWC, any stride and padding, dilation 1:
 *
 *   conv(x, K) = im2col(x) · K      convᵀ(dy, K) = col2im(dy · Kᵀ)      ∂_K⟨dy, conv(x, K)⟩ = im2col(x)ᵀ · dy
 *
 * The wasm backend's own Conv2DBackpropInput is a plain loop (it was 60 % of a CNN gradient), and
 * it has no Conv2DBackpropFilter: flowlab's filter gradient is then one slice and matMul per tap.
 * Forward kernels only: flowlab's higher-order-safe conv gradients (../gradients/conv.ts) call them,
 * and differentiate Conv2DBackpropFilter again through conv and convᵀ. Other layouts, dilations and
 * dtypes go to the wasm kernels (Conv2DBackpropFilter: to an error the gradient never reaches, as
 * it only calls the kernel for what it supports).
 */
import { tfjs as tf } from '../tfjs.js';
import type { NativeAddon } from './addon.js';
import type { WasmBackend } from './matmul.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type Shape4 = [number, number, number, number];

function geometry(info: tf.backend_util.Conv2DInfo): Int32Array {
  return Int32Array.from([info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.outChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left]);
}

function supported(a: { dataFormat?: string; dilations?: number | [number, number] }, ...ts: tf.TensorInfo[]): boolean {
  const d = a.dilations ?? 1;
  const dilated = typeof d === 'number' ? d !== 1 : d[0] !== 1 || d[1] !== 1;
  return (a.dataFormat ?? 'NHWC') === 'NHWC' && !dilated && ts.every((t) => t.dtype === 'float32');
}

/** Conv2D through im2col + sgemm. */
export function nativeConv2D(addon: NativeAddon, fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const a = args.attrs as unknown as tf.Conv2DAttrs;
    if (!supported(a, x, filter)) return fallback(args as never);
    const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4, a.strides, a.dilations ?? 1,
      a.pad, a.dimRoundingMode, false, 'channelsLast');
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(info.outShape, 'float32');
    if (info.outShape.some((d) => d === 0)) return out;
    addon.conv2d(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out), geometry(info));
    return out;
  }) as tf.KernelFunc;
}

/** Conv2DBackpropInput (the transposed convolution) through sgemm + col2im. */
export function nativeConv2DBackpropInput(addon: NativeAddon, fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (!supported(a, dy, filter)) return fallback(args as never);
    const info = tf.backend_util.computeConv2DInfo(a.inputShape as Shape4, filter.shape as Shape4, a.strides, 1,
      a.pad, a.dimRoundingMode, false, 'channelsLast');
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(a.inputShape.slice(), 'float32');
    if (a.inputShape.some((d) => d === 0)) return out;
    addon.conv2dBackpropInput(backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out), geometry(info));
    return out;
  }) as tf.KernelFunc;
}

/** Conv2DBackpropFilter (new on wasm): im2col(x)ᵀ · dy, block by block. */
export function nativeConv2DBackpropFilter(addon: NativeAddon): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (!supported(a, x, dy)) {
      throw new Error(`Conv2DBackpropFilter on wasm: NHWC float32 only, got ${a.dataFormat} ${x.dtype}/${dy.dtype}.`);
    }
    const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, a.filterShape as Shape4, a.strides, 1,
      a.pad, a.dimRoundingMode, false, 'channelsLast');
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(a.filterShape.slice(), 'float32');
    addon.conv2dBackpropFilter(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(out), geometry(info));
    return out;
  }) as tf.KernelFunc;
}
