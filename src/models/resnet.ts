/**
 * The central-flows ResNet (Cohen et al. 2025, arXiv:2410.24206, src/architectures/resnet.py):
 * a small GroupNorm ResNet with scaled residual branches.
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import { activation as act, type Activation } from './activations.js';
import { checkImage } from './cnn.js';
import { avgPoolK, conv2d, dense, groupNorm } from './layers.js';
import { defineModel, type Model } from './model.js';
import { initializers as I, layoutBuilder } from './spec.js';

/** Options of `resnet` (defaults: the paper's). */
export interface ResnetOptions {
  input?: number[];
  output?: number;
  /** Base width (default 16); also the number of GroupNorm groups everywhere. */
  width?: number;
  /** Blocks per stage (default [3, 3, 3]); stages after the first double the width and halve the size. */
  stages?: number[];
  activation?: Activation;
}

/**
 * conv3×3(c → W) → σ → stages of blocks → avgpool(4) → flatten → dense(→ C).
 * Block(in → out, stride s): y = shortcut(x) + scale · GN₂(conv₂(σ(GN₁(conv₁(x))))), scale =
 * (Σ stages)^(−½); the shortcut is the identity, or for s = 2 a 3×3 stride-2 conv + GN (as the
 * reference's `conv1x1`, which is in fact 3×3). Convs have no bias, padding 1. GroupNorm with
 * `width` groups, unbiased variance, ε = 1e-6. Init: Kaiming-normal (fan_out, ReLU gain) convs;
 * GN scale 1 except GN₂ of every block (0, "zero-init last norm"); output layer zero.
 * @example const m = resnet({ output: 4 });
 */
export function resnet({ input = [32, 32, 3], output = 4, width = 16, stages = [3, 3, 3], activation = 'gelu' }: ResnetOptions = {}): Model {
  const [h, w, c] = checkImage('resnet', input, 2 ** (stages.length + 1));
  const f = act(activation);
  const scale = stages.reduce((a, s) => a + s, 0) ** -0.5;
  const b = layoutBuilder();
  const conv = (name: string, cin: number, cout: number) => b.add(name, [3, 3, cin, cout], 'weight', I.kaimingNormalFanOut(9 * cout));
  const gn = (name: string, ch: number, gamma: 'ones' | 'zeros') => {
    b.add(`${name}/gamma`, [ch], 'norm', gamma === 'ones' ? I.ones() : I.zeros());
    b.add(`${name}/beta`, [ch], 'norm', I.zeros());
  };
  conv('in/kernel', c, width);
  const blocks: { name: string; cin: number; cout: number; stride: number; area: number }[] = [];
  let area = h * w;
  let cw = width;
  stages.forEach((n, s) => {
    const stride = s === 0 ? 1 : 2;
    area /= stride * stride;
    for (let i = 0; i < n; i++) {
      const name = `stage${s}/block${i}`;
      const cin = i === 0 ? cw : cw * stride;
      const st = i === 0 ? stride : 1;
      conv(`${name}/conv1`, cin, cw * stride);
      gn(`${name}/gn1`, cw * stride, 'ones');
      conv(`${name}/conv2`, cw * stride, cw * stride);
      gn(`${name}/gn2`, cw * stride, 'zeros');
      if (st !== 1) {
        conv(`${name}/shortcut`, cin, cw * stride);
        gn(`${name}/shortcut_gn`, cw * stride, 'ones');
      }
      blocks.push({ name, cin, cout: cw * stride, stride: st, area });
    }
    cw *= stride;
  });
  const side = h / 2 ** (stages.length + 1);
  const sideW = w / 2 ** (stages.length + 1);
  const flat = side * sideW * cw;
  b.add('out/kernel', [flat, output], 'weight', I.zeros());
  b.add('out/bias', [output], 'bias', I.zeros());
  const gnp = (p: Record<string, Tensor>, x: Tensor, name: string) => groupNorm(x, p[`${name}/gamma`], p[`${name}/beta`], width);
  return defineModel(`resnet[w${width},${stages.join('-')}]`, b.build(), [h, w, c], (p, x) => {
    let z = f(conv2d(tf.reshape(x, [x.shape[0], h, w, c]), p['in/kernel']));
    for (const blk of blocks) {
      const shortcut = blk.stride === 1 ? z : gnp(p, conv2d(z, p[`${blk.name}/shortcut`], { stride: 2 }), `${blk.name}/shortcut_gn`);
      let y = f(gnp(p, conv2d(z, p[`${blk.name}/conv1`], { stride: blk.stride }), `${blk.name}/gn1`));
      y = gnp(p, conv2d(y, p[`${blk.name}/conv2`]), `${blk.name}/gn2`);
      z = tf.add(shortcut, tf.mul(y, scale));
    }
    z = avgPoolK(z, 4);
    return dense(tf.reshape(z, [z.shape[0], flat]), p['out/kernel'], p['out/bias']);
  }, 4 * h * w * width + blocks.reduce((a, blk) => a + 18 * blk.cout * blk.area, 0));
}
