/**
 * The stable flow of an optimizer w ← w − P(s)⁻¹∇L: dw/dt = −P⁻¹∇L, ds/dt = (update(s, ∇L) − s)/β₂
 * (for GD, gradient flow). It is what the optimizer would follow if it never became unstable, and
 * what the central flow reduces to when no effective eigenvalue is critical. Discretised as in the
 * official code (Cohen, Damian et al. 2025, arXiv:2410.24206, StableFlow): Euler with
 * max(minSubsteps, ⌈2·S_eff⌉) substeps per step, S_eff the top eigenvalue of P⁻¹H measured at the
 * start of each step (by warm-started LOBPCG), stopping when S_eff exceeds `maxSharpness`.
 */
import type { Problem, Tensor1D } from '../tensor/types.js';
import { tf } from '../tensor/tf.js';
import { InterruptError, interruptRequested } from '../runtime/index.js';
import { topEigenpairs } from '../landscape/index.js';
import { disposeDiag, makeRule, nuStats, type FlowOptimizer, type FlowState, type RuleOptions } from './rules.js';
import { stableSubstep } from './substep.js';
import { RunRecorder, progressReporter, yielder, type RecordOptions } from './record.js';
import { readTidy, toTensor1D } from './point.js';
import type { FlowResult } from './central.js';

/** Options of stableFlow (defaults in brackets). */
export interface StableFlowOptions extends RuleOptions {
  /** ['gd'] */
  optimizer?: FlowOptimizer;
  steps: number;
  /** Minimum Euler substeps per step [4]. */
  minSubsteps?: number;
  /** Stop (mark `stopped`) when the effective sharpness exceeds this [100]. */
  maxSharpness?: number;
  record?: RecordOptions;
}

/**
 * Integrates the stable flow of `optimizer` (module doc). Columns: step, loss, gradNormSq, eig_1
 * (effective sharpness), substeps, and nu, lrOverSqrtNu (scalar RMSProp) or nuMean/nuMin/nuMax.
 * @example
 * const sf = await fl.flows.stableFlow(P, w0, { optimizer: 'scalarRmsprop', lr: 0.01, b2: 0.99, steps: 300 });
 */
export async function stableFlow(P: Problem, w0: Tensor1D | Float32Array | number[], opts: StableFlowOptions): Promise<FlowResult & { stopped: boolean }> {
  const { optimizer = 'gd', steps, minSubsteps = 4, maxSharpness = 100, record = {} } = opts;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`stableFlow: steps must be a non-negative integer, got ${steps}.`);
  const rule = makeRule(optimizer, opts);
  let w = toTensor1D(P, w0, 'stableFlow');
  const rec = new RunRecorder(P.dim, record);
  const times: Record<string, number> = { gradient: 0, eigs: 0 };
  const progress = progressReporter('stableFlow');
  const pause = yielder();
  let s: FlowState = (() => { const g = P.grad(w); const st = rule.init(g); g.dispose(); return st; })();
  let warm: Float32Array[] = [];
  let interrupted = false;
  let stopped = false;
  for (let step = 0; step <= steps; step++) {
    if (interruptRequested()) { interrupted = true; break; }
    let t0 = performance.now();
    const p = rule.precond(s);
    const pArr = typeof p === 'number' ? new Float32Array(P.dim).fill(p) : Float32Array.from(p.dataSync() as Float32Array);
    let e;
    try {
      e = await topEigenpairs(P, w, { k: 1, method: warm.length ? 'lobpcg' : 'lanczos', warmStart: warm, preconditioner: pArr });
    } catch (err) {
      disposeDiag(p);
      if (err instanceof InterruptError) { interrupted = true; break; }
      throw err;
    }
    warm = e.vectors;
    const sEff = e.values[0];
    times.eigs += performance.now() - t0;
    const n = Math.max(minSubsteps, Math.ceil(2 * sEff));
    if (rec.due(step, steps) || sEff > maxSharpness) {
      const { loss, grad } = P.lossAndGrad(w);
      const row: Record<string, number> = { step, loss: loss.dataSync()[0], gradNormSq: readTidy(() => tf.sum(tf.square(grad)))[0], eig_1: sEff, substeps: n, ...nuStats(s) };
      if (rule.kind === 'scalarRmsprop') row.lrOverSqrtNu = 1 / (p as number);
      tf.dispose([loss, grad]);
      rec.add(row, w);
      progress(`step ${step}/${steps}  loss ${row.loss.toPrecision(5)}  S_eff ${sEff.toPrecision(4)}`, step === steps);
    }
    disposeDiag(p);
    if (sEff > maxSharpness) { stopped = true; break; }
    if (step === steps) break;
    t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const g = P.grad(w);
      ({ w, s } = stableSubstep(rule, w, s, g, 1 / n));
      g.dispose();
    }
    times.gradient += performance.now() - t0;
    await pause();
  }
  const wOut = Float32Array.from(w.dataSync() as Float32Array);
  w.dispose();
  disposeDiag(s.nu);
  const table = rec.table();
  rec.dispose();
  return { table, w: wOut, ws: record.w ? rec.ws : undefined, interrupted, stopped, times };
}
