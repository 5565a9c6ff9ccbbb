/**
 * The central flow (Cohen, Damian, Talwalkar, Kolter & Lee, "Understanding Optimization in Deep
 * Learning with Central Flows", ICLR 2025, arXiv:2410.24206): the ODE followed by the time-average
 * of GD, scalar RMSProp or RMSProp at the edge of stability,
 *     dw/dt = −P⁻¹[∇L(w) + ½∇_w⟨H(w), Σ⟩],   Σ = U X Uᵀ,  0 ⪯ X ⟂ Uᵀ(2P − H)U ⪰ 0 (to first order in dt),
 * discretised as the official code does: `substeps` Euler substeps per optimizer step, critical
 * effective eigenpairs (λ > threshold) from a warm-started tracker re-solved once every `eigEvery`
 * steps (Rayleigh quotients of the cached vectors in between), X from the SDCP of each substep,
 * a stable-flow substep when nothing is critical. One step is CentralStepper's (step.ts): each
 * substep costs one shared derivative pass (loss, ∇L, Rayleigh quotients and the curvature
 * gradients together, Problem.curvatureGradBatch) besides the solve of substep 0.
 *
 * Tensor reads (src/tensor/read.ts): per step, the eigen solve's own reads, and one packed read
 * per substep that has a derivative pass (the Rayleigh quotients and the SDCP's small matrices; a
 * second one only on a substep where a direction crosses the threshold). A recorded row adds
 * nothing: its values (loss, ‖∇L‖², ν statistics, Σ's inputs, the copy/projection of w) ride along
 * with the substep's read, or form the step's one read when nothing is critical.
 */
import type { Problem, Tensor1D } from '../tensor/types.js';
import { InterruptError, interruptRequested } from '../runtime/index.js';
import { makeRule, type FlowOptimizer, type FlowState, type Rule, type RuleOptions } from './rules.js';
import { CentralStepper } from './step.js';
import { centralRow, type StepRow } from './row.js';
import { RunRecorder, progressReporter, yielder, type RecordOptions } from './record.js';
import { startingPoint } from './point.js';

/** Options of centralFlow (defaults in brackets). */
export interface CentralFlowOptions extends RuleOptions {
  /** ['gd'] */
  optimizer?: FlowOptimizer;
  /** Optimizer steps to integrate (required). */
  steps: number;
  /** Euler substeps per step [4]. */
  substeps?: number;
  /** Re-solve the eigenproblem every this many steps [1]. */
  eigEvery?: number;
  /** Effective eigenvalues above this enter the SDCP [1.95]. */
  threshold?: number;
  /** Track every effective eigenvalue above this [1.5]. */
  trackThreshold?: number;
  /** Eigen-solver relative tolerance [1e-5]. */
  eigTol?: number;
  /** Seed of the eigen-solver's random start vectors [0]. */
  seed?: number;
  record?: RecordOptions;
}

/**
 * What every flow returns. One rule for tensors in results (as `run.w` of fl.train): `w` is a
 * Tensor1D the result owns — dispose it when done (`flow.w.dispose()`), read it with
 * `await fl.read(flow.w)`. Everything else is host data (numbers, Float32Arrays): nothing to dispose.
 */
export interface FlowResult {
  /** One row per recorded step (see the function docs for the columns). */
  table: import('arquero').ColumnTable;
  /** Final weights: a Tensor1D owned by the result (the caller disposes it). */
  w: Tensor1D;
  /** Snapshots of w per table row when record.w (host copies, Float32Array). */
  ws?: Float32Array[];
  /** Unit directions of Σ per table row when record.directions (central flow only; host, Float32Array). */
  directions?: Float32Array[][];
  /** True when stopped early by a kernel interrupt (the table holds what was recorded). */
  interrupted: boolean;
  /**
   * Milliseconds spent per part (wall time of the calls; on webgpu the work is queued and lands in
   * the part that next reads). centralFlow: eigs (solves), derivatives (the shared passes), sdcp,
   * update; the other flows: gradient, eigs, and their own parts.
   */
  times: Record<string, number>;
}

/**
 * Integrates the central flow of `optimizer` from w0 for `steps` optimizer steps (async; module doc).
 * Columns: step, loss, gradNormSq, lossPredicted (L + ½Σλᵢ Xᵢᵢ = L + tr(Σ)/η for GD at λ = 2),
 * gradNormSqPredicted (‖∇L‖² + tr(HΣH)), nTracked, nCritical, eig_i (effective: η·λ for GD,
 * λ/P for scalar RMSProp, of P⁻¹H for RMSProp), eigRaw_i (raw Hessian eigenvalues; not for rmsprop),
 * X_i (eigenvalues of X, P-normalised units), sigma2_i (eigenvalues of Σ in weight space),
 * sdcpResidual, and nu, lrOverSqrtNu (scalar RMSProp) or nuMean/nuMin/nuMax (RMSProp).
 * @example
 * const flow = await fl.flows.centralFlow(P, w0, { optimizer: 'gd', lr: 0.02, steps: 1000 });
 * flow.table.print();
 * const w = await fl.read(flow.w); flow.w.dispose(); // the result owns its final w
 */
export async function centralFlow(P: Problem, w0: Tensor1D | Float32Array | number[], opts: CentralFlowOptions): Promise<FlowResult> {
  const { optimizer = 'gd', steps, substeps = 4, eigEvery = 1, threshold = 1.95, trackThreshold = 1.5, eigTol = 1e-5, seed = 0, record = {} } = opts;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`centralFlow: steps must be a non-negative integer, got ${steps}.`);
  if (!Number.isInteger(substeps) || substeps < 1) throw new Error(`centralFlow: substeps must be a positive integer, got ${substeps} (the official code uses 4).`);
  if (!Number.isInteger(eigEvery) || eigEvery < 1) throw new Error(`centralFlow: eigEvery must be a positive integer, got ${eigEvery}.`);
  if (!(trackThreshold <= threshold)) throw new Error(`centralFlow: trackThreshold (${trackThreshold}) must not exceed threshold (${threshold}), or critical eigenvalues could go untracked.`);
  const rule = makeRule(optimizer, opts);
  const w = await startingPoint(P, w0, 'centralFlow'); // webgpu: a non-finite w0 fails here, not steps later
  const rec = new RunRecorder(P.dim, record);
  const wantDirections = !!record.directions;
  const directions: Float32Array[][] = [];
  const stepper = new CentralStepper(P, rule, w, { substeps, eigEvery, threshold, trackThreshold, eigTol, seed, wantDirections });
  const progress = progressReporter('centralFlow', steps);
  const pause = yielder();
  let interrupted = false;
  let status = '';
  try {
    for (let step = 0; step <= steps; step++) {
      if (interruptRequested()) { interrupted = true; break; }
      let r: StepRow | null;
      try {
        r = await stepper.step(rec.due(step, steps) ? (pk, wt) => rec.put(pk, wt) : null, step === steps);
      } catch (e) {
        // the eigensolver checks for interrupts too: stop cleanly, keeping the recorded rows
        if (e instanceof InterruptError) { interrupted = true; break; }
        throw e;
      }
      if (r) {
        const row = centralRow(step, r, rule, P.dim, wantDirections);
        if (wantDirections) directions.push(row.directions);
        rec.add(row.row, r.values);
        status = `loss ${row.row.loss.toPrecision(5)}  eig_1 ${r.eigs[0]?.toPrecision(4)}  critical ${r.crit}`;
      }
      progress(Math.min(step + 1, steps), status, step === steps);
      await pause();
    }
  } catch (e) {
    stepper.w.dispose();
    throw e;
  } finally {
    stepper.dispose();
    rec.dispose();
  }
  if (interrupted) progress(rec.rows.length ? rec.rows[rec.rows.length - 1].step : 0, `${status}  (interrupted)`, true);
  const times = { ...stepper.times };
  return { table: rec.table(), w: stepper.w, ws: record.w ? rec.ws : undefined, directions: wantDirections ? directions : undefined, interrupted, times };
}

/** The rule's state after the first update at w (as the official code starts its flows). */
export function initState(P: Problem, rule: Rule, w: Tensor1D): FlowState {
  const g = P.grad(w);
  const st = rule.init(g);
  g.dispose();
  return st;
}
