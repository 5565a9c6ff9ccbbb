/**
 * The central-flows Vision Transformer (SimpleViT of lucidrains/vit-pytorch with LayerNorm written
 * from elementary ops, as in Cohen et al. 2025, arXiv:2410.24206, src/architectures/vit.py).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import { activation as act, type Activation } from './activations.js';
import { checkImage } from './cnn.js';
import { dense, layerNorm } from './layers.js';
import { defineModel, type Model } from './model.js';
import { attention } from './softmax.js';
import { initializers as I, layoutBuilder } from './spec.js';

/** Options of `vit` (defaults: the paper's CIFAR-10 ViT). */
export interface VitOptions {
  input?: number[];
  output?: number;
  patch?: number;
  dim?: number;
  depth?: number;
  heads?: number;
  /** Per-head width (default 64, SimpleViT's default; inner width heads·dimHead). */
  dimHead?: number;
  mlp?: number;
  activation?: Activation;
  /** Multiplier of the head's initial weights and bias (default 0: zero-initialised head). */
  headInitScale?: number;
}

/**
 * 2-D sine-cosine position embedding of SimpleViT: [sin x·ω, cos x·ω, sin y·ω, cos y·ω], ω_k = 10000^(−k/(d/4 − 1)).
 * @example posembSincos2d(8, 8, 64) // 64 tokens × 64 features
 */
export function posembSincos2d(gh: number, gw: number, dim: number): Float32Array {
  if (dim % 4 !== 0) throw new Error(`vit: dim must be a multiple of 4 for the sin-cos embedding, got ${dim}`);
  const q = dim / 4;
  const out = new Float32Array(gh * gw * dim);
  for (let i = 0; i < gh; i++) {
    for (let j = 0; j < gw; j++) {
      const row = (i * gw + j) * dim;
      for (let k = 0; k < q; k++) {
        const omega = 1 / 10000 ** (q > 1 ? k / (q - 1) : 0);
        out[row + k] = Math.sin(j * omega);
        out[row + q + k] = Math.cos(j * omega);
        out[row + 2 * q + k] = Math.sin(i * omega);
        out[row + 3 * q + k] = Math.cos(i * omega);
      }
    }
  }
  return out;
}

/**
 * SimpleViT: patches (p×p×c, flattened (p1, p2, c)) → LN → dense(p²c → dim) → LN → + sin-cos
 * position embedding → depth × [x + Attn(LN x), x + MLP(LN x)] → mean over tokens → LN → dense(dim → C).
 * Attention: qkv without bias, heads·dimHead inner width, output projection without bias; MLP:
 * dense(dim → mlp) → GELU → dense(mlp → dim). LayerNorm = γ(x − μ)/(σ_unbiased + 1e-6) + β (the
 * authors' TrainableLayerNorm). Init: PyTorch defaults; head weights and bias × headInitScale (0).
 * @example const m = vit({ output: 4 }); // 661,412 parameters
 */
export function vit({ input = [32, 32, 3], output = 4, patch = 4, dim = 64, depth = 4, heads = 8, dimHead = 64, mlp = 256, activation = 'gelu', headInitScale = 0 }: VitOptions = {}): Model {
  const [h, w, c] = checkImage('vit', input, patch);
  const f = act(activation);
  const gh = h / patch;
  const gw = w / patch;
  const T = gh * gw;
  const pd = patch * patch * c;
  const inner = heads * dimHead;
  const b = layoutBuilder();
  const ln = (name: string, d: number) => {
    b.add(`${name}/gamma`, [d], 'norm', I.ones());
    b.add(`${name}/beta`, [d], 'norm', I.zeros());
  };
  ln('patch/ln0', pd);
  b.add('patch/kernel', [pd, dim], 'weight', I.torchDefault(pd));
  b.add('patch/bias', [dim], 'bias', I.torchDefault(pd));
  ln('patch/ln1', dim);
  for (let l = 0; l < depth; l++) {
    ln(`block${l}/attn/ln`, dim);
    b.add(`block${l}/attn/qkv`, [dim, 3 * inner], 'weight', I.torchDefault(dim));
    b.add(`block${l}/attn/out`, [inner, dim], 'weight', I.torchDefault(inner));
    ln(`block${l}/mlp/ln`, dim);
    b.add(`block${l}/mlp/kernel0`, [dim, mlp], 'weight', I.torchDefault(dim));
    b.add(`block${l}/mlp/bias0`, [mlp], 'bias', I.torchDefault(dim));
    b.add(`block${l}/mlp/kernel1`, [mlp, dim], 'weight', I.torchDefault(mlp));
    b.add(`block${l}/mlp/bias1`, [dim], 'bias', I.torchDefault(mlp));
  }
  ln('head/ln', dim);
  b.add('head/kernel', [dim, output], 'weight', I.uniform(headInitScale / Math.sqrt(dim)));
  b.add('head/bias', [output], 'bias', I.uniform(headInitScale / Math.sqrt(dim)));
  const pos = posembSincos2d(gh, gw, dim);
  const lnp = (p: Record<string, Tensor>, x: Tensor, name: string) => layerNorm(x, p[`${name}/gamma`], p[`${name}/beta`]);
  return defineModel(`vit[p${patch},d${dim},L${depth},h${heads}]`, b.build(), [h, w, c], (p, x) => {
    const n = x.shape[0];
    // [n, h, w, c] → [n·gh, p, gw, p·c] → [n·gh, gw, p, p·c] → [n, T, p·p·c] (rank ≤ 4: fast on wasm)
    const patches = tf.reshape(tf.transpose(tf.reshape(x, [n * gh, patch, gw, patch * c]), [0, 2, 1, 3]), [n, T, pd]);
    let z = lnp(p, dense(lnp(p, patches, 'patch/ln0'), p['patch/kernel'], p['patch/bias']), 'patch/ln1');
    z = tf.add(z, tf.tensor2d(pos, [T, dim]));
    for (let l = 0; l < depth; l++) {
      const a = lnp(p, z, `block${l}/attn/ln`);
      // Split the [dim, 3·inner] weight (small) rather than the activations (slow strided copies).
      const [q, k, v] = tf.split(p[`block${l}/attn/qkv`], 3, 1).map((Wc) => dense(a, Wc));
      z = tf.add(z, dense(attention(q, k, v, heads), p[`block${l}/attn/out`]));
      const m = lnp(p, z, `block${l}/mlp/ln`);
      const hdn = f(dense(m, p[`block${l}/mlp/kernel0`], p[`block${l}/mlp/bias0`]));
      z = tf.add(z, dense(hdn, p[`block${l}/mlp/kernel1`], p[`block${l}/mlp/bias1`]));
    }
    const pooled = lnp(p, tf.mean(z, 1), 'head/ln');
    return dense(pooled, p['head/kernel'], p['head/bias']);
  }, T * (2 * pd + depth * (8 * dim + 3 * inner + 3 * heads * T + 2 * inner + 4 * mlp)));
}
