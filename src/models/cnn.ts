/**
 * Convolutional networks as pure functions of w: the central-flows CNN and the EoS CNNs.
 * Inputs are NHWC images [n, h, w, c]; conv kernels are [3, 3, in, out] (TF.js layout).
 */
import { tf } from '../tensor/tf.js';
import { activation as act, type Activation } from './activations.js';
import { avgPool2, conv2d, dense, maxPool2 } from './layers.js';
import { defineModel, type Model } from './model.js';
import { initializers, layoutBuilder } from './spec.js';

/** Options of `cnn`. */
export interface CnnOptions {
  /** Input shape of one example [h, w, c] (default CIFAR-10 [32, 32, 3]). */
  input?: number[];
  /** Output size (default 4). */
  output?: number;
  /** Width (default 32): the central-flows CNN uses convs of width, 2·width and a dense layer of 4·width. */
  width?: number;
  /** Activation (default 'gelu'). */
  activation?: Activation;
}

/**
 * The central-flows CNN (Cohen et al. 2025, arXiv:2410.24206, src/architectures/cnn.py):
 * conv3×3(c→W, no bias, same) → σ → avgpool2 → conv3×3(W→2W, no bias) → σ → avgpool2 →
 * flatten → dense(h·w·W/8 → 4W, no bias) → σ → dense(4W → C, bias). PyTorch default init.
 * With W = 32 on CIFAR-10: 864 + 18,432 + 524,288 + 128·C + C parameters (544,100 for C = 4).
 * @example const m = cnn({ output: 4 }); m.numParams;
 */
export function cnn({ input = [32, 32, 3], output = 4, width = 32, activation = 'gelu' }: CnnOptions = {}): Model {
  const [h, w, c] = checkImage('cnn', input, 4);
  const f = act(activation);
  const flat = (h / 4) * (w / 4) * 2 * width;
  const b = layoutBuilder();
  b.add('conv0/kernel', [3, 3, c, width], 'weight', initializers.torchDefault(9 * c));
  b.add('conv1/kernel', [3, 3, width, 2 * width], 'weight', initializers.torchDefault(9 * width));
  b.add('dense0/kernel', [flat, 4 * width], 'weight', initializers.torchDefault(flat));
  b.add('dense1/kernel', [4 * width, output], 'weight', initializers.torchDefault(4 * width));
  b.add('dense1/bias', [output], 'bias', initializers.torchDefault(4 * width));
  return defineModel(`cnn[w${width}]/${activation}`, b.build(), [h, w, c], (p, x) => {
    let z = tf.reshape(x, [x.shape[0], h, w, c]);
    z = avgPool2(f(conv2d(z, p['conv0/kernel'])));
    z = avgPool2(f(conv2d(z, p['conv1/kernel'])));
    z = f(dense(tf.reshape(z, [z.shape[0], flat]), p['dense0/kernel']));
    return dense(z, p['dense1/kernel'], p['dense1/bias']);
  }, 4 * (h * w * width + (h / 2) * (w / 2) * 3 * width + (h / 4) * (w / 4) * 2 * width + 4 * width));
}

/** Options of `eosCnn`. */
export interface EosCnnOptions {
  input?: number[];
  output?: number;
  /** Conv widths (default [32, 32]). */
  widths?: number[];
  activation?: Activation;
  /** 'max' (cnn-relu, cnn-tanh, cnn-elu) or 'average' (cnn-avgpool-*). Default 'max'. */
  pooling?: 'max' | 'average';
  /** Conv biases (default true). */
  bias?: boolean;
}

/**
 * The EoS paper's CNNs (Cohen et al. 2021, arXiv:2103.00065, locuslab/edge-of-stability
 * src/archs.py `convnet`): per width, conv3×3 (padding 1, bias) → σ → pool2; then dense to C
 * (bias). `cnn-relu` = { activation: 'relu', pooling: 'max' }, `cnn-tanh`, `cnn-avgpool-tanh`, ….
 * Max pooling is written as max(a, b) = b + relu(a − b) so higher derivatives stay exact.
 * @example const m = eosCnn({ activation: 'tanh', pooling: 'max', output: 10 });
 */
export function eosCnn({ input = [32, 32, 3], output = 10, widths = [32, 32], activation = 'relu', pooling = 'max', bias = true }: EosCnnOptions = {}): Model {
  const [h, w, c] = checkImage('eosCnn', input, 2 ** widths.length);
  const f = act(activation);
  const pool = pooling === 'max' ? maxPool2 : avgPool2;
  if (pooling !== 'max' && pooling !== 'average') throw new Error(`eosCnn: pooling must be 'max' or 'average', got "${pooling}"`);
  const b = layoutBuilder();
  let cin = c;
  widths.forEach((width, l) => {
    b.add(`conv${l}/kernel`, [3, 3, cin, width], 'weight', initializers.torchDefault(9 * cin));
    if (bias) b.add(`conv${l}/bias`, [width], 'bias', initializers.torchDefault(9 * cin));
    cin = width;
  });
  const scale = 2 ** widths.length;
  const flat = (h / scale) * (w / scale) * cin;
  b.add('dense/kernel', [flat, output], 'weight', initializers.torchDefault(flat));
  b.add('dense/bias', [output], 'bias', initializers.torchDefault(flat));
  const name = `cnn-${pooling === 'max' ? '' : 'avgpool-'}${activation}[${widths.join(',')}]`;
  return defineModel(name, b.build(), [h, w, c], (p, x) => {
    let z = tf.reshape(x, [x.shape[0], h, w, c]);
    widths.forEach((_, l) => {
      z = conv2d(z, p[`conv${l}/kernel`]);
      if (bias) z = tf.add(z, p[`conv${l}/bias`]);
      z = pool(f(z));
    });
    return dense(tf.reshape(z, [z.shape[0], flat]), p['dense/kernel'], p['dense/bias']);
  }, 4 * widths.reduce((a, width, l) => a + (h * w * width) / 4 ** l, 0));
}

/**
 * Validates an image input shape [h, w, c] whose sides must be divisible by `divisor`.
 * @example checkImage('cnn', [32, 32, 3], 4) // [32, 32, 3]
 */
export function checkImage(who: string, input: number[], divisor: number): [number, number, number] {
  if (input.length !== 3 || input.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new Error(`${who}: input must be an image shape [h, w, c], got [${input}]`);
  }
  if (input[0] % divisor !== 0 || input[1] % divisor !== 0) {
    throw new Error(`${who}: image sides ${input[0]}×${input[1]} must be divisible by ${divisor}`);
  }
  return input as [number, number, number];
}
