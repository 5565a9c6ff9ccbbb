/**
 * The TF.js namespace flowlab runs on (`fl.tf`). Importing this module
 * - registers flowlab's higher-order-safe gradients, so every objective written with these ops
 *   differentiates exactly to third order (TF.js's own are wrong when nested, tensorflow/tfjs#3252);
 * - replaces the customGrad composites (logSoftmax, logSigmoid, losses.softmaxCrossEntropy) by
 *   safe compositions;
 * - activates the default backend (wasm, or $FLOWLAB_BACKEND) unless one is chosen later with
 *   `backend.use(...)`;
 * - lets tensors display themselves in Jupyter (`Symbol.for('Jupyter.display')`).
 */
import * as tf from './tfns.js';
import { ensureDefaultBackend } from './backend.js';
import { patchTensorDisplay } from './display.js';

patchTensorDisplay();
await ensureDefaultBackend();

export { tf };
