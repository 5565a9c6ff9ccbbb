/**
 * The float64 reference helpers against tabulated values and hand computations
 * (erf: Abramowitz & Stegun table 7.1 / standard values to 15 digits).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reference as ref } from '../../src/tensor/index.js';

test('erf matches tabulated values to 1e-14', () => {
  const table: [number, number][] = [[0, 0], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
    [2, 0.9953222650189527], [2.5, 0.9995930479825550], [3, 0.9999779095030014], [-1.5, -0.9661051464753108]];
  for (const [x, want] of table) assert.ok(Math.abs(ref.erf(x) - want) < 1e-14, `erf(${x}) = ${ref.erf(x)}, want ${want}`);
  assert.ok(Math.abs(ref.act.gelu(1) - 0.8413447460685429) < 1e-14); // Φ(1)
});

test('matMul, logSoftmax, mse and cross-entropy by hand', () => {
  assert.deepEqual(Array.from(ref.matMul([1, 2, 3, 4], [5, 6, 7, 8], 2, 2, 2)), [19, 22, 43, 50]);
  const ls = ref.logSoftmaxRows([0, 0, 1, 1], 2, 2);
  for (const v of ls) assert.ok(Math.abs(v + Math.LN2) < 1e-15);
  assert.equal(ref.mse([1, 2], [0, 0], 1), 2.5);
  assert.ok(Math.abs(ref.crossEntropy([0, 0], [1, 0], 1, 2) - Math.LN2) < 1e-15);
  assert.throws(() => ref.matMul([1], [1, 2], 1, 2, 1), /expected a of length 2/);
});
