/**
 * The Problem contract: the one interface every analysis in flowlab meets at.
 * A Problem is a scalar loss over one flat float32 parameter vector w (a Tensor1D of length `dim`)
 * with exact derivatives up to third order. Every method returns NEW tensors that the caller owns
 * and must dispose; no method keeps or disposes its inputs.
 */
import type * as tfTypes from '@tensorflow/tfjs';

export type Tensor = tfTypes.Tensor;
export type Scalar = tfTypes.Scalar;
export type Tensor1D = tfTypes.Tensor1D;
export type Tensor2D = tfTypes.Tensor2D;

/** One named slice of the flat parameter vector (a layer's weight, bias, norm scale, ...). */
export interface ParamEntry {
  /** Unique name, e.g. "dense1/kernel". */
  name: string;
  /** Shape in TF.js layout (dense [in, out], conv [kh, kw, in, out]). */
  shape: number[];
  /** Offset of the first element in the flat vector. */
  offset: number;
  /** Number of elements (product of shape). */
  size: number;
  /** Axis indexing output filters/neurons (TF.js layout: the last axis), or null for 1-D tensors. */
  outputAxis: number | null;
  /** What the slice is: used e.g. by filter normalisation to zero biases and norms. */
  kind: 'weight' | 'bias' | 'norm' | 'embedding' | 'other';
}

/** The parameter spec of a model: where each named tensor lives inside w. */
export interface ParamSpec {
  entries: ParamEntry[];
  numParams: number;
}

/** A differentiable objective over a flat float32 vector (see module doc). */
export interface Problem {
  /** Length of w. */
  readonly dim: number;
  /** Optional parameter spec (models attach one; plain objectives have none). */
  readonly spec?: ParamSpec;
  /** Optional human-readable name, used in tables and figures. */
  readonly name?: string;
  /** L(w), a scalar tensor. */
  loss(w: Tensor1D): Scalar;
  /** ∇L(w). */
  grad(w: Tensor1D): Tensor1D;
  /** L(w) and ∇L(w) in one pass. */
  lossAndGrad(w: Tensor1D): { loss: Scalar; grad: Tensor1D };
  /** Hessian-vector product H(w) v. */
  hvp(w: Tensor1D, v: Tensor1D): Tensor1D;
  /** H(w) V for several vectors at once; V is [k, dim] (one vector per ROW), result [k, dim]. */
  hvpBatch(w: Tensor1D, V: Tensor2D): Tensor2D;
  /** ∇_w (uᵀ H(w) v): the third derivative contracted twice (central flows need it). */
  curvatureGrad(w: Tensor1D, u: Tensor1D, v: Tensor1D): Tensor1D;
  /**
   * Optional: L(w), ∇L(w), H(w)Uᵢ for every row of U [k, dim] and ∇_w(Uᵢᵀ H(w) Uⱼ) for each (i, j)
   * of `pairs` (default every i ≤ j in row order: k(k+1)/2 rows) from one shared pass. Callers fall
   * back to lossAndGrad, hvpBatch and curvatureGrad when a Problem lacks it.
   */
  curvatureGradBatch?(w: Tensor1D, U: Tensor2D, pairs?: ReadonlyArray<readonly [number, number]>): CurvatureBatch;
}

/** What `Problem.curvatureGradBatch` returns: new tensors the caller owns. */
export interface CurvatureBatch {
  loss: Scalar;
  grad: Tensor1D;
  /** H(w)Uᵢ, one row per row of U: [k, dim]. */
  hvp: Tensor2D;
  /** ∇_w(Uᵢᵀ H(w) Uⱼ), one row per pair: [m, dim]. */
  curvatureGrad: Tensor2D;
}
