/**
 * Learning-rate schedules (optax style): functions of the 0-based step count. Every schedule
 * can be passed wherever a hyperparameter accepts `number | Schedule`.
 */
import type { Schedule } from './types.js';

function check(fn: string, name: string, v: number, ok: boolean, expected: string): void {
  if (!ok || !Number.isFinite(v)) throw new RangeError(`${fn}: ${name} must be ${expected}, got ${v}.`);
}

/** η(t) = value. @example constant(1e-3)(10) === 1e-3 */
export function constant(value: number): Schedule {
  check('constant', 'value', value, true, 'a finite number');
  return () => value;
}

/**
 * Linear interpolation from `init` to `end` over `steps` (then constant at `end`):
 * η(t) = init + (end − init)·min(t, steps)/steps.
 * @example linear({ init: 0, end: 1e-3, steps: 100 })(50) === 5e-4
 */
export function linear({ init, end, steps }: { init: number; end: number; steps: number }): Schedule {
  check('linear', 'steps', steps, steps >= 0, 'a non-negative integer');
  return (t) => (steps === 0 ? end : init + (end - init) * Math.min(Math.max(t, 0), steps) / steps);
}

/**
 * Cosine decay from `init` to `alpha·init` over `steps` (Loshchilov & Hutter 2017, arXiv 1608.03983):
 * η(t) = init·[(1 − α)·½(1 + cos(π min(t, T)/T)) + α].
 * @example cosineDecay({ init: 1, steps: 100 })(100) === 0
 */
export function cosineDecay({ init, steps, alpha = 0, exponent = 1 }: { init: number; steps: number; alpha?: number; exponent?: number }): Schedule {
  check('cosineDecay', 'steps', steps, steps > 0, 'a positive integer');
  return (t) => {
    const c = 0.5 * (1 + Math.cos(Math.PI * Math.min(Math.max(t, 0), steps) / steps));
    return init * ((1 - alpha) * Math.pow(c, exponent) + alpha);
  };
}

/**
 * Glues schedules: schedule i runs from boundary i−1 with its own count restarted at 0 (optax join_schedules).
 * @example join([linear({init:0,end:1,steps:10}), cosineDecay({init:1,steps:90})], [10])
 */
export function join(schedules: Schedule[], boundaries: number[]): Schedule {
  if (schedules.length !== boundaries.length + 1) {
    throw new RangeError(`join: expected boundaries.length = schedules.length − 1 = ${schedules.length - 1}, got ${boundaries.length}.`);
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (!(boundaries[i] >= boundaries[i - 1])) throw new RangeError('join: boundaries must be non-decreasing.');
  }
  return (t) => {
    let i = 0;
    while (i < boundaries.length && t >= boundaries[i]) i++;
    return schedules[i](t - (i === 0 ? 0 : boundaries[i - 1]));
  };
}

/**
 * Linear warm-up 0 → peak over `warmup` steps, then cosine decay to `end` at `steps` total.
 * @example const lr = warmupCosineDecay({ peak: 1e-3, warmup: 100, steps: 1000 });
 */
export function warmupCosineDecay({ peak, warmup, steps, init = 0, end = 0 }: { peak: number; warmup: number; steps: number; init?: number; end?: number }): Schedule {
  check('warmupCosineDecay', 'steps', steps, steps > warmup, `greater than warmup (${warmup})`);
  return join([linear({ init, end: peak, steps: warmup }), cosineDecay({ init: peak, steps: steps - warmup, alpha: peak === 0 ? 0 : end / peak })], [warmup]);
}

/**
 * Linear warm-up 0 → peak over `warmup` steps, then linear decay to `end` at `steps` total.
 * @example const lr = warmupLinearDecay({ peak: 1e-3, warmup: 100, steps: 1000 });
 */
export function warmupLinearDecay({ peak, warmup, steps, init = 0, end = 0 }: { peak: number; warmup: number; steps: number; init?: number; end?: number }): Schedule {
  check('warmupLinearDecay', 'steps', steps, steps > warmup, `greater than warmup (${warmup})`);
  return join([linear({ init, end: peak, steps: warmup }), linear({ init: peak, end, steps: steps - warmup })], [warmup]);
}

/**
 * Warmup–stable–decay (WSD): linear warm-up to `peak`, constant, then a decay over the last
 * `decay` steps (linear or cosine) to `end` (Hu et al. 2024, MiniCPM, arXiv 2404.06395).
 * @example const lr = warmupStableDecay({ peak: 1e-3, warmup: 100, steps: 1000, decay: 200 });
 */
export function warmupStableDecay({ peak, warmup, steps, decay, end = 0, shape = 'linear' }: { peak: number; warmup: number; steps: number; decay: number; end?: number; shape?: 'linear' | 'cosine' }): Schedule {
  check('warmupStableDecay', 'decay', decay, decay >= 0 && warmup + decay <= steps, `in [0, steps − warmup] = [0, ${steps - warmup}]`);
  const tail = shape === 'cosine'
    ? cosineDecay({ init: peak, steps: Math.max(decay, 1), alpha: peak === 0 ? 0 : end / peak })
    : linear({ init: peak, end, steps: decay });
  return join([linear({ init: 0, end: peak, steps: warmup }), constant(peak), tail], [warmup, steps - decay]);
}

/**
 * Piecewise-constant steps: η(t) = init·Π_{b ≤ t} scales[b] (optax piecewise_constant_schedule).
 * @example step({ init: 0.1, boundaries: { 100: 0.1, 200: 0.1 } })(150) ≈ 0.01
 */
export function step({ init, boundaries }: { init: number; boundaries: Record<number, number> }): Schedule {
  const bs = Object.entries(boundaries).map(([b, s]) => [Number(b), s] as const).sort((a, b) => a[0] - b[0]);
  return (t) => bs.reduce((v, [b, s]) => (t >= b ? v * s : v), init);
}

/**
 * Polynomial decay: η(t) = (init − end)(1 − min(t, T)/T)^power + end.
 * @example const lr = polynomial({ init: 0.1, end: 0, power: 2, steps: 1000 });
 */
export function polynomial({ init, end, power, steps }: { init: number; end: number; power: number; steps: number }): Schedule {
  check('polynomial', 'steps', steps, steps > 0, 'a positive integer');
  return (t) => (init - end) * Math.pow(1 - Math.min(Math.max(t, 0), steps) / steps, power) + end;
}

/**
 * Exponential decay: η(t) = init·rate^(t/transitionSteps) (floor the exponent when `staircase`).
 * @example const lr = exponential({ init: 0.1, rate: 0.5, transitionSteps: 100 });
 */
export function exponential({ init, rate, transitionSteps = 1, staircase = false }: { init: number; rate: number; transitionSteps?: number; staircase?: boolean }): Schedule {
  check('exponential', 'transitionSteps', transitionSteps, transitionSteps > 0, 'positive');
  return (t) => init * Math.pow(rate, staircase ? Math.floor(t / transitionSteps) : t / transitionSteps);
}

/**
 * SGDR: cosine annealing with warm restarts (Loshchilov & Hutter 2017, arXiv 1608.03983). Cycle i
 * has length period·mult^i; within a cycle η = min + (max − min)·½(1 + cos(π t_cur/T_i)).
 * @example const lr = sgdr({ max: 0.1, period: 100, mult: 2 });
 */
export function sgdr({ max, min = 0, period, mult = 1 }: { max: number; min?: number; period: number; mult?: number }): Schedule {
  check('sgdr', 'period', period, period > 0, 'positive');
  check('sgdr', 'mult', mult, mult >= 1, '≥ 1');
  return (t) => {
    let T = period;
    let cur = Math.max(t, 0);
    while (cur >= T) { cur -= T; T *= mult; }
    return min + (max - min) * 0.5 * (1 + Math.cos(Math.PI * cur / T));
  };
}
