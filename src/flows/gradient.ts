/**
 * Gradient flow dw/dt = −η∇L(w) in units of optimizer steps (time t ↔ GD step t), integrated with
 * classical RK4. As in the edge-of-stability code (Cohen et al. 2021, arXiv:2103.00065), the step
 * adapts to the sharpness S: substeps per unit time = max(substeps, ⌈2ηS⌉) (RK4 is stable for
 * hηS < 2.78; 2ηS keeps hηS ≤ ½ so the discretisation error stays tiny). S is re-estimated
 * every `eigEvery` steps by warm-started LOBPCG.
 * Tensor reads: the eigen solves' own, and one packed read per recorded step (loss, ‖∇L‖², the
 * copy/projection of w); the RK4 substeps read nothing.
 */
import { tf } from '../tensor/tf.js';
import type { Problem, Tensor1D } from '../tensor/types.js';
import { InterruptError, interruptRequested } from '../runtime/index.js';
import { topEigenpairs } from '../landscape/index.js';
import { RunRecorder, progressReporter, yielder, type RecordOptions } from './record.js';
import { startingPoint } from './point.js';
import { Packet } from './packet.js';
import type { FlowResult } from './central.js';

/** Options of gradientFlow (defaults in brackets). */
export interface GradientFlowOptions {
  /** η: time is measured in GD steps of this learning rate (required). */
  lr: number;
  /** Steps to integrate (required). */
  steps: number;
  /** Minimum RK4 substeps per step [4]. */
  substeps?: number;
  /** Re-estimate the sharpness (adaptive substeps, column `sharpness`) every this many steps [1]; 0 = never (fixed substeps). */
  eigEvery?: number;
  record?: RecordOptions;
}

/**
 * One classical RK4 step of dw/dt = −η∇L with time step h (in optimizer steps); returns a new
 * tensor and disposes nothing it was given.
 * @example const w1 = rk4Step(P, w0, 0.02, 0.25);
 */
export function rk4Step(P: Problem, w: Tensor1D, lr: number, h: number): Tensor1D {
  return tf.tidy(() => {
    const f = (x: Tensor1D) => tf.mul(P.grad(x), -lr) as Tensor1D;
    const k1 = f(w);
    const k2 = f(tf.add(w, tf.mul(k1, h / 2)) as Tensor1D);
    const k3 = f(tf.add(w, tf.mul(k2, h / 2)) as Tensor1D);
    const k4 = f(tf.add(w, tf.mul(k3, h)) as Tensor1D);
    return tf.add(w, tf.mul(tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]), h / 6)) as Tensor1D;
  });
}

/**
 * Integrates gradient flow from w0 for `steps` GD-steps of time (module doc). Columns: step, loss,
 * gradNormSq, substeps, and sharpness (raw top Hessian eigenvalue) with eig_1 = η·sharpness when
 * estimated.
 * @example
 * const gf = await fl.flows.gradientFlow(P, w0, { lr: 0.02, steps: 500, record: { w: true } });
 * gf.ws[10]; gf.w.dispose();   // host snapshots; the final w is a tensor the result owns
 */
export async function gradientFlow(P: Problem, w0: Tensor1D | Float32Array | number[], { lr, steps, substeps = 4, eigEvery = 1, record = {} }: GradientFlowOptions): Promise<FlowResult> {
  if (!(lr > 0)) throw new Error(`gradientFlow: lr must be > 0, got ${lr}.`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`gradientFlow: steps must be a non-negative integer, got ${steps}.`);
  if (!Number.isInteger(substeps) || substeps < 1) throw new Error(`gradientFlow: substeps must be a positive integer, got ${substeps}.`);
  let w = await startingPoint(P, w0, 'gradientFlow'); // webgpu: a non-finite w0 fails here, not steps later
  const rec = new RunRecorder(P.dim, record);
  const times: Record<string, number> = { gradient: 0, eigs: 0 };
  const progress = progressReporter('gradientFlow', steps);
  const pause = yielder();
  let warm: Float32Array[] = [];
  let S = NaN;
  let interrupted = false;
  let status = '';
  try {
    for (let step = 0; step <= steps; step++) {
      if (interruptRequested()) { interrupted = true; break; }
      if (eigEvery > 0 && step % eigEvery === 0) {
        const t0 = performance.now();
        let e;
        try {
          e = await topEigenpairs(P, w, { k: 1, method: warm.length ? 'lobpcg' : 'lanczos', warmStart: warm });
        } catch (err) {
          if (err instanceof InterruptError) { interrupted = true; break; }
          throw err;
        }
        S = e.values[0];
        warm = e.vectors;
        times.eigs += performance.now() - t0;
      }
      const n = Math.max(substeps, Number.isFinite(S) ? Math.ceil(2 * lr * S) : 0);
      if (rec.due(step, steps)) {
        const pk = new Packet();
        try {
          const { loss, grad } = P.lossAndGrad(w);
          pk.put('loss', loss);
          pk.put('gradNormSq', tf.tidy(() => tf.sum(tf.square(grad))));
          grad.dispose();
          rec.put(pk, w);
          const v = await pk.read();
          const row: Record<string, number> = { step, loss: v.loss[0], gradNormSq: v.gradNormSq[0], substeps: n };
          if (Number.isFinite(S)) { row.sharpness = S; row.eig_1 = lr * S; }
          rec.add(row, v);
          status = `loss ${row.loss.toPrecision(5)}`;
        } finally {
          pk.dispose();
        }
      }
      progress(Math.min(step + 1, steps), status, step === steps);
      if (step === steps) break;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const next = rk4Step(P, w, lr, 1 / n);
        w.dispose();
        w = next;
      }
      times.gradient += performance.now() - t0;
      await pause();
    }
  } catch (e) {
    w.dispose();
    throw e;
  } finally {
    rec.dispose();
  }
  return { table: rec.table(), w, ws: record.w ? rec.ws : undefined, interrupted, times };
}
