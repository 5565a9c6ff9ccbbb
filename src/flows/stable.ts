/**
 * The stable flow of an optimizer w ← w − P(s)⁻¹∇L: dw/dt = −P⁻¹∇L, ds/dt = (update(s, ∇L) − s)/β₂
 * (for GD, gradient flow). It is what the optimizer would follow if it never became unstable, and
 * what the central flow reduces to when no effective eigenvalue is critical. Discretised as in the
 * official code (Cohen, Damian et al. 2025, arXiv:2410.24206, StableFlow): Euler with
 * max(minSubsteps, ⌈2·S_eff⌉) substeps per step, S_eff the top eigenvalue of P⁻¹H measured at the
 * start of each step (by warm-started LOBPCG), stopping when S_eff exceeds `maxSharpness`.
 * Tensor reads: per step one packed read (P's diagonal for the eigensolver unless P = I/η, and the
 * row's values when the step is recorded) plus the eigen solve's own; the substeps read nothing.
 */
import type { Problem, Tensor1D } from '../tensor/types.js';
import { tf } from '../tensor/tf.js';
import { InterruptError, interruptRequested } from '../runtime/index.js';
import { topEigenpairs } from '../landscape/index.js';
import { disposeDiag, makeRule, nuStats, type FlowOptimizer, type FlowState, type RuleOptions } from './rules.js';
import { stableSubstep } from './substep.js';
import { RunRecorder, progressReporter, yielder, type RecordOptions } from './record.js';
import { startingPoint } from './point.js';
import { Packet } from './packet.js';
import { initState, type FlowResult } from './central.js';

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
 * sf.w.dispose();
 */
export async function stableFlow(P: Problem, w0: Tensor1D | Float32Array | number[], opts: StableFlowOptions): Promise<FlowResult & { stopped: boolean }> {
  const { optimizer = 'gd', steps, minSubsteps = 4, maxSharpness = 100, record = {} } = opts;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`stableFlow: steps must be a non-negative integer, got ${steps}.`);
  const rule = makeRule(optimizer, opts);
  let w = await startingPoint(P, w0, 'stableFlow'); // webgpu: a non-finite w0 fails here, not steps later
  const rec = new RunRecorder(P.dim, record);
  const times: Record<string, number> = { gradient: 0, eigs: 0 };
  const progress = progressReporter('stableFlow', steps);
  const pause = yielder();
  let s: FlowState = initState(P, rule, w);
  let warm: Float32Array[] = [];
  let interrupted = false;
  let stopped = false;
  let status = '';
  /** The row tensors at the current (w, s), put into pk. */
  const putRow = (pk: Packet) => {
    const { loss, grad } = P.lossAndGrad(w);
    pk.put('loss', loss);
    pk.put('gradNormSq', tf.tidy(() => tf.sum(tf.square(grad))));
    grad.dispose();
    for (const [name, t] of nuStats(s)) pk.put(name, t);
    rec.put(pk, w);
  };
  try {
    for (let step = 0; step <= steps; step++) {
      if (interruptRequested()) { interrupted = true; break; }
      let t0 = performance.now();
      const p = rule.precond(s);
      const due = rec.due(step, steps);
      const pk = new Packet();
      let v: Record<string, Float32Array>;
      let pArr: Float32Array;
      try {
        if (typeof p !== 'number') pk.put('p', tf.clone(p));
        if (due) putRow(pk);
        v = await pk.read();
        pArr = typeof p === 'number' ? new Float32Array(P.dim).fill(p) : v.p.length === 1 ? new Float32Array(P.dim).fill(v.p[0]) : Float32Array.from(v.p);
      } finally {
        pk.dispose();
        disposeDiag(p);
      }
      let e;
      try {
        e = await topEigenpairs(P, w, { k: 1, method: warm.length ? 'lobpcg' : 'lanczos', warmStart: warm, preconditioner: pArr });
      } catch (err) {
        if (err instanceof InterruptError) { interrupted = true; break; }
        throw err;
      }
      warm = e.vectors;
      const sEff = e.values[0];
      times.eigs += performance.now() - t0;
      const n = Math.max(minSubsteps, Math.ceil(2 * sEff));
      if (!due && sEff > maxSharpness) {
        // the row where the flow stops (rare: one more read)
        const extra = new Packet();
        try {
          putRow(extra);
          v = { ...v, ...(await extra.read()) };
        } finally {
          extra.dispose();
        }
      }
      if (due || sEff > maxSharpness) {
        const row: Record<string, number> = { step, loss: v.loss[0], gradNormSq: v.gradNormSq[0], eig_1: sEff, substeps: n };
        for (const key of ['nu', 'nuMean', 'nuMin', 'nuMax']) if (v[key]) row[key] = v[key][0];
        if (rule.kind === 'scalarRmsprop') row.lrOverSqrtNu = 1 / pArr[0];
        rec.add(row, v);
        status = `loss ${row.loss.toPrecision(5)}  S_eff ${sEff.toPrecision(4)}`;
      }
      if (sEff > maxSharpness) { stopped = true; progress(step, `${status}  (stopped: S_eff > ${maxSharpness})`, true); break; }
      progress(Math.min(step + 1, steps), status, step === steps);
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
  } catch (e) {
    w.dispose();
    disposeDiag(s.nu);
    throw e;
  } finally {
    rec.dispose();
  }
  disposeDiag(s.nu);
  return { table: rec.table(), w, ws: record.w ? rec.ws : undefined, interrupted, stopped, times };
}
