/**
 * The exact GELU g(x) = x·Φ(x) as ONE kernel per derivative order, exact to any order:
 *
 *   g₀ = xΦ(x)    g₁ = Φ(x) + xφ(x)    gₖ = (−1)ᵏ φ(x) (Heₖ₋₂(x) − Heₖ(x))  (k ≥ 2, Hermite Heⱼ)
 *
 * Kernel `FlowlabGelu` computes gₖ(x); `FlowlabGeluScaled` computes s ⊙ gₖ(x). Their gradients are
 * again these kernels one order up (∂[s gₖ(x)]/∂x = s gₖ₊₁(x), ∂/∂s = gₖ(x)), saving inputs only,
 * so they differentiate exactly to every order (the rule of ./gradients/registry.ts). Compared with
 * ½x(1 + erf(x/√2)) from elementary ops this is 1 kernel instead of 5 forward and ~3 instead of
 * ~12 per backward level, and Φ keeps its relative accuracy in the far left tail.
 *
 * The kernels run on the wasm backend with the native path on (vectorised C, native/gelu.c, on the
 * wasm heap). Everywhere else (pure wasm, cpu, webgpu, tensorflow) `gelu` is the elementary-op
 * composition: a JavaScript kernel was measured slower than wasm's own Erf/Exp/Mul (V8's Math.exp
 * alone costs ~20 ns an element). Hendrycks & Gimpel 2016, arXiv:1606.08415 (PyTorch nn.GELU()).
 */
import { tfjs as tf } from './tfjs.js';
import { defineSafeGradient } from './gradients/registry.js';
import { activeAddon, nativeActive } from './native/index.js';
import type { WasmBackend } from './native/matmul.js';

export const GELU = 'FlowlabGelu';
export const GELU_SCALED = 'FlowlabGeluScaled';

type T = tf.Tensor;

function wasmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const addon = activeAddon();
  if (!addon) throw new Error(`${GELU}: the native path is off; gelu uses elementary ops then (this kernel is not called).`);
  const { x, s } = args.inputs as { x: tf.TensorInfo; s?: tf.TensorInfo };
  const order = Number((args.attrs as { order?: number } | undefined)?.order ?? 0);
  const backend = args.backend as WasmBackend;
  const out = backend.makeOutput(x.shape, 'float32');
  addon.gelu(backend.typedArrayFromHeap(x), s ? backend.typedArrayFromHeap(s) : null, backend.typedArrayFromHeap(out), order);
  return out;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** gₖ(x) from elementary ops (backends without the kernels). */
function composite(x: T, order: number): T {
  const Phi = () => tf.mul(0.5, tf.add(1, tf.erf(tf.mul(Math.SQRT1_2, x))));
  if (order === 0) return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(Math.SQRT1_2, x))));
  const pdf = tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(-0.5, tf.square(x))));
  if (order === 1) return tf.add(Phi(), tf.mul(x, pdf));
  let older: T = tf.zerosLike(x);
  let prev: T = tf.onesLike(x);
  let cur: T = x;
  for (let j = 1; j < order; j++) {
    const next = tf.sub(tf.mul(x, cur), tf.mul(j, prev));
    older = prev;
    prev = cur;
    cur = next;
  }
  return tf.mul(order % 2 ? -1 : 1, tf.mul(pdf, tf.sub(older, cur)));
}

/**
 * s ⊙ gₖ(x), the k-th derivative of the exact GELU (s omitted: gₖ(x)); differentiable to any order.
 * @example geluDerivative(x, 1) // Φ(x) + xφ(x)
 */
export function geluDerivative(x: T, order: number, s?: T): T {
  if (!Number.isInteger(order) || order < 0) throw new Error(`geluDerivative: 'order' must be a non-negative integer, got ${order}.`);
  if (s && !tf.util.arraysEqual(s.shape, x.shape)) {
    throw new Error(`geluDerivative: 's' must have x's shape [${x.shape}], got [${s.shape}].`);
  }
  const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  if (tf.getBackend() === 'wasm' && nativeActive()) {
    const attrs = { order } as unknown as tf.NamedAttrMap;
    return s ? tf.engine().runKernel(GELU_SCALED, { x: xf, s } as tf.NamedTensorMap, attrs) as T
      : tf.engine().runKernel(GELU, { x: xf } as tf.NamedTensorMap, attrs) as T;
  }
  return tf.tidy(() => (s ? tf.mul(s, composite(xf, order)) : composite(xf, order)));
}

/**
 * The exact GELU x·Φ(x) = ½x(1 + erf(x/√2)) (PyTorch nn.GELU()), one fused kernel on wasm.
 * @example gelu(tf.tensor1d([-1, 0, 1])) // [−0.1587, 0, 0.8413]
 */
export function gelu(x: T): T {
  return geluDerivative(x, 0);
}

let registered = false;

/** Registers the GELU kernels (wasm) and their higher-order-safe gradients (once). */
export function registerGelu(): void {
  if (registered) return;
  registered = true;
  for (const kernelName of [GELU, GELU_SCALED]) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: wasmKernel as tf.KernelFunc });
  }
  const orderOf = (attrs: tf.NamedAttrMap) => Number((attrs as { order?: number }).order ?? 0);
  defineSafeGradient({
    kernelName: GELU,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => geluDerivative(x, orderOf(attrs) + 1, dy as T) }),
  });
  defineSafeGradient({
    kernelName: GELU_SCALED,
    inputsToSave: ['x', 's'],
    gradFunc: (dy, [x, s], attrs) => ({
      x: () => geluDerivative(x, orderOf(attrs) + 1, tf.mul(dy as T, s)),
      s: () => geluDerivative(x, orderOf(attrs), dy as T),
    }),
  });
}

registerGelu();
