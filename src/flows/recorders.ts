/**
 * Recorders that make `fl.train` record what the central-flow comparison needs for the REAL
 * optimizer (GD = sgd, scalarRmsprop, rmsprop): snapshots of w_t and the top effective eigenvalues
 * of P⁻¹H with P the optimizer's own preconditioner at step t (Cohen, Damian et al. 2025,
 * arXiv:2410.24206). They plug into train()'s `recorders` option; they are typed structurally so
 * that src/flows does not depend on src/lab. Their `record` is async (train() awaits it): each
 * reads what it needs once per recorded step.
 */
import type { Problem, Tensor, Tensor1D } from '../tensor/types.js';
import { tf } from '../tensor/tf.js';
import { read } from '../tensor/read.js';
import { topEigenpairs } from '../landscape/index.js';

/** The part of train()'s step context these recorders read (w_t, the state after the update). */
export interface TrainStepLike {
  step: number;
  problem: Problem;
  w: Tensor1D;
  state: unknown;
  optimizer: { name?: string; hyperparams?: Record<string, unknown> };
  lr: number;
}

/** A train() recorder (structurally the same as src/lab's Recorder). */
export interface FlowRecorder {
  name: string;
  every?: number;
  record(ctx: TrainStepLike): Promise<number | Record<string, number>>;
}

/**
 * The diagonal (or scalar) of the optimizer's preconditioner P_t, so that w_{t+1} = w_t − P_t⁻¹∇L:
 * sgd 1/η; scalarRmsprop (√ν̂ + ε)/η; rmsprop diag(√ν̂ + ε)/η (ν̂ bias-corrected when configured).
 * Async (ν may live on the device: one read); resolves to null for other optimizers.
 * @example const p = await fl.flows.optimizerPreconditioner(ctx);
 */
export async function optimizerPreconditioner(ctx: TrainStepLike): Promise<number | Float32Array | null> {
  const h = (ctx.optimizer.hyperparams ?? {}) as { b2?: number; eps?: number; biasCorrection?: boolean };
  const lr = ctx.lr;
  const name = ctx.optimizer.name ?? '';
  if (!(lr > 0)) return null;
  if (name === 'sgd') return 1 / lr;
  const st = ctx.state as { count?: number; nu?: unknown; leaves?: Record<string, { nu?: Tensor }> };
  const count = st.count ?? 0;
  const corr = h.biasCorrection ? 1 - Math.pow(h.b2 ?? 0.99, Math.max(count, 1)) : 1;
  const eps = h.eps ?? 0;
  const precond = async (nu: Tensor) => {
    const t = tf.tidy(() => tf.div(tf.add(tf.sqrt(tf.div(nu, corr)), eps), lr));
    try {
      return await read(t);
    } finally {
      t.dispose();
    }
  };
  if (name === 'scalarRmsprop') {
    // ν a number (host) or a scalar tensor (device), whichever the optimizer keeps
    if (typeof st.nu === 'number') return (Math.sqrt(st.nu / corr) + eps) / lr;
    if (st.nu instanceof tf.Tensor) return (await precond(st.nu))[0];
  }
  const nu = st.leaves?._?.nu;
  if (name === 'rmsprop' && nu instanceof tf.Tensor) return precond(nu);
  return null;
}

/**
 * Keeps a copy of w_t every `every` steps in `snapshots` (adds no column). The snapshots are host
 * data (Float32Array, one read of w_t per recorded step): nothing to dispose, and they cost
 * 4·dim bytes each in JS memory.
 * @example const snap = fl.flows.snapshotRecorder(); await fl.train(P, opt, { w0, steps, recorders: [snap] }); snap.snapshots.get(10)
 */
export function snapshotRecorder({ every = 1 } = {}): FlowRecorder & { snapshots: Map<number, Float32Array> } {
  const snapshots = new Map<number, Float32Array>();
  return {
    name: 'snapshot', every, snapshots,
    async record(ctx) {
      snapshots.set(ctx.step, Float32Array.from(await read(ctx.w)));
      return {};
    },
  };
}

/**
 * Top-k effective eigenvalues λᵢ(P_t⁻¹H(w_t)) (EoS at 2), warm-started LOBPCG. Columns eig_1..eig_k,
 * plus eigRaw_1..eigRaw_k (raw Hessian) for sgd and scalarRmsprop. Async record (the solver reads).
 * @example await fl.train(P, fl.optim.sgd({ lr: 0.05 }), { w0, steps, recorders: [effectiveEigsRecorder({ k: 2 })] })
 */
export function effectiveEigsRecorder({ every = 1, k = 1, tol = 1e-5 } = {}): FlowRecorder {
  let warm: Float32Array[] = [];
  return {
    name: 'effectiveEigs', every,
    async record(ctx) {
      const p = await optimizerPreconditioner(ctx);
      if (p === null) throw new Error(`effectiveEigsRecorder: optimizer '${ctx.optimizer.name}' is not sgd, scalarRmsprop or rmsprop; use landscape.topEigenpairs with your own preconditioner.`);
      const pre = typeof p === 'number' ? undefined : p;
      const e = await topEigenpairs(ctx.problem, ctx.w, { k, tol, method: warm.length === k ? 'lobpcg' : 'lanczos', warmStart: warm, preconditioner: pre });
      warm = e.vectors;
      const row: Record<string, number> = {};
      e.values.forEach((v, i) => {
        if (typeof p === 'number') { row[`eig_${i + 1}`] = v / p; row[`eigRaw_${i + 1}`] = v; } else row[`eig_${i + 1}`] = v;
      });
      return row;
    },
  };
}

/**
 * Everything compareFlows needs from a train() run: w snapshots and (k > 0) effective eigenvalues.
 * @example
 * const rec = flowRecorders({ eigs: 2 });
 * const run = await fl.train(P, fl.optim.sgd({ lr }), { w0, steps, recorders: rec.recorders });
 * fl.flows.compareFlows({ optimizerRun: { table: run.table, snapshots: rec.snapshots }, centralFlow: cf, lr });
 */
export function flowRecorders({ every = 1, eigs = 1 } = {}): { recorders: FlowRecorder[]; snapshots: Map<number, Float32Array> } {
  const snap = snapshotRecorder({ every });
  const recorders: FlowRecorder[] = [snap];
  if (eigs > 0) recorders.push(effectiveEigsRecorder({ every, k: eigs }));
  return { recorders, snapshots: snap.snapshots };
}
