/**
 * Seeded random draws whose state is a plain number (so it can live in optimizer state and
 * round-trip through JSON): mulberry32 (Tommy Ettinger's 32-bit generator), one state update per draw.
 */

/**
 * Fills `out` with `value(bits)` of n successive mulberry32 outputs (unsigned 32-bit) from `seed`;
 * returns the state after the last draw (the seed of the next call).
 */
function mulberry32(out: Float32Array | Float64Array, seed: number, value: (bits: number) => number): number {
  let a = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = value((t ^ (t >>> 14)) >>> 0);
  }
  return a;
}

/**
 * n Rademacher signs ±1 (the lowest bit of each mulberry32 output) and the next seed.
 * @example const { values, seed } = rademacher(10, 42);
 */
export function rademacher(n: number, seed: number): { values: Float32Array; seed: number } {
  const values = new Float32Array(n);
  return { values, seed: mulberry32(values, seed, (bits) => (bits & 1 ? 1 : -1)) };
}

/**
 * n uniforms in [0, 1) (each mulberry32 output / 2³²) and the next seed.
 * @example const { values, seed } = uniforms(10, 42);
 */
export function uniforms(n: number, seed: number): { values: Float64Array; seed: number } {
  const values = new Float64Array(n);
  return { values, seed: mulberry32(values, seed, (bits) => bits / 4294967296) };
}
