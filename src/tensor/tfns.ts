/**
 * The namespace behind `fl.tf`: all of TF.js, with the customGrad-based composites (logSoftmax,
 * logSigmoid, losses.softmaxCrossEntropy), batchNorm and matMul replaced by higher-order-safe or
 * faster equivalents (see ./ops.ts). Importing it registers flowlab's safe gradients.
 */
import { registerSafeGradients } from './gradients/index.js';
import { patchChainedOps } from './ops.js';

export * from '@tensorflow/tfjs';
export { logSoftmax, logSigmoid, losses, matMul, batchNorm } from './ops.js';

registerSafeGradients();
patchChainedOps();
