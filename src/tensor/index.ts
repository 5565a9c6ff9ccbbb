/**
 * flowlab's tensor core: the TF.js namespace with higher-order-safe gradients, compute backends,
 * the Problem contract and the derivative-check harness.
 */
export { tf } from './tf.js';
export { backend, type BackendInfo, type BackendName, type UseOptions } from './backend.js';
export { problem, type ProblemOptions } from './problem.js';
export { checkDerivatives, type CheckOptions, type CheckTolerances, type DerivativeCheckReport } from './check.js';
export * as reference from './reference.js';
export { mixedDerivative } from './stencil.js';
export { gradOf, hvpOf, hvpBatchOf, curvatureGradOf, curvatureGradBatchOf, valueAndGradOf } from './autodiff.js';
export { originalGradient, safeGradientKernels, withOriginalGradients } from './gradients/index.js';
export { tensorBundle } from './display.js';
export { read, readScalars, readPacked, readAndDispose, flushChecks, canReadSync } from './read.js';
export type { Problem, CurvatureBatch, ParamSpec, ParamEntry, Tensor, Scalar, Tensor1D, Tensor2D } from './types.js';
