/**
 * Higher-order-safe gradient of depthwiseConv2d (NHWC, dilation 1). TF.js differentiates it into
 * DepthwiseConv2dNativeBackpropInput/Filter kernels, which the wasm backend lacks and which have no
 * gradients themselves. With taps T_pq (see ./windows.ts), filter f [kh, kw, c, m] and
 * dy reshaped [n, oh, ow, c, m]:
 *
 *   ∂x = Σ_pq adjoint_pq( Σ_m dy[…, c, m] f[p, q, c, m] )     ∂f[p, q, c, m] = Σ_{b,i,j} T_pq[b, i, j, c] dy[b, i, j, c, m]
 */
import { tfjs as tf } from '../tfjs.js';
import { defineSafeGradient } from './registry.js';
import { geometry, tapAdjoint, taps } from './windows.js';

type T = tf.Tensor;

/** Registers the depthwiseConv2d gradient. */
export function registerDepthwiseGradient(): void {
  defineSafeGradient({
    kernelName: tf.DepthwiseConv2dNative,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as tf.DepthwiseConv2dNativeAttrs;
      const d = dilations === undefined ? [1, 1] : typeof dilations === 'number' ? [dilations, dilations] : dilations;
      if (d[0] !== 1 || d[1] !== 1) throw new Error(`depthwiseConv2d gradient: flowlab supports dilation 1 only, got [${d}].`);
      const [kh, kw, c, m] = filter.shape;
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, true);
      const g = geometry(info, x.shape);
      const dy5 = () => tf.reshape(dy as T, [g.n, g.oh, g.ow, c, m]);
      return {
        x: () => {
          const d5 = dy5();
          const parts: T[] = [];
          for (let p = 0; p < kh; p++) {
            for (let q = 0; q < kw; q++) {
              const f = tf.reshape(tf.slice(filter, [p, q, 0, 0], [1, 1, c, m]), [c, m]);
              parts.push(tapAdjoint(tf.sum(tf.mul(d5, f), -1), p, q, g));
            }
          }
          return parts.length === 1 ? parts[0] : tf.addN(parts);
        },
        filter: () => {
          const d5 = dy5();
          const per = taps(x, g).map((t) => tf.sum(tf.mul(tf.expandDims(t, -1), d5), [0, 1, 2]));
          return tf.reshape(tf.stack(per), [kh, kw, c, m]);
        },
      };
    },
  });
}
