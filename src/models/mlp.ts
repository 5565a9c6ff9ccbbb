/**
 * Fully connected networks as pure functions of w: the EoS `fc-*` nets and the central-flows MLP.
 */
import { tf } from '../tensor/tf.js';
import { activation as act, type Activation } from './activations.js';
import { dense } from './layers.js';
import { defineModel, type Model } from './model.js';
import { initializers, layoutBuilder } from './spec.js';

/** Options of `mlp`. */
export interface MlpOptions {
  /** Input size (examples are flattened), or the input shape of one example. */
  input: number | number[];
  /** Hidden widths, e.g. [200, 200]. */
  hidden: number[];
  /** Output size (classes). */
  output: number;
  /** Activation after every hidden layer (default 'tanh'). */
  activation?: Activation;
  /** Biases on every layer (default true). */
  bias?: boolean;
}

/**
 * A multilayer perceptron f(x) = W_L σ(… σ(x W₁ + b₁) …) + b_L on flattened inputs.
 * Layout per layer l: `dense{l}/kernel` [in, out], `dense{l}/bias` [out]. Initialisation:
 * PyTorch's nn.Linear default, U(±1/√fan_in) for kernels and biases.
 * @example const m = mlp({ input: 784, hidden: [200, 200], output: 10, activation: 'tanh' }); const w = m.init(0);
 */
export function mlp({ input, hidden, output, activation = 'tanh', bias = true }: MlpOptions): Model {
  const inputShape = Array.isArray(input) ? input : [input];
  const nIn = inputShape.reduce((a, b) => a * b, 1);
  for (const [k, v] of [['input', nIn], ['output', output], ...hidden.map((h, i) => [`hidden[${i}]`, h])] as [string, number][]) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`mlp: ${k} must be a positive integer, got ${v}`);
  }
  const f = act(activation);
  const widths = [nIn, ...hidden, output];
  const b = layoutBuilder();
  for (let l = 0; l + 1 < widths.length; l++) {
    b.add(`dense${l}/kernel`, [widths[l], widths[l + 1]], 'weight', initializers.torchDefault(widths[l]));
    if (bias) b.add(`dense${l}/bias`, [widths[l + 1]], 'bias', initializers.torchDefault(widths[l]));
  }
  const name = `mlp[${widths.join(',')}]/${activation}${bias ? '' : '/nobias'}`;
  return defineModel(name, b.build(), inputShape, (p, x) => {
    let h = tf.reshape(x, [x.shape[0], nIn]);
    for (let l = 0; l + 1 < widths.length; l++) {
      h = dense(h, p[`dense${l}/kernel`], bias ? p[`dense${l}/bias`] : undefined);
      if (l + 2 < widths.length) h = f(h);
    }
    return h;
  }, nIn + 4 * widths.slice(1).reduce((a, b) => a + b, 0));
}

/**
 * The EoS paper's `fc-tanh`: [200, 200] tanh with biases (Cohen et al. 2021, arXiv:2103.00065).
 * Defaults: CIFAR-10 input 3072, 10 classes.
 * @example const m = fcTanh({ input: 3072, output: 10 });
 */
export function fcTanh({ input = 3072, output = 10, activation = 'tanh' as Activation } = {}): Model {
  return mlp({ input, hidden: [200, 200], output, activation, bias: true });
}

/**
 * The central-flows MLP: 3072 → 256 → GELU → 256 → GELU → C, with biases (Cohen, Damian,
 * Talwalkar, Kolter, Lee 2025, arXiv:2410.24206). 853,508 parameters for C = 4 (3072·256 + 256 + 256·256 + 256 + 256·4 + 4).
 * @example const m = centralFlowsMlp({ output: 4 });
 */
export function centralFlowsMlp({ input = 3072, output = 4, width = 256, activation = 'gelu' as Activation } = {}): Model {
  return mlp({ input, hidden: [width, width], output, activation, bias: true });
}
