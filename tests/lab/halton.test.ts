/**
 * The quasi-random search: radical inverses and Halton points against their definition written
 * out by hand (digits mirrored around the point), the stratification a scrambled sequence keeps,
 * and search-space points mapped as AlgoPerf's halton.py maps them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstPrimes, halton, radicalInverse } from '../../src/lab/halton.js';
import { checkSearchSpace, fromUnit, inSearchSpace, searchPoints } from '../../src/lab/search-space.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: got ${a}, expected ${b}`);

test('firstPrimes and radicalInverse: van der Corput digits mirrored, by hand', () => {
  assert.deepEqual(firstPrimes(6), [2, 3, 5, 7, 11, 13]);
  // base 2: 1 = 1₂ → 0.1₂; 2 = 10₂ → 0.01₂; 3 = 11₂ → 0.11₂; 6 = 110₂ → 0.011₂; 11 = 1011₂ → 0.1101₂.
  for (const [i, x] of [[0, 0], [1, 1 / 2], [2, 1 / 4], [3, 3 / 4], [4, 1 / 8], [6, 3 / 8], [11, 13 / 16]]) close(radicalInverse(i, 2), x, `φ₂(${i})`);
  // base 3: 5 = 12₃ → 0.21₃ = 2/3 + 1/9; 7 = 21₃ → 0.12₃ = 1/3 + 2/9.
  close(radicalInverse(5, 3), 2 / 3 + 1 / 9, 'φ₃(5)');
  close(radicalInverse(7, 3), 1 / 3 + 2 / 9, 'φ₃(7)');
  // base 5: 38 = 123₅ → 0.321₅ = 3/5 + 2/25 + 1/125.
  close(radicalInverse(38, 5), 3 / 5 + 2 / 25 + 1 / 125, 'φ₅(38)');
  // A digit permutation σ = (0 2 1) in base 3: 5 = 12₃ → 0.σ(2)σ(1) = 0.12₃.
  close(radicalInverse(5, 3, [0, 2, 1]), 1 / 3 + 2 / 9, 'φ₃(5) scrambled');
  assert.throws(() => radicalInverse(5, 3, [1, 0, 2]), /perm\[0\] = 0/);
  assert.throws(() => radicalInverse(-1, 2), /non-negative integer/);
});

test('halton: unscrambled points are (φ₂(i), φ₃(i), φ₅(i)) for i = skip + 1, …', () => {
  const pts = halton(5, 3, { scramble: false });
  const want = [[1 / 2, 1 / 3, 1 / 5], [1 / 4, 2 / 3, 2 / 5], [3 / 4, 1 / 9, 3 / 5], [1 / 8, 4 / 9, 4 / 5], [5 / 8, 7 / 9, 1 / 25]];
  pts.forEach((p, j) => p.forEach((x, d) => close(x, want[j][d], `point ${j} dim ${d}`)));
  const skipped = halton(2, 2, { scramble: false, skip: 3 });
  close(skipped[0][0], 1 / 8, 'skip 3: i = 4 in base 2');
  close(skipped[1][1], 7 / 9, 'skip 3: i = 5 in base 3');
});

test('halton: scrambled points keep the stratification of the first bᵏ points and are seeded', () => {
  // For i < bᵏ the radical inverse has at most k digits, so it lies on the grid {j/bᵏ}, a different
  // grid point for every i; a digit permutation keeps that, and the shift s moves the whole grid.
  // So the first bᵏ − 1 points of a dimension share one offset x·bᵏ mod 1 and hit distinct cells.
  for (const seed of [0, 1, 7]) {
    const pts = halton(26, 3, { seed });
    for (const [d, m] of [[0, 16], [1, 9], [2, 25]] as const) {
      const xs = pts.slice(0, Math.min(26, m - 1)).map((p) => p[d]);
      const offset = (xs[0] * m) % 1;
      const wrap = (v: number) => Math.min(Math.abs(v), 1 - Math.abs(v));
      for (const x of xs) assert.ok(wrap(((x * m) % 1) - offset) < 1e-9, `seed ${seed}, dim ${d}: ${x} is off the shifted grid of 1/${m}`);
      const cells = xs.map((x) => ((Math.round(x * m - offset) % m) + m) % m);
      assert.equal(new Set(cells).size, xs.length, `seed ${seed}, dim ${d}: every point in its own cell of 1/${m}`);
    }
    for (const p of pts) for (const x of p) assert.ok(x >= 0 && x < 1, `in [0, 1): ${x}`);
  }
  assert.deepEqual(halton(4, 2, { seed: 3 }), halton(4, 2, { seed: 3 }), 'same seed, same points');
  assert.notDeepEqual(halton(4, 2, { seed: 3 }), halton(4, 2, { seed: 4 }), 'another seed, other points');
  assert.notDeepEqual(halton(4, 2, { seed: 3 }), halton(4, 2, { scramble: false }), 'scrambled differs from plain');
});

test('search spaces: log/linear/discrete mapping as in AlgoPerf, fixed values copied, bad spaces refused', () => {
  close(fromUnit({ min: 1e-4, max: 1e-2, scale: 'log' }, 0.5) as number, 1e-3, 'log midpoint');
  close(fromUnit({ min: 0, max: 2, scale: 'linear' }, 0.25) as number, 0.5, 'linear');
  assert.equal(fromUnit({ values: ['a', 'b', 'c'] }, 0.7), 'c');
  const space = { lr: { min: 1e-4, max: 1e-2, scale: 'log' as const }, wd: { min: 0, max: 1, scale: 'linear' as const }, kind: { values: ['x', 'y'] }, b2: 0.999 };
  const pts = searchPoints(space, 6, { seed: 2 });
  const u = halton(6, 3, { seed: 2 });
  pts.forEach((p, j) => {
    close(p.lr as number, 1e-4 * Math.exp(u[j][0] * Math.log(100)), `lr of point ${j}`);
    close(p.wd as number, u[j][1], `wd of point ${j}`);
    assert.equal(p.kind, u[j][2] < 0.5 ? 'x' : 'y');
    assert.equal(p.b2, 0.999);
    assert.ok(inSearchSpace(space, p));
  });
  assert.ok(!inSearchSpace(space, { ...pts[0], lr: 0.1 }));
  assert.throws(() => checkSearchSpace({ lr: { min: 0, max: 1, scale: 'log' } }), /log scale needs min > 0/);
  assert.throws(() => checkSearchSpace({ lr: { min: 2, max: 1 } }), /min ≤ max/);
  assert.throws(() => checkSearchSpace({ k: { values: [] } }), /non-empty/);
});
