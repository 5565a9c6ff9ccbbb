/**
 * The central flow (Cohen, Damian, Talwalkar, Kolter & Lee, "Understanding Optimization in Deep
 * Learning with Central Flows", ICLR 2025, arXiv:2410.24206): the ODE followed by the time-average
 * of GD, scalar RMSProp or RMSProp at the edge of stability,
 *     dw/dt = −P⁻¹[∇L(w) + ½∇_w⟨H(w), Σ⟩],   Σ = U X Uᵀ,  0 ⪯ X ⟂ Uᵀ(2P − H)U ⪰ 0 (to first order in dt),
 * discretised as the official code does: `substeps` Euler substeps per optimizer step, critical
 * effective eigenpairs (λ > threshold) from a warm-started tracker re-solved once every `eigEvery`
 * steps (Rayleigh quotients of the cached vectors in between), X from the SDCP of each substep,
 * a stable-flow substep when nothing is critical.
 */
import { tf } from '../tensor/tf.js';
import { readTidy } from './point.js';
import type { Problem, Tensor1D, Tensor2D } from '../tensor/types.js';
import { InterruptError, interruptRequested } from '../runtime/index.js';
import { makeRule, disposeDiag, nuStats, type FlowOptimizer, type FlowState, type RuleOptions } from './rules.js';
import { FlowEigTracker, rayleighRefresh, type TrackedEigs } from './tracker.js';
import { centralSubstep, stableSubstep } from './substep.js';
import { RunRecorder, progressReporter, yielder, type RecordOptions } from './record.js';
import { sigmaDirections } from './sigma.js';
import { toTensor1D } from './point.js';

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

/** What every flow returns. */
export interface FlowResult {
  /** One row per recorded step (see the function docs for the columns). */
  table: import('arquero').ColumnTable;
  /** Final weights (a copy; Float32Array, so nothing to dispose). */
  w: Float32Array;
  /** Snapshots of w per table row when record.w. */
  ws?: Float32Array[];
  /** Unit directions of Σ per table row when record.directions (central flow only). */
  directions?: Float32Array[][];
  /** True when stopped early by a kernel interrupt (the table holds what was recorded). */
  interrupted: boolean;
  /** Milliseconds spent per part. */
  times: Record<string, number>;
}

/**
 * Integrates the central flow of `optimizer` from w0 for `steps` optimizer steps (module doc).
 * Columns: step, loss, gradNormSq, lossPredicted (L + ½Σλᵢ Xᵢᵢ = L + tr(Σ)/η for GD at λ = 2),
 * gradNormSqPredicted (‖∇L‖² + tr(HΣH)), nTracked, nCritical, eig_i (effective: η·λ for GD,
 * λ/P for scalar RMSProp, of P⁻¹H for RMSProp), eigRaw_i (raw Hessian eigenvalues; not for rmsprop),
 * X_i (eigenvalues of X, P-normalised units), sigma2_i (eigenvalues of Σ in weight space),
 * sdcpResidual, and nu, lrOverSqrtNu (scalar RMSProp) or nuMean/nuMin/nuMax (RMSProp).
 * @example
 * const flow = await fl.flows.centralFlow(P, w0, { optimizer: 'gd', lr: 0.02, steps: 1000 });
 * flow.table.print();
 */
export async function centralFlow(P: Problem, w0: Tensor1D | Float32Array | number[], opts: CentralFlowOptions): Promise<FlowResult> {
  const { optimizer = 'gd', steps, substeps = 4, eigEvery = 1, threshold = 1.95, trackThreshold = 1.5, eigTol = 1e-5, seed = 0, record = {} } = opts;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`centralFlow: steps must be a non-negative integer, got ${steps}.`);
  if (!Number.isInteger(substeps) || substeps < 1) throw new Error(`centralFlow: substeps must be a positive integer, got ${substeps} (the official code uses 4).`);
  if (!Number.isInteger(eigEvery) || eigEvery < 1) throw new Error(`centralFlow: eigEvery must be a positive integer, got ${eigEvery}.`);
  if (!(trackThreshold <= threshold)) throw new Error(`centralFlow: trackThreshold (${trackThreshold}) must not exceed threshold (${threshold}), or critical eigenvalues could go untracked.`);
  const rule = makeRule(optimizer, opts);
  const dt = 1 / substeps;
  let w = toTensor1D(P, w0, 'centralFlow');
  const rec = new RunRecorder(P.dim, record);
  const directions: Float32Array[][] = [];
  const tracker = new FlowEigTracker(P, { threshold: trackThreshold, tol: eigTol, seed });
  const times: Record<string, number> = { gradient: 0, eigs: 0, curvatureGrad: 0, sdcp: 0, update: 0 };
  const progress = progressReporter('centralFlow');
  const pause = yielder();
  let s: FlowState = (() => { const g = P.grad(w); const st = rule.init(g); g.dispose(); return st; })();
  let cache: TrackedEigs | null = null;
  let interrupted = false;
  try {
    for (let step = 0; step <= steps; step++) {
      if (interruptRequested()) { interrupted = true; break; }
      for (let sub = 0; sub < substeps; sub++) {
        let t0 = performance.now();
        const { loss, grad } = P.lossAndGrad(w);
        times.gradient += performance.now() - t0;
        t0 = performance.now();
        const p = rule.precond(s);
        const pis = typeof p === 'number' ? 1 / Math.sqrt(p) : tf.tidy(() => tf.rsqrt(p)) as Tensor1D;
        let fresh: TrackedEigs;
        try {
          fresh = sub === 0 && step % eigEvery === 0 ? await tracker.update(w, p) : rayleighRefresh(P, w, pis, cache!.symU);
        } catch (e) {
          // the eigensolver checks for interrupts too: stop cleanly, keeping the recorded rows
          tf.dispose([loss, grad]);
          if (typeof pis !== 'number') pis.dispose();
          disposeDiag(p);
          if (e instanceof InterruptError) { interrupted = true; break; }
          throw e;
        }
        if (cache) cache.symU.dispose();
        cache = fresh;
        const crit = fresh.values.filter((v) => v > threshold).length;
        const U = crit > 0 ? tf.tidy(() => tf.mul(fresh.symU.slice([0, 0], [crit, -1]), pis)) as Tensor2D : null;
        times.eigs += performance.now() - t0;
        const recordNow = sub === 0 && rec.due(step, steps);
        const last = step === steps;
        let X = new Float64Array(0);
        let hu = new Float64Array(0);
        let residual = NaN;
        const wBefore = recordNow ? w.clone() : null;
        const lossV = recordNow ? (loss.dataSync()[0]) : NaN;
        const gns = recordNow ? readTidy(() => tf.sum(tf.square(grad)))[0] : NaN;
        const stats = recordNow ? nuStats(s) : {};
        const pScalar = typeof p === 'number' ? p : NaN;
        {
          if (U) {
            const r = centralSubstep(P, rule, w, s, grad, fresh.values.slice(0, crit), U, dt);
            w = r.w; s = r.s; X = r.X; hu = r.hu; residual = r.residual?.relative ?? NaN;
            times.curvatureGrad += r.times.curvatureGrad; times.sdcp += r.times.sdcp; times.update += r.times.update;
          } else {
            const t1 = performance.now();
            ({ w, s } = stableSubstep(rule, w, s, grad, dt));
            times.update += performance.now() - t1;
          }
        }
        if (recordNow && wBefore) {
          const row: Record<string, number> = { step, loss: lossV, gradNormSq: gns, nTracked: fresh.values.length, nCritical: crit };
          fresh.values.forEach((v, i) => {
            row[`eig_${i + 1}`] = v;
            if (rule.kind !== 'rmsprop') row[`eigRaw_${i + 1}`] = v * pScalar;
          });
          let corrLoss = 0;
          let corrGrad = 0;
          const kk = X.length ? crit : 0;
          for (let i = 0; i < kk; i++) {
            corrLoss += 0.5 * fresh.values[i] * X[i * kk + i];
            for (let j = 0; j < kk; j++) corrGrad += X[i * kk + j] * hu[i * kk + j];
          }
          row.lossPredicted = lossV + corrLoss;
          row.gradNormSqPredicted = gns + corrGrad;
          const sig = sigmaDirections(U, kk ? X : new Float64Array(crit * crit), crit, !!record.directions, fresh.symU, pis);
          sig.x.forEach((v, i) => { row[`X_${i + 1}`] = v; });
          sig.sigma2.forEach((v, i) => { row[`sigma2_${i + 1}`] = v; });
          if (record.directions) directions.push(sig.directions);
          row.sdcpResidual = residual;
          Object.assign(row, stats);
          if (rule.kind === 'scalarRmsprop') row.lrOverSqrtNu = 1 / pScalar;
          rec.add(row, wBefore);
          progress(`step ${step}/${steps}  loss ${lossV.toPrecision(5)}  eig_1 ${fresh.values[0]?.toPrecision(4)}  critical ${crit}`, last);
        }
        if (last && wBefore) { w.dispose(); w = wBefore.clone(); } // the final row only needs X
        wBefore?.dispose();
        tf.dispose([loss, grad]);
        U?.dispose();
        if (typeof pis !== 'number') pis.dispose();
        disposeDiag(p);
        if (last) break;
      }
      if (interrupted) break;
      await pause();
    }
  } finally {
    cache?.symU.dispose();
  }
  const wOut = Float32Array.from(w.dataSync() as Float32Array);
  w.dispose();
  disposeDiag(s.nu);
  const table = rec.table();
  rec.dispose();
  return { table, w: wOut, ws: record.w ? rec.ws : undefined, directions: record.directions ? directions : undefined, interrupted, times };
}
