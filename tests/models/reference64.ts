/**
 * Plain-TypeScript float64 references for the model tests: an MLP forward pass written from the
 * formulas (independent of the TF.js code under test) and the papers' losses.
 */
import { reference } from '../../src/tensor/index.js';

export type Act = 'tanh' | 'gelu' | 'geluTanh' | 'silu' | 'relu' | 'elu' | 'softplus';

/** σ in float64, from the textbook definitions. */
export const act64: Record<Act, (x: number) => number> = {
  tanh: Math.tanh,
  gelu: (x) => 0.5 * x * (1 + reference.erf(x / Math.SQRT2)),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  silu: (x) => x / (1 + Math.exp(-x)),
  relu: (x) => Math.max(0, x),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  softplus: (x) => (x > 30 ? x : Math.log1p(Math.exp(x))),
};

/** f(x) of an MLP with PyTorch-order parameters laid out as [W0 (in×out row-major), b0, W1, b1, ...]. */
export function mlp64(w: Float64Array, x: Float64Array, n: number, widths: number[], a: Act, bias = true): Float64Array {
  let h = x;
  let off = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const [i, o] = [widths[l], widths[l + 1]];
    const z = new Float64Array(n * o);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < o; c++) {
        let s = 0;
        for (let k = 0; k < i; k++) s += h[r * i + k] * w[off + k * o + c];
        z[r * o + c] = s;
      }
    }
    off += i * o;
    if (bias) {
      for (let r = 0; r < n; r++) for (let c = 0; c < o; c++) z[r * o + c] += w[off + c];
      off += o;
    }
    h = l + 2 < widths.length ? z.map(act64[a]) : z;
  }
  return h;
}

/** ½ Σ (f − y)² / n. */
export function mse64(f: Float64Array, y: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) s += (f[i] - y[i]) ** 2;
  return (0.5 * s) / n;
}

/** −Σ y log softmax(f) / n for f [n, C]. */
export function ce64(f: Float64Array, y: ArrayLike<number>, n: number, C: number): number {
  let s = 0;
  for (let r = 0; r < n; r++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, f[r * C + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(f[r * C + c] - m);
    const lse = m + Math.log(z);
    for (let c = 0; c < C; c++) s -= y[r * C + c] * (f[r * C + c] - lse);
  }
  return s / n;
}

/** Σ log(1 + exp(−y f)) / n. */
export function logistic64(f: Float64Array, y: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const z = -y[i] * f[i];
    s += z > 30 ? z : Math.log1p(Math.exp(z));
  }
  return s / n;
}

/** An NHWC float64 image batch. */
export interface Img64 {
  n: number;
  h: number;
  w: number;
  c: number;
  v: Float64Array;
}

/** Zero-padded ((k−1)/2 per side) convolution, K [kh, kw, cin, cout] row-major, by the defining sum. */
export function conv64(x: Img64, K: Float64Array, kh: number, kw: number, cout: number, stride = 1): Img64 {
  const { n, h, w, c } = x;
  const ho = Math.floor((h - 1) / stride) + 1;
  const wo = Math.floor((w - 1) / stride) + 1;
  const out = new Float64Array(n * ho * wo * cout);
  const ph = (kh - 1) / 2;
  const pw = (kw - 1) / 2;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let o = 0; o < cout; o++) {
          let s = 0;
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++) {
              const yi = i * stride + di - ph;
              const xj = j * stride + dj - pw;
              if (yi < 0 || yi >= h || xj < 0 || xj >= w) continue;
              for (let q = 0; q < c; q++) s += x.v[((b * h + yi) * w + xj) * c + q] * K[((di * kw + dj) * c + q) * cout + o];
            }
          out[((b * ho + i) * wo + j) * cout + o] = s;
        }
  return { n, h: ho, w: wo, c: cout, v: out };
}

/** 2×2 pooling with stride 2 (mean or max). */
export function pool64(x: Img64, kind: 'avg' | 'max'): Img64 {
  const { n, h, w, c } = x;
  const out = new Float64Array(n * (h / 2) * (w / 2) * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h / 2; i++)
      for (let j = 0; j < w / 2; j++)
        for (let q = 0; q < c; q++) {
          const vals = [0, 1].flatMap((a) => [0, 1].map((d) => x.v[((b * h + 2 * i + a) * w + 2 * j + d) * c + q]));
          out[((b * (h / 2) + i) * (w / 2) + j) * c + q] = kind === 'avg' ? (vals[0] + vals[1] + vals[2] + vals[3]) / 4 : Math.max(...vals);
        }
  return { n, h: h / 2, w: w / 2, c, v: out };
}

/** x [n, i] · W [i, o] (+ b). */
export function dense64(x: Float64Array, n: number, W: Float64Array, i: number, o: number, b?: Float64Array): Float64Array {
  const out = new Float64Array(n * o);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < o; c++) {
      let s = b ? b[c] : 0;
      for (let k = 0; k < i; k++) s += x[r * i + k] * W[k * o + c];
      out[r * o + c] = s;
    }
  return out;
}

/** Reads consecutive parameter blocks of the given sizes from w. */
export function blocks(w: Float64Array, sizes: number[]): Float64Array[] {
  let off = 0;
  return sizes.map((s) => {
    const out = w.subarray(off, off + s);
    off += s;
    return out;
  });
}
