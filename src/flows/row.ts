/**
 * A central-flow table row (columns in centralFlow's doc): the tensors a recorded step puts into
 * its substep's packed read (`rowPacket`), and the row built on the host from the values read
 * (`centralRow`: the predictions L + ½Σλᵢ Xᵢᵢ and ‖∇L‖² + tr(HΣH), Σ's eigen-summary).
 */
import { tf } from '../tensor/tf.js';
import type { Scalar, Tensor1D, Tensor2D } from '../tensor/types.js';
import { nuStats, type Diag, type FlowState, type Rule } from './rules.js';
import { sigmaDirections } from './sigma.js';
import { Packet } from './packet.js';

/** What a recorded step hands back for its table row (host data). */
export interface StepRow {
  /** Values read for the row: loss, gradNormSq, ν statistics, p, sigma (on A), and the recorder's. */
  values: Record<string, Float32Array>;
  /** Tracked effective eigenvalues, descending. */
  eigs: number[];
  crit: number;
  X: Float64Array;
  hu: Float64Array;
  residual: number;
  /** The scalar preconditioner (GD: 1/η; scalar RMSProp: (√ν̂ + ε)/η; NaN for RMSProp). */
  pScalar: number;
}

/** Puts a row's recorder tensors (snapshot, projection of w) into the packet. */
export type RowPut = (pk: Packet, w: Tensor1D) => void;

/**
 * The row's tensors (new, owned by the packet): loss, ‖∇L‖², ν statistics, a scalar P, the
 * recorder's (`put`), and Σ's input — U of the substep's pass ([n, dim], or UUᵀ when directions are
 * not wanted) or the top tracked direction ([dim]). Reads nothing.
 */
export function rowPacket(put: RowPut, loss: Scalar, grad: Tensor1D, s: FlowState, p: Diag, w: Tensor1D, dirs: tf.Tensor | null, wantDirections: boolean): Packet {
  const pk = new Packet();
  pk.put('loss', tf.clone(loss));
  pk.put('gradNormSq', tf.tidy(() => tf.sum(tf.square(grad))));
  for (const [name, t] of nuStats(s)) pk.put(name, t);
  if (p instanceof tf.Tensor && p.rank === 0) pk.put('p', tf.clone(p));
  put(pk, w);
  if (dirs) pk.put('sigma', wantDirections || dirs.rank === 1 ? tf.clone(dirs) : tf.tidy(() => tf.matMul(dirs as Tensor2D, dirs as Tensor2D, false, true)));
  return pk;
}

/** The scalar preconditioner of a row (see StepRow.pScalar). */
export function pScalar(p: Diag, values: Record<string, Float32Array>): number {
  return typeof p === 'number' ? p : values.p ? values.p[0] : NaN;
}

/** One central-flow table row from a recorded step (host only; columns in centralFlow's doc). */
export function centralRow(step: number, r: StepRow, rule: Rule, dim: number, wantDirections: boolean): { row: Record<string, number>; directions: Float32Array[] } {
  const { values: v, eigs, crit, X, hu, pScalar } = r;
  const loss = v.loss[0];
  const gns = v.gradNormSq[0];
  const row: Record<string, number> = { step, loss, gradNormSq: gns, nTracked: eigs.length, nCritical: crit };
  eigs.forEach((e, i) => {
    row[`eig_${i + 1}`] = e;
    if (rule.kind !== 'rmsprop') row[`eigRaw_${i + 1}`] = e * pScalar;
  });
  const kk = X.length ? crit : 0;
  let corrLoss = 0;
  let corrGrad = 0;
  for (let i = 0; i < kk; i++) {
    corrLoss += 0.5 * eigs[i] * X[i * kk + i];
    for (let j = 0; j < kk; j++) corrGrad += X[i * kk + j] * hu[i * kk + j];
  }
  row.lossPredicted = loss + corrLoss;
  row.gradNormSqPredicted = gns + corrGrad;
  const sig = sigmaDirections(v.sigma ?? null, kk ? X : new Float64Array(crit * crit), crit, dim, wantDirections);
  sig.x.forEach((x, i) => { row[`X_${i + 1}`] = x; });
  sig.sigma2.forEach((x, i) => { row[`sigma2_${i + 1}`] = x; });
  row.sdcpResidual = r.residual;
  for (const key of ['nu', 'nuMean', 'nuMin', 'nuMax']) if (v[key]) row[key] = v[key][0];
  if (rule.kind === 'scalarRmsprop') row.lrOverSqrtNu = 1 / pScalar;
  return { row, directions: sig.directions };
}
