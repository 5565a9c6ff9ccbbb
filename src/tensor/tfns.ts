/**
 * The namespace behind `fl.tf`: all of TF.js, with the customGrad-based composites replaced by
 * higher-order-safe ones (see ./ops.ts). Importing it registers flowlab's safe gradients.
 */
import { registerSafeGradients } from './gradients/index.js';
import { patchChainedOps } from './ops.js';

export * from '@tensorflow/tfjs';
export { logSoftmax, logSigmoid, losses, matMul } from './ops.js';

registerSafeGradients();
patchChainedOps();
