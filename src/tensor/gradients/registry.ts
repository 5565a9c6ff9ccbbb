/**
 * The registry of flowlab's higher-order-safe gradients.
 *
 * TF.js saves a kernel's OUTPUT for its gradient through a clone recorded on the tape before the
 * kernel itself, so a nested `tf.grad` cannot see that the saved output depends on the input and
 * silently drops that path (tensorflow/tfjs#3252). A safe gradient saves only INPUTS and recomputes
 * everything else with differentiable ops, so gradients of gradients are exact to any order.
 *
 * `defineSafeGradient` replaces a kernel's gradient once, keeping the original TF.js gradient
 * reachable through `originalGradient(kernelName)` (tests use it to show the upstream defect).
 * Registering the same kernel twice from flowlab throws: registries refuse silent overwrites.
 */
import { tfjs } from '../tfjs.js';

/** A TF.js gradient config (kernel name, what to save, and the gradient function). */
export type GradConfig = tfjs.GradConfig;

const originals = new Map<string, GradConfig | undefined>();
const safe = new Map<string, GradConfig>();

/**
 * Replaces the gradient of `config.kernelName` by a higher-order-safe one.
 * The config must save inputs only (`outputsToSave` is refused).
 * @example defineSafeGradient({ kernelName: 'Tanh', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => ... }) })
 */
export function defineSafeGradient(config: GradConfig): void {
  const name = config.kernelName;
  if (safe.has(name)) {
    throw new Error(`defineSafeGradient: a flowlab gradient for kernel '${name}' is already registered; ` +
      'each kernel gets one safe gradient (edit the existing definition instead).');
  }
  if (config.outputsToSave?.some(Boolean)) {
    throw new Error(`defineSafeGradient('${name}'): outputsToSave is not higher-order safe; ` +
      'save inputs (inputsToSave) and recompute outputs inside gradFunc.');
  }
  originals.set(name, tfjs.getGradient(name) ?? undefined);
  safe.set(name, config);
  tfjs.registerGradient(config);
}

/** The gradient TF.js shipped for `kernelName` before flowlab replaced it (undefined if none). */
export function originalGradient(kernelName: string): GradConfig | undefined {
  return originals.get(kernelName);
}

/** Names of the kernels whose gradients flowlab replaced or added. */
export function safeGradientKernels(): string[] {
  return [...safe.keys()].sort();
}

/**
 * Runs `fn` with the ORIGINAL TF.js gradients of `kernels` temporarily restored (tests only:
 * demonstrates the upstream defect). Restores flowlab's gradients afterwards, even on error.
 */
export function withOriginalGradients<T>(kernels: string[], fn: () => T): T {
  for (const k of kernels) {
    const orig = originals.get(k);
    if (!orig) throw new Error(`withOriginalGradients: kernel '${k}' had no original TF.js gradient`);
    tfjs.registerGradient(orig);
  }
  try {
    return fn();
  } finally {
    for (const k of kernels) tfjs.registerGradient(safe.get(k)!);
  }
}
