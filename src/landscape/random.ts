/**
 * Seeded random numbers for reproducible solver starts, probes and directions (mulberry32 and
 * Box–Muller): the same seed gives the same vectors on every backend and machine.
 */

/** A seeded uniform generator on [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: a small 32-bit generator, plenty for start vectors and probes.
 * @example const r = rng(0); r(); // deterministic number in [0, 1)
 */
export function rng(seed = 0): Rng {
  if (!Number.isFinite(seed)) throw new Error(`rng: seed must be a finite number, got ${seed}`);
  let a = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A length-n vector of independent standard normals (Box–Muller). @example gaussianVector(10, rng(1)) */
export function gaussianVector(n: number, r: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = Math.max(r(), 1e-300);
    const u2 = r();
    const rad = Math.sqrt(-2 * Math.log(u1));
    out[i] = rad * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = rad * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** A length-n vector of independent Rademacher (±1) entries. @example rademacherVector(10, rng(1)) */
export function rademacherVector(n: number, r: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = r() < 0.5 ? -1 : 1;
  return out;
}
