/**
 * The tensor-read rule: the only module that moves tensor values from the backend to JavaScript.
 *
 * - Library code reads with `read` / `readScalars` / `readPacked` (all async: `await t.data()`
 *   underneath), batched: one read of a small packed tensor per step, never one per scalar.
 * - Functions that return tensors stay synchronous and never read; functions that need values are
 *   `async`.
 * - Finite checks (`checkFinite` in ./validate.ts) run on the device. On backends that can read
 *   synchronously (wasm, cpu, tensorflow) the check answers at once; on webgpu, where Node has no
 *   synchronous read (TF.js's `dataSync` needs a browser OffscreenCanvas), the device-side probe is
 *   queued and answered by the next `read*` call, inside the same packed read.
 * - `readSync` exists for CPU-only conveniences (tensor display); on webgpu it throws, naming the
 *   async function to use.
 */
import { tfjs as tf } from './tfjs.js';

/** A queued device-side finite check: `probe` is Σ 0·tᵢ (finite iff every tᵢ is). */
interface PendingCheck {
  probe: tf.Scalar;
  message: string;
  /** Checks merged into this one (when the queue is full). */
  merged: number;
}

const pending: PendingCheck[] = [];
const MAX_PENDING = 256;

/** Whether the active backend can read values synchronously (false on webgpu and webgl). */
export function canReadSync(): boolean {
  const name = tf.getBackend();
  return name !== 'webgpu' && name !== 'webgl';
}

/**
 * Queues a device-side finite check, answered by the next `read*` call (webgpu). `message` is the
 * error thrown then. The probe is kept out of any enclosing tf.tidy.
 */
export function deferFiniteCheck(t: tf.Tensor, message: string): void {
  const probe = tf.keep(tf.tidy(() => tf.sum(tf.mul(t, 0))) as tf.Scalar);
  if (pending.length < MAX_PENDING) {
    pending.push({ probe, message, merged: 0 });
    return;
  }
  // Full queue: fold the newest check into the last entry (a NaN anywhere stays a NaN).
  const last = pending[pending.length - 1];
  const both = tf.keep(tf.add(last.probe, probe) as tf.Scalar);
  last.probe.dispose();
  probe.dispose();
  last.probe = both;
  last.merged++;
}

/** Number of finite checks waiting for the next read (webgpu). */
export function pendingChecks(): number {
  return pending.length;
}

function takePending(): PendingCheck[] {
  return pending.splice(0, pending.length);
}

function throwIfFailed(checks: PendingCheck[], values: ArrayLike<number>, offset: number): void {
  let failure: PendingCheck | undefined;
  for (let i = 0; i < checks.length; i++) {
    if (!failure && !Number.isFinite(values[offset + i])) failure = checks[i];
  }
  if (failure) {
    throw new Error(failure.message + (failure.merged ? ` (or one of ${failure.merged} later results checked together)` : ''));
  }
}

/**
 * Reads several tensors in ONE transfer: they are flattened and concatenated on the device, read
 * once, and returned as float32 views in the same order (queued finite checks ride along).
 * Inputs are not disposed.
 * @example const [g, hv] = await readPacked([grad, hvp]);
 */
export async function readPacked(ts: readonly tf.Tensor[]): Promise<Float32Array[]> {
  for (const [i, t] of ts.entries()) {
    if (!(t instanceof tf.Tensor)) throw new TypeError(`readPacked: item ${i} is not a tensor (got ${typeof t}).`);
    if (t.isDisposed) throw new Error(`readPacked: item ${i} was already disposed; read it before disposing it (or outside tf.tidy).`);
  }
  const checks = takePending();
  const parts: tf.Tensor[] = [...ts, ...checks.map((c) => c.probe)];
  let values: Float32Array;
  try {
    if (parts.length === 0) return [];
    if (parts.length === 1) {
      values = Float32Array.from((await parts[0].data()) as ArrayLike<number>);
    } else {
      const packed = tf.tidy(() => tf.concat(parts.map((t) => tf.reshape(t.dtype === 'float32' ? t : tf.cast(t, 'float32'), [-1]))));
      try {
        values = (await packed.data()) as Float32Array;
      } finally {
        packed.dispose();
      }
    }
  } finally {
    for (const c of checks) c.probe.dispose();
  }
  let offset = 0;
  const out = ts.map((t) => {
    const view = values.subarray(offset, offset + t.size);
    offset += t.size;
    return view;
  });
  throwIfFailed(checks, values, offset);
  return out;
}

/**
 * Reads one tensor's values (float32), answering queued finite checks in the same transfer.
 * @example const g = await fl.read(P.grad(w));
 */
export async function read(t: tf.Tensor): Promise<Float32Array> {
  return (await readPacked([t]))[0];
}

/**
 * Reads scalars (or any small tensors' first entries) in one transfer.
 * @example const [loss, gradNorm] = await readScalars([lossT, tf.norm(g)]);
 */
export async function readScalars(ts: readonly tf.Tensor[]): Promise<number[]> {
  return (await readPacked(ts)).map((v) => v[0]);
}

/** Reads and disposes: the tensors are freed after the one packed read. */
export async function readAndDispose(ts: readonly tf.Tensor[]): Promise<Float32Array[]> {
  try {
    return await readPacked(ts);
  } finally {
    for (const t of ts) t.dispose();
  }
}

/** Answers every queued finite check now (one small read; a no-op when none is queued). */
export async function flushChecks(): Promise<void> {
  if (pending.length) await readPacked([]);
}

/**
 * Synchronous read for CPU backends only (tensor display and other conveniences that cannot be
 * async). On webgpu it throws, naming the async function to use instead.
 */
export function readSync(t: tf.Tensor, asyncAlternative = 'await fl.read(t)'): Float32Array | Int32Array | Uint8Array {
  if (!canReadSync()) {
    throw new Error(`reading a tensor synchronously does not work on the '${tf.getBackend()}' backend (Node has no ` +
      `synchronous GPU read); use ${asyncAlternative} instead.`);
  }
  return t.dataSync() as Float32Array | Int32Array | Uint8Array;
}
