/**
 * Analytic toy models for teaching notebooks: linear regression, deep linear networks.
 */
import { tf } from '../tensor/tf.js';
import { dense } from './layers.js';
import { defineModel, type Model } from './model.js';
import { initializers as I, layoutBuilder } from './spec.js';

/**
 * Linear model f(x) = x W + b (W [input, output], PyTorch nn.Linear default init).
 * With one output and the `logistic` loss it is logistic regression; with `mse`, least squares.
 * @example const m = linear({ input: 2, output: 1, bias: false });
 */
export function linear({ input, output = 1, bias = true }: { input: number; output?: number; bias?: boolean }): Model {
  if (!Number.isInteger(input) || input <= 0) throw new Error(`linear: input must be a positive integer, got ${input}`);
  const b = layoutBuilder();
  b.add('dense/kernel', [input, output], 'weight', I.torchDefault(input));
  if (bias) b.add('dense/bias', [output], 'bias', I.torchDefault(input));
  return defineModel(`linear[${input},${output}]`, b.build(), [input], (p, x) =>
    dense(tf.reshape(x, [x.shape[0], input]), p['dense/kernel'], bias ? p['dense/bias'] : undefined),
  );
}

/**
 * Deep linear network f(x) = x W₁ W₂ ⋯ W_L without biases; Xavier-normal init (as the EoS repo's
 * `deeplinear`, 20 layers of width 50: Cohen et al. 2021, arXiv:2103.00065).
 * @example const m = deepLinear({ depth: 20, width: 50 });
 */
export function deepLinear({ depth = 20, width = 50, input, output }: { depth?: number; width?: number; input?: number; output?: number } = {}): Model {
  const nIn = input ?? width;
  const nOut = output ?? width;
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`deepLinear: depth must be a positive integer, got ${depth}`);
  const dims = [nIn, ...Array(depth - 1).fill(width), nOut];
  const b = layoutBuilder();
  for (let l = 0; l < depth; l++) b.add(`dense${l}/kernel`, [dims[l], dims[l + 1]], 'weight', I.xavierNormal(dims[l], dims[l + 1]));
  return defineModel(`deepLinear[L${depth},w${width}]`, b.build(), [nIn], (p, x) => {
    let h = tf.reshape(x, [x.shape[0], nIn]);
    for (let l = 0; l < depth; l++) h = dense(h, p[`dense${l}/kernel`]);
    return h;
  });
}
