/**
 * A small causal (GPT-style, pre-LayerNorm) transformer for the sequence tasks: the sorting task
 * (token inputs) and AR(1) in-context regression (vector inputs).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import { activation as act, type Activation } from './activations.js';
import { dense, layerNorm } from './layers.js';
import { defineModel, type Model } from './model.js';
import { attention } from './softmax.js';
import { initializers as I, layoutBuilder } from './spec.js';

/** Options of `transformer`. Give `vocab` (token ids in, [n, T] int32) or `inputDim` (vectors in, [n, T, inputDim]). */
export interface TransformerOptions {
  /** Sequence length T (default 15: the sorting task with length 8 feeds 2·8 − 1 tokens). */
  seqLen?: number;
  /** Vocabulary size for token inputs (default 4 unless inputDim is given). */
  vocab?: number;
  /** Size of each input vector for continuous inputs (replaces the token embedding by a dense layer). */
  inputDim?: number;
  /** Outputs per position (default vocab, or inputDim). */
  output?: number;
  /** Model width (default 32). */
  dModel?: number;
  /** Attention heads (default 4). */
  heads?: number;
  /** Blocks (default 4). */
  layers?: number;
  /** MLP hidden width (default 4·dModel). */
  mlp?: number;
  activation?: Activation;
  /** Multiplier of the output layer's initial weights (default 0, as the central-flows transformer). */
  outputInitScale?: number;
}

/**
 * Causal transformer: tokens → one-hot · E (or x W_in + b) + learned positions P → layers ×
 * [z + Attn(LN z) (causal mask), z + MLP(LN z)] → LN → dense(d → output) per position.
 * Output [n, T, output]. LayerNorm from elementary ops; attention with biases off for qkv/out.
 * Init: Xavier-uniform matrices (as the central-flows TransformerLM), positions N(0, 0.02²),
 * biases 0, output weights × outputInitScale (Cohen et al. 2025, arXiv:2410.24206).
 * @example const m = transformer({ vocab: 4, seqLen: 15 }); m.apply(w, tokens) // [n, 15, 4]
 */
export function transformer({ seqLen = 15, vocab, inputDim, output, dModel = 32, heads = 4, layers = 4, mlp, activation = 'gelu', outputInitScale = 0 }: TransformerOptions = {}): Model {
  const tokens = inputDim === undefined;
  const V = tokens ? (vocab ?? 4) : 0;
  const out = output ?? (tokens ? V : (inputDim as number));
  const hidden = mlp ?? 4 * dModel;
  if (dModel % heads !== 0) throw new Error(`transformer: dModel (${dModel}) must be divisible by heads (${heads})`);
  const f = act(activation);
  const b = layoutBuilder();
  const ln = (name: string) => {
    b.add(`${name}/gamma`, [dModel], 'norm', I.ones());
    b.add(`${name}/beta`, [dModel], 'norm', I.zeros());
  };
  if (tokens) b.add('embed/tokens', [V, dModel], 'embedding', I.xavierUniform(V, dModel), null);
  else {
    b.add('embed/kernel', [inputDim as number, dModel], 'weight', I.xavierUniform(inputDim as number, dModel));
    b.add('embed/bias', [dModel], 'bias', I.zeros());
  }
  b.add('embed/positions', [seqLen, dModel], 'embedding', I.normal(0.02), null);
  for (let l = 0; l < layers; l++) {
    ln(`block${l}/attn/ln`);
    b.add(`block${l}/attn/qkv`, [dModel, 3 * dModel], 'weight', I.xavierUniform(dModel, 3 * dModel));
    b.add(`block${l}/attn/out`, [dModel, dModel], 'weight', I.xavierUniform(dModel, dModel));
    ln(`block${l}/mlp/ln`);
    b.add(`block${l}/mlp/kernel0`, [dModel, hidden], 'weight', I.xavierUniform(dModel, hidden));
    b.add(`block${l}/mlp/bias0`, [hidden], 'bias', I.zeros());
    b.add(`block${l}/mlp/kernel1`, [hidden, dModel], 'weight', I.xavierUniform(hidden, dModel));
    b.add(`block${l}/mlp/bias1`, [dModel], 'bias', I.zeros());
  }
  ln('final/ln');
  b.add('head/kernel', [dModel, out], 'weight', I.uniform(outputInitScale * Math.sqrt(6 / (dModel + out))));
  b.add('head/bias', [out], 'bias', I.zeros());
  const inputShape = tokens ? [seqLen] : [seqLen, inputDim as number];
  const lnp = (p: Record<string, Tensor>, x: Tensor, name: string) => layerNorm(x, p[`${name}/gamma`], p[`${name}/beta`]);
  return defineModel(`transformer[d${dModel},L${layers},h${heads}]`, b.build(), inputShape, (p, x) => {
    const n = x.shape[0];
    let z = tokens
      ? dense(tf.oneHot(tf.cast(tf.reshape(x, [n, seqLen]), 'int32'), V), p['embed/tokens'])
      : dense(tf.reshape(x, [n, seqLen, inputDim as number]), p['embed/kernel'], p['embed/bias']);
    z = tf.add(z, p['embed/positions']);
    for (let l = 0; l < layers; l++) {
      const a = lnp(p, z, `block${l}/attn/ln`);
      const [q, k, v] = tf.split(p[`block${l}/attn/qkv`], 3, 1).map((Wc) => dense(a, Wc));
      z = tf.add(z, dense(attention(q, k, v, heads, { causal: true }), p[`block${l}/attn/out`]));
      const m = lnp(p, z, `block${l}/mlp/ln`);
      z = tf.add(z, dense(f(dense(m, p[`block${l}/mlp/kernel0`], p[`block${l}/mlp/bias0`])), p[`block${l}/mlp/kernel1`], p[`block${l}/mlp/bias1`]));
    }
    return dense(lnp(p, z, 'final/ln'), p['head/kernel'], p['head/bias']);
  }, seqLen * (2 * dModel + layers * (13 * dModel + 3 * heads * seqLen + 4 * hidden) + out));
}
