/**
 * A small seeded pseudo-random generator for deterministic data and initialisations.
 *
 * mulberry32 (Tommy Ettinger, public domain) gives uniform 32-bit integers; normals come from the
 * Box–Muller transform z = √(−2 ln u₁) cos(2π u₂) (the sine companion is cached). The same seed
 * always gives the same stream, on every platform, independent of TF.js's own generators.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in {0, …, n − 1}. */
  int(n: number): number;
  /** A uniformly random permutation of {0, …, n − 1} (Fisher–Yates). */
  permutation(n: number): Int32Array;
}

/**
 * A seeded generator (mulberry32 + Box–Muller).
 * @example const r = rng(0); r.normal(); r.permutation(10);
 */
export function rng(seed = 0): Rng {
  if (!Number.isFinite(seed)) throw new Error(`rng: seed must be a finite number, got ${seed}; pass e.g. 0`);
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r: Rng = {
    uniform: next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u1 = next();
      while (u1 <= 0) u1 = next();
      const u2 = next();
      const radius = Math.sqrt(-2 * Math.log(u1));
      spare = radius * Math.sin(2 * Math.PI * u2);
      return radius * Math.cos(2 * Math.PI * u2);
    },
    int: (n) => Math.floor(next() * n),
    permutation: (n) => {
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      return p;
    },
  };
  return r;
}
