/**
 * The raw TF.js union package, imported in exactly one place (internal to src/tensor).
 *
 * Everyone else imports `tf` from `./tf.js`, which is this namespace with flowlab's
 * higher-order-safe gradients registered and a few composite ops replaced by safe versions.
 * Importing here also switches TF.js to production mode, which silences the
 * "looks like you are running TensorFlow.js in Node.js" banner (flowlab picks its own backend).
 */
import * as tfjs from '@tensorflow/tfjs';

tfjs.env().set('PROD', true);

export { tfjs };
