/**
 * One benchmark run: train a problem with one hyperparameter point until the held-out target is
 * reached or the step budget is spent, timing the training steps only (AlgoPerf's rule: the
 * evaluations are off the clock).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor1D } from '../tensor/types.js';
import { disposeState } from '../optim/state.js';
import { InterruptError } from '../runtime/interrupt.js';
import { train } from './train.js';
import type { StepContext } from './recorders.js';
import { reachesTarget, type BenchmarkProblem, type Split, type Target } from './benchmark-problem.js';
import type { BenchmarkOptimizer } from './benchmark-optimizers.js';
import type { HyperValue } from './search-space.js';

/** Options of `runToTarget`. */
export interface RunToTargetOptions {
  /** Seed of initialisation and minibatch order (default 0). */ seed?: number;
  /** Held-out split evaluated (default 'valid'). */ split?: Split;
  /** Target (default the problem's). */ target?: Target;
  /** Stop at the first evaluation that meets the target (default true, AlgoPerf's "until the target or max_runtime"). */ stopAtTarget?: boolean;
}

/** What a run gives back (host data only). */
export interface RunToTargetResult {
  /** Steps taken when the target was first met at an evaluation (Infinity: never within the budget). */ steps: number;
  /** Seconds of training (evaluations excluded) up to that evaluation (Infinity: never). */ time: number;
  reached: boolean;
  /** Steps actually run. */ ran: number;
  /** Seconds of training over the whole run (evaluations excluded). */ trainTime: number;
  /** Metrics at the last evaluation ({} if none happened). */ final: Record<string, number>;
  /** One row per evaluation: step (iterates after `step` updates), time (s), and each metric. */ curve: Array<Record<string, number>>;
  /** Why the run stopped early without reaching the target (a non-finite loss), if it did. */ diverged?: string;
}

/**
 * Trains `problem` with `optimizer` at hyperparameters `hyper` from seed `seed`; evaluates the
 * held-out `split` after every `problem.evalEvery` steps and after the last one — at the
 * optimizer's evaluation point (Schedule-Free's x) or the iterate — and records when the target
 * is first met. One read per step (fl.train's) plus one per evaluation. An interrupt (the ■ button)
 * throws: a run cut short would otherwise look like a miss.
 * @example const r = await runToTarget(P, benchmarkOptimizer('adamw'), { lr: 1e-3, ... }, { seed: 1, split: 'test' });
 */
export async function runToTarget(problem: BenchmarkProblem, optimizer: BenchmarkOptimizer, hyper: Record<string, HyperValue>, o: RunToTargetOptions = {}): Promise<RunToTargetResult> {
  const { seed = 0, split = 'valid', target = problem.target, stopAtTarget = true } = o;
  const setup = problem.setup(seed);
  const opt = optimizer.build(hyper, { problem: setup.problem, steps: problem.steps });
  const curve: Array<Record<string, number>> = [];
  let hit: { steps: number; time: number } | null = null;
  let offClock = 0;
  let start = 0;
  const evaluate = async (ctx: StepContext): Promise<void | 'stop'> => {
    const done = ctx.step + 1;
    if (done % problem.evalEvery !== 0 && done !== problem.steps) return;
    const t = performance.now();
    const time = (t - start - offClock) / 1000;
    const x = (opt.evalParams ? opt.evalParams(ctx.state) : tf.add(ctx.w, ctx.updates as Tensor1D)) as Tensor1D;
    let metrics: Record<string, number>;
    try {
      metrics = await problem.evaluate(x, split);
    } finally {
      x.dispose();
      offClock += performance.now() - t;
    }
    curve.push({ step: done, time, ...metrics });
    if (!hit && reachesTarget(target, metrics[target.metric])) {
      hit = { steps: done, time };
      if (stopAtTarget) return 'stop';
    }
  };
  try {
    start = performance.now();
    const run = await train(setup.problem, opt, {
      w0: setup.w0, steps: problem.steps, batch: setup.batch, callbacks: [evaluate],
      logEvery: problem.steps + 1, progress: false,
    });
    const trainTime = (performance.now() - start - offClock) / 1000;
    run.w.dispose();
    disposeState(run.state);
    if (run.interrupted) throw new InterruptError(`runToTarget: interrupted at step ${run.step} of ${problem.steps} (${problem.name}, ${optimizer.name}); a cut-short run has no time to target, so the benchmark stops here.`);
    const reached = hit !== null;
    const h = hit as { steps: number; time: number } | null;
    return {
      steps: h ? h.steps : Infinity, time: h ? h.time : Infinity, reached, ran: run.step, trainTime,
      final: curve.length ? Object.fromEntries(Object.entries(curve[curve.length - 1]).filter(([k]) => k !== 'step' && k !== 'time')) : {},
      curve,
      ...(run.diverged && !reached ? { diverged: run.diverged.reason } : {}),
    };
  } finally {
    setup.dispose();
  }
}
