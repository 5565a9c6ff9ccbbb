/**
 * Higher-order-safe gradients for conv2d and pooling (NHWC, dilation 1).
 *
 * TF.js differentiates Conv2D into Conv2DBackpropInput and Conv2DBackpropFilter; the wasm backend
 * has no Conv2DBackpropFilter kernel, and AvgPoolGrad/MaxPoolGrad have no gradients, so second
 * derivatives of CNNs fail. Here every piece is a differentiable composition:
 *
 *   ∂conv(x, W)/∂x · dy = convT(dy, W)          (Conv2DBackpropInput kernel)
 *   ∂conv(x, W)/∂W · dy = Σ_{n,i,j} patch(x)ᵀ dy  (pad + slices + matMul, one per filter tap)
 *   ∂convT(dy, W)/∂dy · g = conv(g, W)           ∂convT(dy, W)/∂W · g = filterGrad(g, dy)
 *   ∂filterGrad(x, dy)/∂x · G = convT(dy, G)     ∂filterGrad(x, dy)/∂dy · G = conv(x, G)   (bilinear)
 *   ∂avgPool(x)/∂x · dy = avgPoolGrad(dy ⊙ window/taps)   ∂avgPoolGrad/∂dy · g = avgPool(g) ⊙ taps/window
 *   ∂maxPool(x)/∂x · dy = Σ_taps adjoint(dy ⊙ [tap is the window's first maximum])  (pads, slices: linear)
 *
 * TF.js's own avgPool gradient is wrong at 'same' borders (the AvgPoolGrad kernel divides by the full
 * window, avgPool by the in-bounds taps) and wasm's MaxPoolGrad/MaxPoolWithArgmax are wrong at 'same'
 * borders; both are avoided here.
 */
import { tfjs as tf } from '../tfjs.js';
import { defineSafeGradient } from './registry.js';
import { geometry, tapAdjoint, taps } from './windows.js';

type T = tf.Tensor;
type T4 = tf.Tensor4D;
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function checkDilations(dilations: number | [number, number] | undefined, what: string): void {
  const d = dilations === undefined ? [1, 1] : typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (d[0] !== 1 || d[1] !== 1) {
    throw new Error(`${what}: flowlab's exact gradients support dilation 1 only, got dilations [${d}]; ` +
      'emulate dilation by spacing filter taps with zeros.');
  }
}

/**
 * ∂⟨dy, conv2d(x, W)⟩/∂W for W of `filterShape`: the Conv2DBackpropFilter kernel where flowlab's
 * native path provides it on wasm (its gradient is registered below), else differentiable ops (one
 * matMul per tap).
 */
export function conv2dFilterGrad(x: T4, dy: T4, filterShape: [number, number, number, number], strides: number | [number, number], pad: Pad, rounding: Rounding): T4 {
  if (tf.getBackend() === 'wasm' && tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) {
    const attrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode: rounding, filterShape };
    return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs as unknown as tf.NamedAttrMap) as T4;
  }
  const g = geometry(tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, rounding), x.shape);
  const rows = g.n * g.oh * g.ow;
  const dy2 = tf.reshape(dy, [rows, filterShape[3]]);
  const perTap = taps(x, g).map((t) => tf.matMul(tf.reshape(t, [rows, g.c]), dy2, true, false));
  return tf.reshape(tf.stack(perTap), filterShape);
}

/** ∂⟨dy, maxPool(x)⟩/∂x: dy routed to the first maximal tap of each window (TF's tie rule). */
function maxPoolGrad(x: T4, dy: T, a: tf.MaxPoolAttrs): T {
  const info = tf.backend_util.computePool2DInfo(x.shape, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const g = geometry(info, x.shape);
  const y = tf.maxPool(x, a.filterSize, a.strides, a.pad, a.dimRoundingMode);
  let taken: T = tf.zerosLike(y);
  const parts: T[] = [];
  taps(x, g, -Infinity).forEach((t, k) => {
    const m = tf.mul(tf.cast(tf.equal(t, y), 'float32'), tf.sub(1, taken));
    taken = tf.add(taken, m);
    parts.push(tapAdjoint(tf.mul(dy, m), Math.floor(k / g.kw), k % g.kw, g));
  });
  return parts.length === 1 ? parts[0] : tf.addN(parts);
}

/** (window size) / (in-bounds taps) per output position of a pool, shape [1, oh, ow, 1]. */
function windowScale(xShape: number[], a: tf.AvgPoolAttrs): T {
  const info = tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  const scale = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const rows = Math.min(h, i * sh - top + kh) - Math.max(0, i * sh - top);
      const cols = Math.min(w, j * sw - left + kw) - Math.max(0, j * sw - left);
      scale[i * ow + j] = (kh * kw) / Math.max(1, rows * cols);
    }
  }
  return tf.tensor4d(scale, [1, oh, ow, 1]);
}

/** Registers the conv/pool safe gradients. */
export function registerConvGradients(): void {
  defineSafeGradient({
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const { dilations, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
      checkDilations(dilations, 'conv2d gradient');
      if (dataFormat === 'NCHW') throw new Error("conv2d gradient: dataFormat 'NCHW' is not supported; use 'NHWC'.");
      return {
        x: () => tf.conv2dTranspose(dy as T4, filter as T4, x.shape as [number, number, number, number], strides, pad as 'same' | 'valid' | number, dimRoundingMode),
        filter: () => conv2dFilterGrad(x as T4, dy as T4, filter.shape as [number, number, number, number], strides, pad, dimRoundingMode),
      };
    },
  });
  defineSafeGradient({
    kernelName: tf.Conv2DBackpropInput,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, [dy, filter], attrs) => {
      const { strides, pad, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
      const g = ddx as T4;
      return {
        dy: () => tf.conv2d(g, filter as T4, strides, pad, 'NHWC', 1, dimRoundingMode),
        filter: () => conv2dFilterGrad(g, dy as T4, filter.shape as [number, number, number, number], strides, pad, dimRoundingMode),
      };
    },
  });
  defineSafeGradient({
    kernelName: tf.Conv2DBackpropFilter,
    inputsToSave: ['x', 'dy'],
    gradFunc: (G, [x, dy], attrs) => {
      const { strides, pad, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      const g = G as T4;
      return {
        x: () => tf.conv2dTranspose(dy as T4, g, x.shape as [number, number, number, number], strides, pad as 'same' | 'valid' | number, dimRoundingMode),
        dy: () => tf.conv2d(x as T4, g, strides, pad as 'same' | 'valid' | number, 'NHWC', 1, dimRoundingMode),
      };
    },
  });
  defineSafeGradient({
    kernelName: tf.AvgPool,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const a = attrs as unknown as tf.AvgPoolAttrs;
      return {
        // The AvgPoolGrad kernel divides by the full window size; avgPool divides by the number of
        // in-bounds taps. Rescaling dy makes the 'same'-padding border gradient exact.
        x: () => tf.engine().runKernel(tf.AvgPoolGrad, { dy: tf.mul(dy as T, windowScale(x.shape, a)), input: x },
          attrs as tf.NamedAttrMap) as T,
      };
    },
  });
  defineSafeGradient({
    kernelName: tf.AvgPoolGrad,
    inputsToSave: ['input'],
    gradFunc: (ddx, [input], attrs) => {
      const a = attrs as unknown as tf.AvgPoolAttrs;
      return {
        dy: () => tf.div(tf.avgPool(ddx as T4, a.filterSize, a.strides, a.pad as 'same' | 'valid' | number, a.dimRoundingMode), windowScale(input.shape, a)),
        input: () => tf.zeros(input.shape, 'float32'),
      };
    },
  });
  defineSafeGradient({
    kernelName: tf.MaxPool,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => maxPoolGrad(x as T4, dy as T, attrs as unknown as tf.MaxPoolAttrs) }),
  });
}
