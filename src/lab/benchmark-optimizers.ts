/**
 * The optimizers `fl.lab.benchmark` knows by name, each with a documented search space (where it
 * comes from), its hand-picked defaults, and how a hyperparameter point becomes a
 * GradientTransformation with the benchmark's learning-rate schedule.
 */
import type { Problem } from '../tensor/types.js';
import type { GradientTransformation, Schedule } from '../optim/types.js';
import { adamw } from '../optim/adam.js';
import { lion } from '../optim/lion.js';
import { soap } from '../optim/soap.js';
import { muon } from '../optim/muon.js';
import { sgd } from '../optim/sgd.js';
import { sania } from '../optim/sania.js';
import { scheduleFreeAdamw } from '../optim/schedulefree.js';
import { withSpec } from '../optim/combinators.js';
import { warmupCosineDecay } from '../optim/schedules.js';
import type { HyperValue, SearchSpace } from './search-space.js';

/** What `build` gets besides the hyperparameters. */
export interface BuildContext { problem: Problem; steps: number }

/** A benchmarked optimizer: its search space, its defaults and its builder. */
export interface BenchmarkOptimizer {
  name: string;
  /** The tuning search space (AlgoPerf's tuning_search_space.json vocabulary). */
  space: SearchSpace;
  /** The hand-picked defaults (the optimizer's own defaults), one value per name of `space`. */
  defaults: Record<string, HyperValue>;
  /** Where the space and the defaults come from. */
  source: string;
  /** A GradientTransformation for the point `h` on `ctx.problem` with a budget of `ctx.steps`. */
  build(h: Record<string, HyperValue>, ctx: BuildContext): GradientTransformation;
}

const num = (h: Record<string, HyperValue>, k: string) => h[k] as number;

/**
 * The benchmark's schedule for scheduled optimizers, AlgoPerf's baseline shape: linear warm-up
 * over ⌈warmup·steps⌉ steps to `lr`, then cosine decay to 0 at the step budget.
 */
export function benchmarkSchedule(lr: number, steps: number, warmup = 0.05): Schedule {
  const w = Math.max(1, Math.ceil(warmup * steps));
  return steps > w ? warmupCosineDecay({ peak: lr, warmup: w, steps }) : () => lr;
}

/** The spec-aware wrapper matrix optimizers need on a model's flat w (identity without a spec). */
const matrices = (P: Problem, opt: GradientTransformation) => (P.spec ? withSpec(P.spec, opt) : opt);

const ALGOPERF = 'AlgoPerf paper baselines (Dahl et al. 2023, arXiv:2306.07179; mlcommons/algorithmic-efficiency algorithms/archived_paper_baselines/*/tuning_search_space.json)';

/** The catalogue: adamw, nesterov, lion, soap, muon, scheduleFreeAdamw, sania. */
export const benchmarkOptimizers: Readonly<Record<string, BenchmarkOptimizer>> = Object.freeze({
  adamw: {
    name: 'adamw',
    space: { lr: { min: 1e-4, max: 1e-2, scale: 'log' }, oneMinusB1: { min: 2e-2, max: 0.5, scale: 'log' }, b2: 0.999, weightDecay: { min: 5e-3, max: 1, scale: 'log' }, warmup: 0.05 },
    defaults: { lr: 1e-3, oneMinusB1: 0.1, b2: 0.999, weightDecay: 1e-2, warmup: 0.05 },
    source: `space: ${ALGOPERF}, adamw (label smoothing and dropout left out: the problems have neither). Defaults: Loshchilov & Hutter 2019 / PyTorch (η 1e-3, β (0.9, 0.999), λ 1e-2).`,
    build: (h, { steps }) => adamw({ lr: benchmarkSchedule(num(h, 'lr'), steps, num(h, 'warmup')), b1: 1 - num(h, 'oneMinusB1'), b2: num(h, 'b2'), weightDecay: num(h, 'weightDecay') }),
  },
  nesterov: {
    name: 'nesterov',
    space: { lr: { min: 2e-2, max: 5, scale: 'log' }, oneMinusMomentum: { min: 5e-3, max: 0.3, scale: 'log' }, weightDecay: { min: 1e-7, max: 5e-5, scale: 'log' }, warmup: 0.05 },
    defaults: { lr: 0.1, oneMinusMomentum: 0.1, weightDecay: 0, warmup: 0.05 },
    source: `space: ${ALGOPERF}, nesterov (its linear decay to a small end factor replaced by the common cosine decay). Defaults: η 0.1, μ 0.9 (Sutskever et al. 2013).`,
    build: (h, { steps }) => sgd({ lr: benchmarkSchedule(num(h, 'lr'), steps, num(h, 'warmup')), momentum: 1 - num(h, 'oneMinusMomentum'), nesterov: true, weightDecay: num(h, 'weightDecay') }),
  },
  lion: {
    name: 'lion',
    space: { lr: { min: 1e-5, max: 3e-3, scale: 'log' }, b1: 0.9, b2: 0.99, weightDecay: { min: 1.5e-2, max: 10, scale: 'log' }, warmup: 0.05 },
    defaults: { lr: 1e-4, b1: 0.9, b2: 0.99, weightDecay: 0, warmup: 0.05 },
    source: 'Chen et al. 2023 (arXiv:2302.06675) §: Lion\'s learning rate is typically 3–10× smaller than AdamW\'s and its weight decay 3–10× larger; so AlgoPerf\'s AdamW ranges mapped by those factors (η ∈ [1e-4/10, 1e-2/3], λ ∈ [3·5e-3, 10·1]); β (0.9, 0.99) the paper\'s defaults. Defaults: η 1e-4, λ 0 (flowlab\'s lion()).',
    build: (h, { steps }) => lion({ lr: benchmarkSchedule(num(h, 'lr'), steps, num(h, 'warmup')), b1: num(h, 'b1'), b2: num(h, 'b2'), weightDecay: num(h, 'weightDecay') }),
  },
  soap: {
    name: 'soap',
    space: { lr: { min: 1e-4, max: 1e-2, scale: 'log' }, oneMinusB1: { min: 1e-2, max: 0.15, scale: 'log' }, b2: 0.95, weightDecay: { min: 5e-3, max: 1, scale: 'log' }, precondFreq: 10, warmup: 0.05 },
    defaults: { lr: 3e-3, oneMinusB1: 0.05, b2: 0.95, weightDecay: 0.01, precondFreq: 10, warmup: 0.05 },
    source: `space: ${ALGOPERF}, shampoo (SOAP is Adam in Shampoo's eigenbasis), with SOAP's own β2 0.95 and preconditioner refresh every 10 steps (Vyas et al. 2024, arXiv:2409.11321). Defaults: the SOAP reference's η 3e-3, β (0.95, 0.95), λ 0.01.`,
    build: (h, { problem, steps }) => matrices(problem, soap({ lr: benchmarkSchedule(num(h, 'lr'), steps, num(h, 'warmup')), b1: 1 - num(h, 'oneMinusB1'), b2: num(h, 'b2'), weightDecay: num(h, 'weightDecay'), precondFreq: num(h, 'precondFreq') })),
  },
  muon: {
    name: 'muon',
    space: { lr: { min: 2e-3, max: 0.2, scale: 'log' }, momentum: 0.95, weightDecay: { min: 5e-3, max: 1, scale: 'log' }, warmup: 0.05 },
    defaults: { lr: 0.02, momentum: 0.95, weightDecay: 0, warmup: 0.05 },
    source: 'Jordan et al. 2024 (Muon; defaults η 0.02, Nesterov μ 0.95) and Liu et al. 2025 (arXiv:2502.16982, decoupled weight decay): η one decade either side of 0.02, λ over AlgoPerf\'s AdamW range. Non-matrix leaves use Muon\'s auxiliary Adam (η 3e-4), untuned as in the reference.',
    build: (h, { problem, steps }) => matrices(problem, muon({ lr: benchmarkSchedule(num(h, 'lr'), steps, num(h, 'warmup')), momentum: num(h, 'momentum'), weightDecay: num(h, 'weightDecay') })),
  },
  scheduleFreeAdamw: {
    name: 'scheduleFreeAdamw',
    space: { lr: { min: 3e-4, max: 3e-2, scale: 'log' }, oneMinusB1: { min: 2e-2, max: 0.5, scale: 'log' }, b2: 0.999, weightDecay: { min: 5e-3, max: 1, scale: 'log' }, warmup: 0.05 },
    defaults: { lr: 2.5e-3, oneMinusB1: 0.1, b2: 0.999, weightDecay: 0, warmup: 0.05 },
    source: `space: ${ALGOPERF}, adamw, with η shifted up by 3× (Defazio et al. 2024, arXiv:2405.15682: Schedule-Free needs larger learning rates than a scheduled optimizer) and no decay schedule (only the warm-up, inside the optimizer). Defaults: the paper's η 2.5e-3, β (0.9, 0.999).`,
    build: (h, { steps }) => scheduleFreeAdamw({ lr: num(h, 'lr'), b1: 1 - num(h, 'oneMinusB1'), b2: num(h, 'b2'), weightDecay: num(h, 'weightDecay'), warmup: Math.max(1, Math.ceil(num(h, 'warmup') * steps)) }),
  },
  sania: {
    name: 'sania',
    space: { preconditioner: { values: ['adagrad', 'adam'] }, lr: { min: 0.1, max: 1, scale: 'log' } },
    defaults: { preconditioner: 'adagrad', lr: 1 },
    source: 'Abdukhakimov et al. 2023 (arXiv:2312.17369): SANIA is parameter-free (Polyak step, f* = 0), so its paper tunes nothing; searched here: its two diagonal preconditioners (AdaGrad-SQR, Adam-SQR) and a damping multiplier of the Polyak step in [0.1, 1] (the c of the stochastic Polyak step, Loizou et al. 2021, arXiv:2002.10542) — flowlab\'s choice, not the paper\'s. Defaults: AdaGrad-SQR, multiplier 1 (the method as published). No schedule.',
    build: (h) => sania({ preconditioner: h.preconditioner as 'adagrad' | 'adam', lr: num(h, 'lr') }),
  },
});

/**
 * A benchmark optimizer by name, or the entry itself (custom entries pass through after a check).
 * @example benchmarkOptimizer('adamw').space.lr // { min: 1e-4, max: 1e-2, scale: 'log' }
 */
export function benchmarkOptimizer(o: string | BenchmarkOptimizer): BenchmarkOptimizer {
  if (typeof o === 'string') {
    const e = benchmarkOptimizers[o];
    if (!e) throw new Error(`benchmark: unknown optimizer '${o}'; known: ${Object.keys(benchmarkOptimizers).join(', ')} (or pass { name, space, defaults, source, build }).`);
    return e;
  }
  if (!o || typeof o.name !== 'string' || typeof o.build !== 'function' || !o.space || !o.defaults) throw new TypeError('benchmark: an optimizer must be a name or { name, space, defaults, source, build(h, { problem, steps }) }.');
  return o;
}
