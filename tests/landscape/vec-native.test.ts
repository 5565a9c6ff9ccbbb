/**
 * The long-vector kernels of src/landscape/linalg/vec.ts (multiDot, subtractCombination,
 * combineRows, dot, axpy), which go to the native float64 kernels (native/vec.c) for Float64Array
 * vectors of ≥ 16384 entries and stay in JS otherwise. Integer-valued vectors keep every sum exact
 * in float64 whatever its order, so both paths must equal the plain sums computed here exactly;
 * lengths that are not multiples of the chunk or of the eight partial sums check the tails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axpy, combineRows, dot, multiDot, subtractCombination } from '../../src/landscape/linalg/vec.js';
import { nativeAddon, nativeStatus } from '../../src/tensor/native/addon.js';
import { lcg } from './helpers.js';

/** A vector of small integers in [−8, 8] (exact products and sums in float64). */
function ints(len: number, seed: number): Float64Array {
  const r = lcg(seed);
  return Float64Array.from({ length: len }, () => Math.floor(r() * 17) - 8);
}

const plainDot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);

test('the native addon carries the float64 block kernels when it loads', () => {
  if (!nativeStatus().available) return; // pure-wasm installs: the JS loops below are the path
  assert.equal(typeof nativeAddon()?.dgram, 'function', 'rebuild the addon: npm run build:native');
  assert.equal(typeof nativeAddon()?.dcombine, 'function');
});

for (const len of [20_001, 1_000, 3 * 1024 + 7]) {
  test(`multiDot, dot, subtractCombination, axpy and combineRows equal exact sums (length ${len})`, () => {
    const Q = [ints(len, 1), ints(len, 2), ints(len, 3)];
    const x = ints(len, 4);
    assert.deepEqual(Array.from(multiDot(Q, x)), Q.map((q) => plainDot(q, x)));
    assert.equal(dot(Q[1], x), plainDot(Q[1], x));
    assert.equal(multiDot([], x).length, 0);

    const c = [2, 0, -3];
    const y = subtractCombination(new Float64Array(x), Q, c);
    assert.deepEqual(Array.from(y), Array.from(x, (v, i) => v - 2 * Q[0][i] + 3 * Q[2][i]));
    const z = axpy(new Float64Array(x), -4, Q[0]);
    assert.deepEqual(Array.from(z), Array.from(x, (v, i) => v - 4 * Q[0][i]));

    // rows [Q0 + 2Q1 − Q2, 5Q1], and a row of zeros
    const rows = combineRows(Q, [1, 2, -1, 0, 5, 0, 0, 0, 0], 3, len);
    assert.deepEqual(Array.from(rows[0]), Array.from(x, (_, i) => Q[0][i] + 2 * Q[1][i] - Q[2][i]));
    assert.deepEqual(Array.from(rows[1]), Array.from(x, (_, i) => 5 * Q[1][i]));
    assert.ok(rows[2].every((v) => v === 0));
  });
}

test('a Float32Array among the vectors takes the JS path with the same results', () => {
  const len = 20_001;
  const q = ints(len, 5), x32 = Float32Array.from(ints(len, 6));
  assert.equal(multiDot([q], x32)[0], plainDot(q, Float64Array.from(x32)));
});
