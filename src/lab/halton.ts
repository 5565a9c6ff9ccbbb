/**
 * Quasi-random points for hyperparameter search: the Halton sequence, optionally scrambled
 * (Bousquet, Gelly, Kurach, Teytaud & Vincent 2017, "Critical hyper-parameters: no random, no cry",
 * arXiv:1706.03200 — the search AlgoPerf's external tuning ruleset uses).
 */
import { rng } from '../data/random.js';

/**
 * The first `k` primes, 2, 3, 5, 7, … (trial division; k is a handful of search dimensions).
 * @example firstPrimes(4) // [2, 3, 5, 7]
 */
export function firstPrimes(k: number): number[] {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`firstPrimes: k must be a non-negative integer, got ${k}.`);
  const primes: number[] = [];
  for (let n = 2; primes.length < k; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  return primes;
}

/**
 * The radical inverse of i in base b: write i = Σₖ dₖ bᵏ and mirror the digits around the point,
 * φ_b(i) = Σₖ σ(dₖ) b^−(k+1), with σ a permutation of the digits {0 … b−1} (identity by default;
 * σ(0) must be 0 so that the infinite tail of zero digits stays zero).
 * φ₂(1, 2, 3, …) = 1/2, 1/4, 3/4, 1/8, 5/8, … (van der Corput).
 * @example radicalInverse(6, 2) // 0.375 (6 = 110₂ → 0.011₂)
 */
export function radicalInverse(i: number, base: number, perm?: ArrayLike<number>): number {
  if (!Number.isInteger(i) || i < 0) throw new RangeError(`radicalInverse: i must be a non-negative integer, got ${i}.`);
  if (!Number.isInteger(base) || base < 2) throw new RangeError(`radicalInverse: base must be an integer ≥ 2, got ${base}.`);
  if (perm && (perm.length !== base || perm[0] !== 0)) throw new RangeError(`radicalInverse: perm must permute the ${base} digits with perm[0] = 0.`);
  let x = 0;
  let scale = 1 / base;
  for (let n = i; n > 0; n = Math.floor(n / base)) {
    const d = n % base;
    x += (perm ? perm[d] : d) * scale;
    scale /= base;
  }
  return x;
}

/** Options of `halton`. */
export interface HaltonOptions {
  /** Seed of the scrambling (digit permutations and shifts). Default 0. */
  seed?: number;
  /**
   * Scramble (default true): per dimension a seeded random permutation of the non-zero digits and a
   * seeded random shift modulo 1 (Cranley–Patterson rotation), as AlgoPerf's halton.py does. false: the
   * plain Halton sequence.
   */
  scramble?: boolean;
  /** Points of the sequence to skip before the first one returned (default 0: start at i = 1). */
  skip?: number;
}

/**
 * n points of the d-dimensional Halton sequence in [0, 1)^d: point j (0-based) is
 * (φ_{p₁}(i), …, φ_{p_d}(i)) with i = skip + j + 1 and p₁ … p_d the first d primes.
 * flowlab uses the smallest primes (AlgoPerf's halton.py takes primes just below 1000 with a skip
 * of 100, which for the 5–20 trials of a study behaves like random sampling); with small bases the
 * first few points already cover each axis evenly — which is the point with a budget of a handful
 * of trials.
 * @example halton(4, 2, { scramble: false }) // [[0.5, 1/3], [0.25, 2/3], [0.75, 1/9], [0.125, 4/9]]
 */
export function halton(n: number, dims: number, { seed = 0, scramble = true, skip = 0 }: HaltonOptions = {}): number[][] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`halton: n must be a non-negative integer, got ${n}.`);
  if (!Number.isInteger(dims) || dims < 0) throw new RangeError(`halton: dims must be a non-negative integer, got ${dims}.`);
  if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`halton: skip must be a non-negative integer, got ${skip}.`);
  const primes = firstPrimes(dims);
  const perms: (Int32Array | undefined)[] = [];
  const shifts: number[] = [];
  primes.forEach((p, d) => {
    if (!scramble) { perms.push(undefined); shifts.push(0); return; }
    const r = rng(seed * 7919 + d * 104729 + 1);
    const rest = r.permutation(p - 1);   // σ(0) = 0, σ(1 … p−1) a permutation of 1 … p−1
    perms.push(Int32Array.from([0, ...Array.from(rest, (v) => v + 1)]));
    shifts.push(r.uniform());
  });
  return Array.from({ length: n }, (_, j) => primes.map((p, d) => {
    const x = radicalInverse(skip + j + 1, p, perms[d]) + shifts[d];
    return x - Math.floor(x);
  }));
}
