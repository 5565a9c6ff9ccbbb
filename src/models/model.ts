/**
 * The Model contract: a pure function of one flat float32 parameter vector w.
 */
import { tf } from '../tensor/tf.js';
import type { ParamSpec, Tensor, Tensor1D } from '../tensor/types.js';
import { initLayout, specOf, views, type Layout } from './spec.js';

/** A model as a pure function of a flat parameter vector (see module doc). */
export interface Model {
  /** Short name used in tables and figures, e.g. "mlp[3072,256,256,4]/gelu". */
  readonly name: string;
  /** Length of w. */
  readonly numParams: number;
  /** Where each named tensor lives in w (TF.js layouts; output axis last). */
  readonly spec: ParamSpec;
  /** Expected shape of one input example (without the batch axis). */
  readonly inputShape: number[];
  /** Deterministic initial parameters (PyTorch defaults unless the model's doc says otherwise). */
  init(seed?: number): Float32Array;
  /** Outputs (logits) for a batch x; pure in w and x; the caller owns the result. */
  apply(w: Tensor1D, x: Tensor): Tensor;
  /** Rough count of forward activations per example (floats): `fromModel` sizes its memory chunks with it. */
  readonly activationFloats: number;
}

/**
 * Builds a Model from a layout and a forward function over named parameter views.
 * The forward runs inside tf.tidy; views are slices of w, so gradients flow to w.
 * @example defineModel('affine', layout, [3], (p, x) => dense(x, p['dense/kernel'], p['dense/bias']))
 */
export function defineModel(
  name: string,
  layout: Layout,
  inputShape: number[],
  forward: (p: Record<string, Tensor>, x: Tensor) => Tensor,
  activationFloats = 0,
): Model {
  const spec = specOf(layout);
  return {
    name,
    numParams: layout.numParams,
    spec,
    inputShape,
    activationFloats: activationFloats || inputShape.reduce((a, b) => a * b, 1),
    init: (seed = 0) => initLayout(layout, seed),
    apply: (w, x) => {
      const want = inputShape.reduce((a, b) => a * b, 1);
      const got = x.shape.slice(1).reduce((a, b) => a * b, 1);
      if (got !== want) {
        throw new Error(`${name}.apply: x must be [batch, ${inputShape.join(', ')}] (${want} values per example), got [${x.shape}]`);
      }
      return tf.tidy(() => forward(views(w, spec), x));
    },
  };
}
