/**
 * `train(problem, optimizer, options)`: run an optax-style optimizer on a Problem, recording one
 * arquero row per recorded step, with live progress, clean interrupts, divergence detection and
 * checkpoints.
 */
import * as aq from 'arquero';
import { tf } from '../tensor/tf.js';
import type { Problem, Tensor1D } from '../tensor/types.js';
import type { GradientTransformation, OptState } from '../optim/types.js';
import { cloneState, disposeState } from '../optim/state.js';
import { currentLr } from '../optim/combinators.js';
import { interruptRequested } from '../runtime/index.js';
import { readAndDispose, readScalars } from '../tensor/read.js';
import { progress as makeProgress } from './progress.js';
import { saveCheckpoint, loadCheckpoint, type Checkpoint } from './checkpoint.js';
import type { BatchSizeController } from './batch-size.js';
import { minibatches } from './minibatches.js';
import { eigsRecorder, evalRecorder, preconditionedSharpnessRecorder, sharpnessRecorder, type Recorder, type StepContext } from './recorders.js';

/** Intervals (in steps) of the built-in analyses; absent = never. */
export interface Every {
  /** λ_max(H): column `sharpness`. */ sharpness?: number;
  /** Top-k eigenvalues: `{ every, k }` or an interval (k = 3): columns `eig1..eigk`. */ eigs?: number | { every: number; k?: number };
  /** λ_max(P⁻¹H) of RMSProp/Adam: column `preconditionedSharpness`. */ preconditionedSharpness?: number;
  /** Gradient norm: column `gradNorm` (default every recorded row). */ gradNorm?: number;
  /** Loss at the evaluation point of w_t (Schedule-Free's x_t; `evalProblem` if given): column `evalLoss`. */ eval?: number;
}

/** A callback after each step; return 'stop' to end the run early (not an interrupt). */
export type TrainCallback = (ctx: StepContext) => void | 'stop' | Promise<void | 'stop'>;

/** Options of train(). */
export interface TrainOptions {
  /** Initial point (required unless `resume`); not disposed by train. */ w0?: Tensor1D;
  /** Total number of optimizer steps (a resumed run continues up to it). */ steps: number;
  /**
   * Minibatching. A number b: on a problem from `fl.problem.fromModel(model, data, loss, { batch: b })`
   * step t trains on its minibatch t (`problem.sample(t)`: each epoch a fresh permutation, see
   * fromModel); on another problem, `problem.sample(b, { step })` must return the minibatch's Problem.
   * Or a function `(step) => Problem`. Absent: a fromModel problem built with { batch: b } still draws
   * minibatch t at step t, exactly as if `batch: b` were given (it never trains on one fixed
   * minibatch); any other problem is trained as it is (full batch). With `batchSize` the controller
   * draws every step's minibatch instead.
   */
  batch?: number | ((step: number) => Problem);
  /**
   * An adaptive batch size (AdAdaGrad): a controller (`fl.lab.adaptiveBatch(P, ...)`) that draws each
   * step's minibatch and grows it when its test fails; adds the columns `batchSize` (and `batchTest`).
   * Not together with `batch`.
   */
  batchSize?: BatchSizeController;
  /** Built-in analyses. */ every?: Every;
  /** Extra columns. */ recorders?: Recorder[];
  /** Called after every step. */ callbacks?: TrainCallback[];
  /** Record a row every `logEvery` steps (default 1; analysis steps always get a row). */ logEvery?: number;
  /** Save `{ w, state, step }` to `path` every `every` steps and when the run ends. */ checkpoint?: { path: string; every?: number };
  /** Continue from a checkpoint (object or file path). */ resume?: Checkpoint | string;
  /** Problem for `every.eval` (default: the training problem). */ evalProblem?: Problem;
  /** Progress display: true (default), false. */ progress?: boolean;
  /** Label of the progress bar (default the problem name). */ label?: string;
}

/** Result of train(). `w` and `state` belong to the caller (dispose them when done). */
export interface TrainResult {
  table: aq.ColumnTable;
  w: Tensor1D;
  state: OptState;
  /** Number of steps completed (the next step index). */ step: number;
  interrupted: boolean;
  /** Set when the loss (or w) became non-finite: the step it happened at and why. */ diverged?: { step: number; reason: string };
  /** Loss of `problem` at the final w (for a minibatch problem: of its last minibatch; NaN after divergence). */ finalLoss: number;
}

const nextTick = () => new Promise<void>((r) => (typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0)));
const isFiniteError = (e: unknown) => e instanceof Error && /NaN or Inf/.test(e.message);

function checkArgs(problem: Problem, optimizer: GradientTransformation, o: TrainOptions): void {
  if (!problem || typeof problem.lossAndGrad !== 'function') throw new TypeError('train: problem must be a Problem (fl.problem(lossFn, { dim })).');
  if (!optimizer || typeof optimizer.update !== 'function') throw new TypeError('train: optimizer must be a GradientTransformation (e.g. fl.optim.adam()).');
  if (!o || !Number.isInteger(o.steps) || o.steps < 0) throw new RangeError(`train: options.steps must be a non-negative integer, got ${String(o?.steps)}.`);
  if (!o.resume && !o.w0) throw new Error('train: options.w0 is required (the initial Tensor1D) unless options.resume is given.');
  if (o.batch !== undefined && o.batchSize) throw new Error('train: pass either options.batch (a fixed minibatch) or options.batchSize (an adaptive batch-size controller), not both.');
  if (o.batchSize && (typeof o.batchSize.batch !== 'function' || typeof o.batchSize.observe !== 'function')) throw new TypeError('train: options.batchSize must be a batch-size controller (fl.lab.adaptiveBatch(P, { test })).');
  if (o.w0 && (o.w0.rank !== 1 || o.w0.size !== problem.dim)) throw new Error(`train: options.w0 must be a Tensor1D of length problem.dim = ${problem.dim}, got shape [${o.w0.shape}].`);
}

function builtinRecorders(every: Every, evalProblem?: Problem): Recorder[] {
  const r: Recorder[] = [];
  if (every.sharpness) r.push(sharpnessRecorder(every.sharpness));
  if (every.eigs) { const e = typeof every.eigs === 'number' ? { every: every.eigs } : every.eigs; r.push(eigsRecorder(e.every, e.k ?? 3)); }
  if (every.preconditionedSharpness) r.push(preconditionedSharpnessRecorder(every.preconditionedSharpness));
  if (every.eval) r.push(evalRecorder(every.eval, evalProblem));
  return r;
}

/**
 * Trains `problem` with `optimizer` for `steps` steps from `w0` (or a checkpoint); returns the
 * table of recorded rows (columns step, loss, gradNorm, updateNorm, lr, + analyses/recorders).
 * One packed read per step (L(w_t), ‖∇L‖, the previous row's ‖update‖: see src/tensor/read.ts), so it
 * runs on webgpu. Yields to the event loop every ~50 ms (output flows, interrupts arrive), stops cleanly on an
 * interrupt (`interrupted: true`, rows kept) and on a non-finite loss (`diverged`, a warning). An
 * error thrown during the run (a recorder, a callback, the optimizer, a minibatch) propagates
 * unchanged after train has disposed w, the optimizer state and the step's tensors. A fromModel
 * problem built with { batch: b } draws minibatch t at step t even without `options.batch`.
 * @example
 * const run = await train(P, fl.optim.adam({ lr: 1e-3 }), { w0, steps: 1000, every: { sharpness: 10 } });
 * run.table.print(); run.w.dispose(); fl.optim.disposeState(run.state);
 */
export async function train(problem: Problem, optimizer: GradientTransformation, options: TrainOptions): Promise<TrainResult> {
  checkArgs(problem, optimizer, options);
  const minibatch = minibatches(problem, options.batch, !!options.batchSize);
  const { steps, batchSize, every = {}, recorders = [], callbacks = [], logEvery = 1, checkpoint, evalProblem, progress = true } = options;
  const resume = typeof options.resume === 'string' ? loadCheckpoint(options.resume) : options.resume;
  let w: Tensor1D = resume ? tf.clone(resume.w) : tf.clone(options.w0!);
  if (resume && typeof options.resume === 'string') resume.w.dispose();
  let state: OptState;
  try {
    state = resume ? (typeof options.resume === 'string' ? resume.state : cloneState(resume.state)) : optimizer.init(w);
  } catch (e) {
    w.dispose();
    throw e;
  }
  let step = resume ? resume.step : 0;
  const all = [...builtinRecorders(every, evalProblem), ...recorders];
  const gradEvery = every.gradNorm ?? 1;
  const rows: Record<string, number | null>[] = [];
  const bar = progress ? makeProgress(steps, { label: options.label ?? problem.name ?? 'train' }) : null;
  let interrupted = false;
  let diverged: TrainResult['diverged'];
  let lastYield = performance.now();
  const save = async () => { if (checkpoint) await saveCheckpoint(checkpoint.path, { w, state, step }); };
  // ‖update‖ of the last recorded row, read with the next step's packed read (one read per step).
  let pendingUpdateNorm: { row: Record<string, number | null>; norm: tf.Scalar } | null = null;
  const fillUpdateNorm = (value: number | undefined) => {
    if (!pendingUpdateNorm) return;
    pendingUpdateNorm.row.updateNorm = value ?? null;
    pendingUpdateNorm.norm.dispose();
    pendingUpdateNorm = null;
  };
  // The step's tensors, declared here so that an error thrown anywhere in the run (a recorder, a
  // callback, sample, the optimizer, a checkpoint write) disposes what is still alive (dispose is
  // idempotent: the ones the step already freed, or that became w and state, are harmless to repeat).
  let lossT: tf.Scalar | undefined, grad: Tensor1D | undefined, gradNormT: tf.Scalar | null = null;
  let r: Awaited<ReturnType<GradientTransformation['update']>> | undefined, wNext: Tensor1D | undefined;

  try {
    while (step < steps) {
      if (interruptRequested()) { interrupted = true; break; }
      const drawn = batchSize ? batchSize.batch(step) : null;
      const P = drawn ? drawn.problem : minibatch ? minibatch(step) : problem;
      try {
        ({ loss: lossT, grad } = P.lossAndGrad(w));
      } catch (e) {
        if (!isFiniteError(e)) throw e;
        diverged = { step, reason: (e as Error).message };
        break;
      }
      const due = all.filter((rec) => step % (rec.every ?? 1) === 0);
      const recordRow = step % logEvery === 0 || due.length > 0;
      gradNormT = recordRow && step % gradEvery === 0 ? tf.tidy(() => tf.norm(grad!)) as tf.Scalar : null;
      // The step's one read: L(w_t), ‖∇L(w_t)‖ and the previous row's ‖update‖ (plus queued finite checks).
      let values: number[];
      try {
        values = await readScalars([lossT, ...(gradNormT ? [gradNormT] : []), ...(pendingUpdateNorm ? [pendingUpdateNorm.norm] : [])]);
      } catch (e) {
        if (!isFiniteError(e)) throw e;
        diverged = { step, reason: (e as Error).message };
        grad.dispose();
        break;
      } finally {
        lossT.dispose();
        gradNormT?.dispose();
      }
      const loss = values[0];
      const gn = gradNormT ? values[1] : null;
      fillUpdateNorm(pendingUpdateNorm ? values[values.length - 1] : undefined);
      if (!Number.isFinite(loss)) { grad.dispose(); diverged = { step, reason: `loss = ${loss}` }; break; }
      const lr = currentLr(optimizer, state);
      r = await optimizer.update(grad, state, w, { loss, problem: P, w, step });
      // The batch-size test sees the gradients of this step's microbatches at w_t (its own packed read).
      const batchCols = batchSize ? await batchSize.observe(w, step) : null;
      const updates = r.updates as Tensor1D;
      wNext = tf.add(w, updates) as Tensor1D;
      let recorded: Record<string, number | null> | undefined;
      if (recordRow) {
        const row: Record<string, number | null> = { step, loss, gradNorm: gn, updateNorm: null, lr: Number.isFinite(lr) ? lr : null, ...batchCols };
        pendingUpdateNorm = { row, norm: tf.keep(tf.tidy(() => tf.norm(updates)) as tf.Scalar) };
        const ctx: StepContext = { step, problem: P, w, grad, loss, updates, state: r.state, stateBefore: state, optimizer, lr };
        for (const rec of due) {
          const v = await rec.record(ctx);
          if (typeof v === 'number') row[rec.name] = v;
          else for (const [k, x] of Object.entries(v)) row[k] = x;
        }
        rows.push(row);
        recorded = row;
      }
      let stop = false;
      if (callbacks.length) {
        if (recorded && pendingUpdateNorm) fillUpdateNorm((await readScalars([pendingUpdateNorm.norm]))[0]); // callbacks see whole rows
        const ctx: StepContext = { step, problem: P, w, grad, loss, updates, state: r.state, stateBefore: state, optimizer, lr, row: recorded };
        for (const cb of callbacks) if ((await cb(ctx)) === 'stop') stop = true;
      }
      grad.dispose();
      tf.dispose(updates);
      disposeState(state);
      state = r.state;
      w.dispose();
      w = wNext;
      step++;
      if (checkpoint?.every && step % checkpoint.every === 0) await save();
      bar?.update(step, `loss ${loss.toPrecision(4)}`);
      if (stop) break;
      if (performance.now() - lastYield > 50) { await nextTick(); lastYield = performance.now(); }
    }
    // The run's last read: the pending ‖update‖ and whether w is finite, then L(w_final).
    const finiteT = tf.tidy(() => tf.cast(tf.all(tf.isFinite(w)), 'float32')) as tf.Scalar;
    let wFinite = false;
    try {
      const v = await readScalars([finiteT, ...(pendingUpdateNorm ? [pendingUpdateNorm.norm] : [])]);
      wFinite = v[0] === 1;
      fillUpdateNorm(pendingUpdateNorm ? v[1] : undefined);
    } catch (e) {
      if (!isFiniteError(e)) throw e;
      fillUpdateNorm(undefined);
      diverged ??= { step, reason: (e as Error).message };
    } finally {
      finiteT.dispose();
    }
    batchSize?.release();
    if (!diverged && !wFinite) diverged = { step, reason: 'w contains NaN or Inf' };
    let finalLoss = NaN;
    if (!diverged) {
      try { finalLoss = (await readAndDispose([problem.loss(w)]))[0][0]; } catch (e) { if (!isFiniteError(e)) throw e; }
    }
    if (diverged) {
      const msg = `train: diverged at step ${diverged.step} (${diverged.reason.split(';')[0]}); lower the learning rate. The rows recorded so far are kept.`;
      if (typeof process !== 'undefined' && process.emitWarning) process.emitWarning(msg, 'FlowlabDivergenceWarning'); else console.warn(msg);
    }
    await save();
    bar?.close(interrupted ? 'interrupted' : diverged ? `diverged at ${diverged.step}` : `loss ${finalLoss.toPrecision(4)}`);
    return { table: toTable(rows), w, state, step, interrupted, diverged, finalLoss };
  } catch (e) {
    // Every exit is clean: free what train allocated, then let the caller's error through unchanged.
    const alive: (tf.Tensor | null | undefined)[] = [w, lossT, grad, gradNormT, wNext, pendingUpdateNorm?.norm];
    for (const t of alive) t?.dispose();
    disposeState(state);
    if (r) { disposeState(r.updates); disposeState(r.state); }
    batchSize?.release();
    bar?.close(`stopped at step ${step} by an error`);
    throw e;
  }
}

/** Rows → arquero table; a column absent from a row is null there. */
function toTable(rows: Record<string, number | null>[]): aq.ColumnTable {
  const names: string[] = ['step', 'loss', 'gradNorm', 'updateNorm', 'lr'];
  for (const r of rows) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  const cols: Record<string, (number | null)[]> = {};
  for (const n of names) cols[n] = rows.map((r) => (r[n] === undefined ? null : r[n]));
  return aq.table(cols);
}
