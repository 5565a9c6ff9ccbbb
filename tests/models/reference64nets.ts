/**
 * Float64 plain-TypeScript forward passes of the attention models and the ResNet, written from
 * the architecture descriptions (SimpleViT; GPT-style pre-LN causal transformer; central-flows
 * GroupNorm ResNet) and reading parameters in the documented layout order. Independent of the
 * TF.js implementation under test; used as references for float64 finite differences.
 */
import { act64, conv64, dense64, type Img64 } from './reference64.js';

/** Sequential reader of parameter blocks. */
export function reader(w: Float64Array) {
  let off = 0;
  return (size: number) => w.subarray(off, (off += size));
}

/** Row-wise LayerNorm γ(x − μ)/(σ_unbiased + 1e-6) + β over rows of length d. */
export function ln64(x: Float64Array, d: number, g: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let mu = 0;
    for (let k = 0; k < d; k++) mu += x[r * d + k];
    mu /= d;
    let ss = 0;
    for (let k = 0; k < d; k++) ss += (x[r * d + k] - mu) ** 2;
    const sd = Math.sqrt(ss / (d - 1));
    for (let k = 0; k < d; k++) out[r * d + k] = (g[k] * (x[r * d + k] - mu)) / (sd + 1e-6) + b[k];
  }
  return out;
}

/** Multi-head attention on z [n, T, d]: qkv = z Wqkv ([d, 3·inner]), heads, optional causal mask, out proj. */
export function mha64(z: Float64Array, n: number, T: number, d: number, Wqkv: Float64Array, Wout: Float64Array, heads: number, inner: number, causal: boolean): Float64Array {
  const qkv = dense64(z, n * T, Wqkv, d, 3 * inner);
  const dh = inner / heads;
  const cat = new Float64Array(n * T * inner);
  const at = (b: number, t: number, chunk: number, h: number, k: number) => qkv[(b * T + t) * 3 * inner + chunk * inner + h * dh + k];
  for (let b = 0; b < n; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < T; i++) {
        const s: number[] = [];
        for (let j = 0; j < T; j++) {
          if (causal && j > i) continue;
          let dot = 0;
          for (let k = 0; k < dh; k++) dot += at(b, i, 0, h, k) * at(b, j, 1, h, k);
          s.push(dot / Math.sqrt(dh));
        }
        const m = Math.max(...s);
        const e = s.map((v) => Math.exp(v - m));
        const tot = e.reduce((a, v) => a + v, 0);
        for (let k = 0; k < dh; k++) {
          let acc = 0;
          for (let j = 0; j < e.length; j++) acc += (e[j] / tot) * at(b, j, 2, h, k);
          cat[(b * T + i) * inner + h * dh + k] = acc;
        }
      }
  return dense64(cat, n * T, Wout, inner, d);
}

/** One pre-LN block: z + MHA(LN z); z + W₂ gelu(W₁ LN z + b₁) + b₂. Reads its parameters from `take`. */
export function block64(z: Float64Array, n: number, T: number, d: number, heads: number, inner: number, mlp: number, causal: boolean, take: (s: number) => Float64Array): Float64Array {
  const [g1, b1] = [take(d), take(d)];
  const Wqkv = take(d * 3 * inner);
  const Wout = take(inner * d);
  const a = mha64(ln64(z, d, g1, b1), n, T, d, Wqkv, Wout, heads, inner, causal);
  const z1 = z.map((v, i) => v + a[i]);
  const [g2, b2] = [take(d), take(d)];
  const [K0, c0, K1, c1] = [take(d * mlp), take(mlp), take(mlp * d), take(d)];
  const hdn = dense64(ln64(z1, d, g2, b2), n * T, K0, d, mlp, c0).map(act64.gelu);
  const m = dense64(hdn, n * T, K1, mlp, d, c1);
  return z1.map((v, i) => v + m[i]);
}

/** SimpleViT forward (see src/models/vit.ts for the architecture, written here from the paper's description). */
export function vit64(w: Float64Array, x: Img64, o: { patch: number; dim: number; depth: number; heads: number; dimHead: number; mlp: number; output: number }): Float64Array {
  const take = reader(w);
  const { n, h, w: wd, c } = x;
  const p = o.patch;
  const gh = h / p;
  const gw = wd / p;
  const T = gh * gw;
  const pd = p * p * c;
  const patches = new Float64Array(n * T * pd);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < gh; i++)
      for (let j = 0; j < gw; j++)
        for (let p1 = 0; p1 < p; p1++)
          for (let p2 = 0; p2 < p; p2++)
            for (let q = 0; q < c; q++) patches[((b * T + i * gw + j) * p + p1) * p * c + p2 * c + q] = x.v[((b * h + i * p + p1) * wd + j * p + p2) * c + q];
  const [g0, be0] = [take(pd), take(pd)];
  const [Kp, bp] = [take(pd * o.dim), take(o.dim)];
  const [g1, be1] = [take(o.dim), take(o.dim)];
  let z = ln64(dense64(ln64(patches, pd, g0, be0), n * T, Kp, pd, o.dim, bp), o.dim, g1, be1);
  // sin-cos 2-D position embedding: [sin(x ω), cos(x ω), sin(y ω), cos(y ω)], ω_k = 10000^(−k/(dim/4 − 1)).
  const q4 = o.dim / 4;
  z = z.map((v, idx) => {
    const k = idx % o.dim;
    const t = Math.floor(idx / o.dim) % T;
    const [yy, xx] = [Math.floor(t / gw), t % gw];
    const part = Math.floor(k / q4);
    const om = 1 / 10000 ** ((k % q4) / (q4 - 1));
    return v + [Math.sin(xx * om), Math.cos(xx * om), Math.sin(yy * om), Math.cos(yy * om)][part];
  });
  for (let l = 0; l < o.depth; l++) z = block64(z, n, T, o.dim, o.heads, o.heads * o.dimHead, o.mlp, false, take);
  const pooled = new Float64Array(n * o.dim);
  for (let b = 0; b < n; b++) for (let t = 0; t < T; t++) for (let k = 0; k < o.dim; k++) pooled[b * o.dim + k] += z[(b * T + t) * o.dim + k] / T;
  const [gf, bf] = [take(o.dim), take(o.dim)];
  const [Kh, bh] = [take(o.dim * o.output), take(o.output)];
  return dense64(ln64(pooled, o.dim, gf, bf), n, Kh, o.dim, o.output, bh);
}

/** Causal transformer on token ids [n, T] (vocab V) or vectors [n, T, inputDim]. */
export function transformer64(w: Float64Array, x: ArrayLike<number>, n: number, o: { T: number; vocab?: number; inputDim?: number; d: number; heads: number; layers: number; mlp: number; output: number }): Float64Array {
  const take = reader(w);
  const { T, d } = o;
  let z = new Float64Array(n * T * d);
  if (o.vocab !== undefined) {
    const E = take(o.vocab * d);
    for (let i = 0; i < n * T; i++) for (let k = 0; k < d; k++) z[i * d + k] = E[x[i] * d + k];
  } else {
    const [K, b] = [take(o.inputDim! * d), take(d)];
    z = dense64(Float64Array.from(x), n * T, K, o.inputDim!, d, b);
  }
  const P = take(T * d);
  z = z.map((v, i) => v + P[i % (T * d)]);
  for (let l = 0; l < o.layers; l++) z = block64(z, n, T, d, o.heads, d, o.mlp, true, take);
  const [g, b] = [take(d), take(d)];
  const [K, bh] = [take(d * o.output), take(o.output)];
  return dense64(ln64(z, d, g, b), n * T, K, d, o.output, bh);
}

/** GroupNorm over NHWC with `groups` groups: (x − μ)/√(var_unbiased + 1e-6) · γ + β. */
export function gn64(x: Img64, groups: number, g: Float64Array, b: Float64Array): Img64 {
  const { n, h, w, c } = x;
  const cg = c / groups;
  const out = new Float64Array(x.v.length);
  for (let s = 0; s < n; s++)
    for (let G = 0; G < groups; G++) {
      const idx: number[] = [];
      for (let p = 0; p < h * w; p++) for (let k = 0; k < cg; k++) idx.push((s * h * w + p) * c + G * cg + k);
      const mu = idx.reduce((a, i) => a + x.v[i], 0) / idx.length;
      const v = idx.reduce((a, i) => a + (x.v[i] - mu) ** 2, 0) / (idx.length - 1);
      for (const i of idx) out[i] = ((x.v[i] - mu) / Math.sqrt(v + 1e-6)) * g[i % c] + b[i % c];
    }
  return { ...x, v: out };
}

/** Central-flows ResNet (GELU), stages of blocks, avgpool 4, dense. */
export function resnet64(w: Float64Array, x: Img64, o: { width: number; stages: number[]; output: number }): Float64Array {
  const take = reader(w);
  const W = o.width;
  const scale = o.stages.reduce((a, s) => a + s, 0) ** -0.5;
  const gelu = (im: Img64): Img64 => ({ ...im, v: im.v.map(act64.gelu) });
  let z = gelu(conv64(x, take(9 * x.c * W), 3, 3, W));
  let cw = W;
  o.stages.forEach((count, s) => {
    const stride = s === 0 ? 1 : 2;
    for (let i = 0; i < count; i++) {
      const cin = z.c;
      const cout = cw * stride;
      const st = i === 0 ? stride : 1;
      const K1 = take(9 * cin * cout);
      const [g1, b1] = [take(cout), take(cout)];
      const K2 = take(9 * cout * cout);
      const [g2, b2] = [take(cout), take(cout)];
      let sc = z;
      if (st !== 1) {
        const Ks = take(9 * cin * cout);
        const [gs, bs] = [take(cout), take(cout)];
        sc = gn64(conv64(z, Ks, 3, 3, cout, 2), W, gs, bs);
      }
      const y1 = gelu(gn64(conv64(z, K1, 3, 3, cout, st), W, g1, b1));
      const y2 = gn64(conv64(y1, K2, 3, 3, cout), W, g2, b2);
      z = { ...y2, v: y2.v.map((v, k) => sc.v[k] + scale * v) };
    }
    cw *= stride;
  });
  // 4×4 average pooling.
  const { n, h, w: wd, c } = z;
  const pooled = new Float64Array(n * (h / 4) * (wd / 4) * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < wd; j++)
        for (let q = 0; q < c; q++) pooled[((b * (h / 4) + Math.floor(i / 4)) * (wd / 4) + Math.floor(j / 4)) * c + q] += z.v[((b * h + i) * wd + j) * c + q] / 16;
  const flat = (h / 4) * (wd / 4) * c;
  return dense64(pooled, n, take(flat * o.output), flat, o.output, take(o.output));
}
