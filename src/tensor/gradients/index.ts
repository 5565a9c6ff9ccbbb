/**
 * Registers every flowlab higher-order-safe gradient (idempotent). Called by `src/tensor/tf.ts` on
 * import, so any objective written with `fl.tf` differentiates exactly to third order.
 */
import { registerBooleanGradients, registerElementwiseGradients } from './elementwise.js';
import { registerMatMulGradient } from './matmul.js';
import { registerReductionGradients } from './reduction.js';
import { registerConvGradients } from './conv.js';
import { registerGatherGradients } from './gather.js';
import { registerPadGradients } from './pad.js';
import { registerDepthwiseGradient } from './depthwise.js';

export { originalGradient, safeGradientKernels, withOriginalGradients, defineSafeGradient } from './registry.js';

let registered = false;

/** Registers flowlab's safe gradients once; later calls do nothing. */
export function registerSafeGradients(): void {
  if (registered) return;
  registered = true;
  registerBooleanGradients();
  registerElementwiseGradients();
  registerMatMulGradient();
  registerReductionGradients();
  registerConvGradients();
  registerGatherGradients();
  registerPadGradients();
  registerDepthwiseGradient();
}
