/** Helpers of the native-kernel tests: seeded normal inputs and a float64-reference comparison. */
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { rng } from '../../src/tensor/reference.js';

/** A seeded standard-normal Float32Array with as many entries as `shape` holds. */
export function randomNormal(shape: number[], seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => r.normal());
}

/**
 * Asserts `got` has the reference's shape and every entry within 2e-6 of the reference's largest
 * magnitude (float32 rounding of a float64 result, summed over the reduction). Reads synchronously:
 * these tests run on wasm only.
 */
export function assertCloseToFloat64(got: tf.Tensor, want: { shape: number[]; values: Float64Array }, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.dataSync();
  let scale = 1e-6;
  for (const v of want.values) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < g.length; i++) {
    assert.ok(Math.abs(g[i] - want.values[i]) <= 2e-6 * scale, `${what}[${i}]: ${g[i]} vs ${want.values[i]}`);
  }
}
