/**
 * The Dataset object every loader returns: tensors x, one-hot y (and a mask for sequence tasks),
 * integer labels, and a rich notebook display (sample grid + class counts).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import { JUPYTER_DISPLAY, type MimeBundle } from '../runtime/display.js';
import { displayBundle, displayBundleAsync } from './display.js';
import { canReadSync } from '../tensor/read.js';

/** A supervised dataset held as tensors (the caller disposes it with `dispose()`). */
export interface Dataset {
  /** E.g. "cifar10[train,n=1000,classes=4]". */
  readonly name: string;
  /** Inputs [n, ...shape] (images NHWC; token sequences int32 [n, T]). */
  readonly x: Tensor;
  /** Targets: one-hot [n, classes] (or [n, T, vocab] for sequences), or regression targets. */
  readonly y: Tensor;
  /** Per-position weights [n, T] for sequence tasks (1 = counted, 0 = masked); absent otherwise. */
  readonly mask?: Tensor;
  /** Integer class of each example (−1 at masked positions for sequences); null for regression. */
  readonly labels: Int32Array | null;
  /** Number of examples. */
  readonly n: number;
  /** Number of classes (0 for regression). */
  readonly classes: number;
  /** Shape of one input example. */
  readonly shape: number[];
  /** Optional class names for display. */
  readonly classNames?: string[];
  /** Normalisation applied to x, if any (per channel). */
  readonly normalization?: { mean: number[]; std: number[] };
  /** Frees the tensors. */
  dispose(): void;
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

/** Fields a loader supplies to `makeDataset`. */
export interface DatasetFields {
  name: string;
  x: Tensor;
  y: Tensor;
  mask?: Tensor;
  labels: Int32Array | null;
  classes: number;
  shape: number[];
  classNames?: string[];
  normalization?: { mean: number[]; std: number[] };
}

/**
 * Wraps tensors into a Dataset with `dispose()` and a notebook display.
 * @example makeDataset({ name: 'toy', x, y: oneHot(labels, 2), labels, classes: 2, shape: [2] })
 */
export function makeDataset(fields: DatasetFields): Dataset {
  const ds: Dataset = {
    ...fields,
    n: fields.x.shape[0],
    dispose() {
      fields.x.dispose();
      fields.y.dispose();
      fields.mask?.dispose();
    },
    [JUPYTER_DISPLAY]() {
      return canReadSync() ? displayBundle(ds) : displayBundleAsync(ds);
    },
  };
  Object.defineProperty(ds, 'toString', { value: () => String(displayBundle(ds, { plainOnly: true })['text/plain']), enumerable: false });
  return ds;
}

/**
 * One-hot matrix [n, classes] of integer labels (float32).
 * @example oneHot(Int32Array.from([0, 2]), 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(labels: Int32Array, classes: number): Tensor {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((l, i) => {
    if (l >= 0) out[i * classes + l] = 1;
  });
  return tf.tensor2d(out, [labels.length, classes]);
}

/**
 * Indices of the first `perClass` examples of each of the classes 0 … classes−1, in class order
 * (the anchors' subset: Cohen et al. 2025 take the first n/classes examples of each class).
 * @example firstPerClass([1, 0, 0, 1], 2, 1, 'toy') // Int32Array [1, 0]
 */
export function firstPerClass(labels: ArrayLike<number>, classes: number, perClass: number, source: string): Int32Array {
  const out = new Int32Array(classes * perClass);
  for (let c = 0; c < classes; c++) {
    let found = 0;
    for (let i = 0; i < labels.length && found < perClass; i++) {
      if (labels[i] === c) out[c * perClass + found++] = i;
    }
    if (found < perClass) {
      throw new Error(`${source}: class ${c} has only ${found} examples, ${perClass} requested (n / classes); lower n`);
    }
  }
  return out;
}

/**
 * Validates the common `{ n, classes }` options of a classification loader.
 * @example checkSubset('mnist', 1000, 10, 10) // 100 per class
 */
export function checkSubset(who: string, n: number, classes: number, maxClasses: number): number {
  if (!Number.isInteger(classes) || classes < 1 || classes > maxClasses) {
    throw new Error(`${who}: classes must be an integer in 1…${maxClasses}, got ${classes}`);
  }
  if (!Number.isInteger(n) || n < classes || n % classes !== 0) {
    throw new Error(`${who}: n must be a positive multiple of classes (${classes}) so each class gets n/classes examples, got ${n}`);
  }
  return n / classes;
}
