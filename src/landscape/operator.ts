/**
 * The Hessian of a Problem at a fixed point as a symmetric linear operator on Float64Array
 * vectors, counting HVPs. With a diagonal preconditioner p the operator is the symmetrised
 * D^{-1/2} H D^{-1/2} (D = diag p): it has the eigenvalues of D⁻¹H, and y ↦ D^{-1/2} y maps its
 * unit eigenvectors to the generalised eigenvectors with uᵀDu = 1.
 */
import { tf } from '../tensor/tf.js';
import { read, readAndDispose, readPacked } from '../tensor/read.js';
import type { Problem, Tensor1D } from '../tensor/types.js';

/** A point in parameter space as accepted by every landscape function. */
export type Point = Tensor1D | Float32Array | Float64Array | number[];

/**
 * A symmetric operator over plain vectors; `hvps` counts Hessian-vector products used. `apply` is
 * async: the images of a whole block come back in one read (one per solver iteration).
 */
export interface SymOperator {
  readonly dim: number;
  hvps: number;
  apply(vs: Float64Array[]): Promise<Float64Array[]>;
  /** D^{-1/2} (all ones without a preconditioner). */
  readonly invSqrtP: Float64Array | null;
  dispose(): void;
}

/** Checks a Problem-like object and returns its dimension. */
export function checkProblem(P: Problem, fn: string): number {
  if (!P || typeof P.hvp !== 'function' || !Number.isInteger(P.dim)) {
    throw new Error(`${fn}: P must be a Problem (with dim, loss, hvp, hvpBatch); build one with fl.problem(lossFn, { dim })`);
  }
  return P.dim;
}

/** Checks that w is a Tensor1D, Float32Array, Float64Array or number[] of length P.dim. */
function checkPoint(P: Problem, w: Point, fn: string, arg: string): void {
  const dim = P.dim;
  if (w instanceof tf.Tensor) {
    if (w.rank !== 1 || w.size !== dim) throw new Error(`${fn}: ${arg} must be a Tensor1D of length P.dim = ${dim}, got shape [${w.shape}]`);
    return;
  }
  if (!w || typeof (w as ArrayLike<number>).length !== 'number') {
    throw new Error(`${fn}: ${arg} must be a Tensor1D, Float32Array or number[] of length ${dim}`);
  }
  if ((w as ArrayLike<number>).length !== dim) throw new Error(`${fn}: ${arg} has length ${(w as ArrayLike<number>).length}, expected P.dim = ${dim}`);
}

/** w as a Tensor1D of length P.dim plus whether the caller must dispose it. */
export function pointTensor(P: Problem, w: Point, fn: string, arg = 'w'): { t: Tensor1D; owned: boolean } {
  checkPoint(P, w, fn, arg);
  if (w instanceof tf.Tensor) return { t: w as Tensor1D, owned: false };
  return { t: tf.tensor1d(new Float32Array(w as ArrayLike<number>)), owned: true };
}

/** w as a plain Float32Array copy (validated like pointTensor). Async: a tensor w is read once. */
export async function pointArray(P: Problem, w: Point, fn: string, arg = 'w'): Promise<Float32Array> {
  checkPoint(P, w, fn, arg);
  if (w instanceof tf.Tensor) return await read(w); // read returns a fresh copy
  return new Float32Array(w as ArrayLike<number>);
}

/** Several points as Float32Array copies, every tensor among them read in one transfer. */
export async function pointArrays(P: Problem, ws: { w: Point; arg: string }[], fn: string): Promise<Float32Array[]> {
  for (const { w, arg } of ws) checkPoint(P, w, fn, arg);
  const tensors = ws.map(({ w }) => w).filter((w): w is Tensor1D => w instanceof tf.Tensor);
  const values = await readPacked(tensors);
  let next = 0;
  // read values are fresh views of one transfer, the caller's arrays are copied (new Float32Array is a fast copy)
  return ws.map(({ w }) => (w instanceof tf.Tensor ? values[next++] : new Float32Array(w as ArrayLike<number>)));
}

/** Validates a diagonal preconditioner and returns D^{-1/2}. */
export function invSqrtDiag(p: ArrayLike<number>, dim: number, fn: string): Float64Array {
  if (!p || p.length !== dim) throw new Error(`${fn}: preconditioner must be a Float32Array of length P.dim = ${dim} (the diagonal of P), got length ${p?.length}`);
  const s = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    if (!(p[i] > 0) || !Number.isFinite(p[i])) throw new Error(`${fn}: preconditioner[${i}] = ${p[i]}; every entry must be finite and > 0 (add ε to √ν)`);
    s[i] = 1 / Math.sqrt(p[i]);
  }
  return s;
}

/**
 * The (optionally preconditioned) Hessian operator at w. Vectors go to the Problem in float32,
 * one `hvp` call for a single vector and one `hvpBatch` call ([k, dim], one vector per row) for more;
 * `apply` is async and reads the images once per call (the tensor-read rule, src/tensor/read.ts).
 * @example
 * const op = hessianOperator(P, w); const [Hv] = await op.apply([v]); op.dispose();
 */
export function hessianOperator(P: Problem, w: Point, { preconditioner }: { preconditioner?: ArrayLike<number> } = {}, fn = 'hessianOperator'): SymOperator {
  const dim = checkProblem(P, fn);
  const { t: wt, owned } = pointTensor(P, w, fn);
  const s = preconditioner ? invSqrtDiag(preconditioner, dim, fn) : null;
  const op: SymOperator = {
    dim,
    hvps: 0,
    invSqrtP: s,
    async apply(vs: Float64Array[]): Promise<Float64Array[]> {
      const k = vs.length;
      if (k === 0) return [];
      const flat = new Float32Array(k * dim);
      vs.forEach((v, j) => {
        if (!s) { flat.set(v, j * dim); return; } // set rounds to float32 exactly as assignment does
        const o = j * dim;
        for (let i = 0; i < dim; i++) flat[o + i] = v[i] * s[i];
      });
      const data = tf.tidy(() => (k === 1 ? P.hvp(wt, tf.tensor1d(flat)) : P.hvpBatch(wt, tf.tensor2d(flat, [k, dim]))));
      const [raw] = await readAndDispose([data]);
      op.hvps += k;
      return vs.map((_, j) => {
        const out = new Float64Array(raw.subarray(j * dim, (j + 1) * dim));
        if (s) for (let i = 0; i < dim; i++) out[i] *= s[i];
        // x − x is 0 for every finite x and NaN otherwise: one fast pass, the index only on failure
        let bad = 0;
        for (let i = 0; i < dim; i++) bad += out[i] - out[i];
        if (bad !== 0) {
          const i = out.findIndex((x) => !Number.isFinite(x));
          throw new Error(`${fn}: the Hessian-vector product returned ${out[i]} at index ${i}; the loss is not finite or not twice differentiable at w`);
        }
        return out;
      });
    },
    dispose() {
      if (owned) wt.dispose();
    },
  };
  return op;
}
