/**
 * Plain-TypeScript float64 helpers for writing REFERENCE losses: independent of TF.js, used by
 * `checkDerivatives` (central finite differences in float64) and by tests of every later issue.
 * Matrices are row-major Float64Array; shapes are passed explicitly.
 *
 * @example
 * // reference for L(w) = ½‖tanh(X W) − Y‖² / n with W = w reshaped [d, c]
 * const ref = (w: Float64Array) => { const Z = ref.matMul(X, w, n, d, c); ... };
 */

/**
 * C = A·B with A [m, k], B [k, n] (row-major), in float64.
 * @example matMul([1, 2], [3, 4], 1, 2, 1) // Float64Array [11]
 */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  if (a.length < m * k || b.length < k * n) {
    throw new Error(`reference.matMul: expected a of length ${m * k} and b of length ${k * n}, got ${a.length} and ${b.length}.`);
  }
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
    }
  }
  return c;
}

/**
 * Applies `f` elementwise, returning a new Float64Array.
 * @example map(z, act.gelu)
 */
export function map(x: ArrayLike<number>, f: (v: number, i: number) => number): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = f(x[i], i);
  return y;
}

/**
 * Adds a bias of length n to every row of an [m, n] matrix.
 * @example addBias(matMul(X, W, m, d, n), b, m, n)
 */
export function addBias(x: ArrayLike<number>, bias: ArrayLike<number>, m: number, n: number): Float64Array {
  return map(x, (v, i) => v + bias[i % n]);
}

/**
 * Σ xᵢ.
 * @example sum([1, 2, 3]) // 6
 */
export function sum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/**
 * erf(x) to ~1e-15: Maclaurin series for |x| < 2.5, continued fraction of erfc beyond
 * (Abramowitz & Stegun 7.1.5 and 7.1.14).
 * @example erf(1) // 0.8427007929497149
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let s = ax;
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      s += add;
      if (Math.abs(add) < 1e-17 * Math.abs(s)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * s;
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated bottom-up.
  let f = ax;
  for (let n = 60; n >= 1; n--) f = ax + n / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** Elementwise activations in float64 (GELU exact via erf and its tanh approximation). */
export const act = {
  tanh: Math.tanh,
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  softplus: (x: number) => (x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  relu: (x: number) => Math.max(x, 0),
  elu: (x: number) => (x > 0 ? x : Math.expm1(x)),
  /** x·σ(x) (SiLU, swish). */
  silu: (x: number) => x / (1 + Math.exp(-x)),
  /** x·Φ(x) = ½x(1 + erf(x/√2)) (Hendrycks & Gimpel 2016, arXiv:1606.08415). */
  gelu: (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  /** ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
  geluTanh: (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
  erf,
};

/**
 * Row-wise log-softmax of an [m, n] matrix: zᵢⱼ − log Σₖ exp zᵢₖ.
 * @example logSoftmaxRows([0, 0], 1, 2) // [−ln 2, −ln 2]
 */
export function logSoftmaxRows(z: ArrayLike<number>, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    let mx = -Infinity;
    for (let j = 0; j < n; j++) mx = Math.max(mx, z[i * n + j]);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(z[i * n + j] - mx);
    const lse = mx + Math.log(s);
    for (let j = 0; j < n; j++) out[i * n + j] = z[i * n + j] - lse;
  }
  return out;
}

/**
 * MSE as flowlab defines it: ½ Σ (f − y)² averaged over the m examples.
 * @example mse([1, 2], [0, 0], 1) // 2.5
 */
export function mse(f: ArrayLike<number>, y: ArrayLike<number>, m: number): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) s += (f[i] - y[i]) ** 2;
  return (0.5 * s) / m;
}

/**
 * Mean softmax cross-entropy −(1/m) Σᵢⱼ yᵢⱼ log softmax(zᵢ)ⱼ of logits [m, n] against one-hot (or soft) labels.
 * @example crossEntropy([0, 0], [1, 0], 1, 2) // ln 2
 */
export function crossEntropy(z: ArrayLike<number>, y: ArrayLike<number>, m: number, n: number): number {
  const ls = logSoftmaxRows(z, m, n);
  let s = 0;
  for (let i = 0; i < m * n; i++) s -= y[i] * ls[i];
  return s / m;
}

/**
 * Deterministic pseudo-random numbers (mulberry32; normals by Box–Muller) for reproducible checks.
 * @example const r = rng(1); r.normals(3)
 */
export function rng(seed = 0): { uniform(): number; normal(): number; normals(n: number): Float64Array } {
  let a = (seed >>> 0) + 0x9e3779b9;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(uniform(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return { uniform, normal, normals: (n: number) => Float64Array.from({ length: n }, normal) };
}
