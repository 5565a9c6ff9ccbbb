/**
 * Input and output checks for Problem methods: every error names the argument, what was expected,
 * and the fix.
 */
import { tfjs as tf } from './tfjs.js';
import { canReadSync, deferFiniteCheck, readSync } from './read.js';
import { nativeAllFinite } from './native/index.js';

/** Throws unless `x` is a float32 Tensor1D of length `dim` (NaN/Inf checked when `finite`). */
export function checkVector(x: unknown, dim: number, where: string, arg: string, finite = true): asserts x is tf.Tensor1D {
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(`${where}: argument '${arg}' must be a float32 Tensor1D of length ${dim}, got ${describe(x)}; ` +
      `build it with tf.tensor1d(values) (fl.tf).`);
  }
  if (x.isDisposed) {
    throw new Error(`${where}: argument '${arg}' was already disposed; pass a live tensor (keep it out of tf.tidy or clone it).`);
  }
  if (x.rank !== 1 || x.shape[0] !== dim) {
    throw new Error(`${where}: argument '${arg}' must have shape [${dim}], got [${x.shape.join(', ')}]; ` +
      (x.size === dim ? `reshape it with ${arg}.reshape([${dim}]).` : `the problem's dim is ${dim}.`));
  }
  if (x.dtype !== 'float32') {
    throw new Error(`${where}: argument '${arg}' must have dtype float32, got ${x.dtype}; convert with tf.cast(${arg}, 'float32').`);
  }
  if (finite) checkFinite(x, where, `argument '${arg}'`);
}

/** Throws unless `V` is a float32 Tensor2D [k, dim] (NaN/Inf checked when `finite`). */
export function checkMatrix(V: unknown, dim: number, where: string, arg: string, finite = true): asserts V is tf.Tensor2D {
  if (!(V instanceof tf.Tensor) || V.isDisposed) {
    throw new TypeError(`${where}: argument '${arg}' must be a live float32 Tensor2D of shape [k, ${dim}], got ${describe(V)}.`);
  }
  if (V.rank !== 2 || V.shape[1] !== dim) {
    throw new Error(`${where}: argument '${arg}' must have shape [k, ${dim}] (one vector per ROW), got [${V.shape.join(', ')}]` +
      (V.rank === 2 && V.shape[0] === dim ? `; transpose it with tf.transpose(${arg}).` : '.'));
  }
  if (V.dtype !== 'float32') {
    throw new Error(`${where}: argument '${arg}' must have dtype float32, got ${V.dtype}; convert with tf.cast(${arg}, 'float32').`);
  }
  if (finite) checkFinite(V, where, `argument '${arg}'`);
}

/**
 * Throws when `t` holds NaN or ±Inf. The check runs on the device (Σ 0·tᵢ is finite iff every tᵢ
 * is): answered at once on backends with synchronous reads, queued for the next `read*` on webgpu
 * (see ./read.ts); on wasm with the native path, one in-place scan of the heap (./native).
 */
export function checkFinite(t: tf.Tensor, where: string, what: string): void {
  const message = `${where}: ${what} contains NaN or Inf; expected finite values ` +
    (what.startsWith('argument') ? '(check how it was computed).' :
      '(the loss or its derivatives overflow at this w: lower the learning rate or check the loss for log(0), division by 0, exp overflow).');
  if (t.size === 0) return; // nothing to check (and webgpu cannot reduce an empty tensor)
  if (!canReadSync()) {
    deferFiniteCheck(t, message);
    return;
  }
  const scanned = nativeAllFinite(t);
  if (scanned !== undefined) {
    if (!scanned) throw new Error(message);
    return;
  }
  const probe = tf.tidy(() => tf.sum(tf.mul(t, 0)));
  const ok = Number.isFinite(readSync(probe)[0]);
  probe.dispose();
  if (!ok) throw new Error(message);
}

/** Throws unless the loss function returned a float32 scalar tensor. */
export function checkScalarLoss(y: unknown, where: string): asserts y is tf.Scalar {
  if (!(y instanceof tf.Tensor)) {
    throw new TypeError(`${where}: the loss function must return a scalar tensor, got ${describe(y)}; ` +
      'return tf ops (e.g. tf.mean(...)), not a number.');
  }
  if (y.rank !== 0) {
    throw new Error(`${where}: the loss function must return a scalar (rank 0), got shape [${y.shape.join(', ')}]; ` +
      'reduce it with tf.sum(...) or tf.mean(...).');
  }
  if (y.dtype !== 'float32') {
    throw new Error(`${where}: the loss function must return a float32 scalar, got ${y.dtype}.`);
  }
}

function describe(x: unknown): string {
  if (x instanceof tf.Tensor) return `a ${x.dtype} tensor of shape [${x.shape.join(', ')}]${x.isDisposed ? ' (disposed)' : ''}`;
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  return typeof x;
}
