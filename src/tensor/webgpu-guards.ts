/**
 * Guards against webgpu-backend defects (tfjs-backend-webgpu 4.22) that return garbage without an
 * error — found by running the derivative harness on webgpu. A failed WebGPU pipeline also
 * invalidates the rest of its command buffer, so one bad kernel corrupts every result after it.
 *
 * - Pad (PadV2) emits invalid WGSL for rank 5 and 6 ("cannot index type 'vec6'"). Higher derivatives
 *   hit it constantly: the gradient of a rank-6 slice is a rank-6 pad. Guarded: a rank-5/6 pad runs
 *   axis by axis as rank-3 pads of the tensor viewed as [outer, axis, inner] (reshapes share data).
 * - AddN binds one storage buffer per input and fails beyond the device's
 *   maxStorageBuffersPerShaderStage − 1 inputs (7 on lavapipe's default limits; a 3×3 maxPool
 *   gradient adds 9 taps). Guarded: long sums run in chunks, as TF.js's own concat does.
 */
import { tfjs as tf } from './tfjs.js';

type Backend = tf.KernelBackend & { disposeData(id: object): void };
type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

let installed = false;

function padGuard(original: tf.KernelConfig, reshape: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: Args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.shape.length <= 4) return original.kernelFunc(args as never);
    const backend = args.backend as Backend;
    const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
    const view = (t: tf.TensorInfo, shape: number[]) =>
      reshape.kernelFunc({ inputs: { x: t }, backend, attrs: { shape } } as never) as tf.TensorInfo;
    let current = x;
    const shape = [...x.shape];
    const owned: tf.TensorInfo[] = [];
    paddings.forEach(([before, after], axis) => {
      if (before === 0 && after === 0) return;
      const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const flat = view(current, [outer, shape[axis], inner]);
      owned.push(flat);
      const padded = original.kernelFunc({ inputs: { x: flat }, backend, attrs: { paddings: [[0, 0], [before, after], [0, 0]], constantValue } } as never) as tf.TensorInfo;
      owned.push(padded);
      shape[axis] += before + after;
      current = view(padded, [...shape]);
      owned.push(current);
    });
    // Hand back a fresh view of the result (or of x, when nothing was padded) and free the steps.
    const out = view(current, [...shape]);
    for (const t of owned) backend.disposeData(t.dataId);
    return out;
  };
  return { ...original, kernelFunc: kernelFunc as tf.KernelFunc };
}

function addNGuard(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: Args): tf.TensorInfo => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const backend = args.backend as Backend & { device: { limits: { maxStorageBuffersPerShaderStage: number } } };
    const most = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
    if (inputs.length <= most) return original.kernelFunc(args as never) as tf.TensorInfo;
    const partial: tf.TensorInfo[] = [];
    for (let i = 0; i < inputs.length; i += most) {
      const chunk = inputs.slice(i, i + most);
      partial.push(chunk.length === 1 ? chunk[0] : kernelFunc({ ...args, inputs: chunk as unknown as tf.NamedTensorInfoMap }));
    }
    const out = kernelFunc({ ...args, inputs: partial as unknown as tf.NamedTensorInfoMap });
    for (const t of partial) if (!inputs.includes(t)) backend.disposeData(t.dataId);
    return out;
  };
  return { ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

function replace(name: string, wrap: (original: tf.KernelConfig) => tf.KernelConfig): void {
  const original = tf.getKernel(name, 'webgpu');
  if (!original) return;
  tf.unregisterKernel(name, 'webgpu');
  tf.registerKernel(wrap(original));
}

/** Installs the webgpu guards (once, after the webgpu backend is registered). */
export function installWebgpuGuards(): void {
  if (installed) return;
  const reshape = tf.getKernel(tf.Reshape, 'webgpu');
  if (!reshape) return;
  installed = true;
  replace(tf.PadV2, (original) => padGuard(original, reshape));
  replace(tf.AddN, addNGuard);
}
