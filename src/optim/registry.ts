/**
 * The optimizer registry: every optimizer of the zoo by name, so notebooks can loop over them.
 * Registering an existing name throws unless `{ override: true }` (arquero-style registries).
 */
import type { GradientTransformation } from './types.js';
import { sgd } from './sgd.js';
import { rmsprop, scalarRmsprop } from './rmsprop.js';
import { adam, adamw, amsgrad, nadam, radam, adamax } from './adam.js';
import { adagrad, adadelta, adagradNorm } from './adagrad.js';
import { lion } from './lion.js';
import { adabelief } from './adabelief.js';
import { adamp, sgdp } from './adamp.js';
import { adan } from './adan.js';
import { sophiaG, sophiaH } from './sophia.js';
import { diffgrad } from './diffgrad.js';
import { exadam } from './exadam.js';
import { spam, stableSpam } from './spam.js';
import { adafactor } from './adafactor.js';
import { adam8bit } from './adam8bit.js';
import { galore } from './galore.js';
import { naturalGalore } from './natural-galore.js';
import { sania } from './sania.js';
import { muon, adamuon } from './muon.js';
import { soap } from './soap.js';
import { shampoo } from './shampoo.js';
import { sinkgd } from './sinkgd.js';
import { frugal } from './frugal.js';
import { cosmos } from './cosmos.js';
import { scheduleFreeSgd, scheduleFreeAdamw } from './schedulefree.js';
import { sam, asam } from './sam.js';
import { lamb, lars } from './lamb.js';
import { prodigy } from './prodigy.js';
import { fosi } from './fosi.js';

/** A registry entry: the factory and what the optimizer needs. */
export interface OptimizerEntry {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  factory: (hyper?: any) => GradientTransformation<any>;
  /** 'elementwise' | 'matrix' (needs 2-D leaves to differ from its fallback) | 'context' (needs context.problem). */
  kind: 'elementwise' | 'matrix' | 'context';
  /** One line: what it is and the paper. */
  description: string;
}

const table = new Map<string, OptimizerEntry>();

/**
 * Adds an optimizer to the registry; refuses to overwrite a name unless `override` is true.
 * @example registerOptimizer('mySgd', { factory: (h) => sgd(h), kind: 'elementwise', description: 'SGD' });
 */
export function registerOptimizer(name: string, entry: OptimizerEntry, { override = false }: { override?: boolean } = {}): void {
  if (typeof name !== 'string' || !name) throw new TypeError('registerOptimizer: name must be a non-empty string.');
  if (typeof entry?.factory !== 'function') throw new TypeError(`registerOptimizer: entry.factory for "${name}" must be a function returning a GradientTransformation.`);
  if (table.has(name) && !override) throw new Error(`registerOptimizer: "${name}" is already registered; pass { override: true } to replace it.`);
  table.set(name, entry);
}

/**
 * Builds a registered optimizer by name.
 * @example for (const name of optimizerNames()) { const opt = create(name, { lr: 1e-3 }); ... }
 */
export function create(name: string, hyper: Record<string, unknown> = {}): GradientTransformation {
  const e = table.get(name);
  if (!e) throw new Error(`create: unknown optimizer "${name}"; known: ${[...table.keys()].join(', ')}.`);
  return e.factory(hyper) as GradientTransformation;
}

/**
 * Every registered name, in registration order.
 * @example for (const name of optimizerNames()) console.log(name, optimizers[name].description);
 */
export function optimizerNames(): string[] {
  return [...table.keys()];
}

/** Read-only view of the registry: `optimizers.adam.factory(...)`; assignment throws. */
export const optimizers: Readonly<Record<string, OptimizerEntry>> = new Proxy({} as Record<string, OptimizerEntry>, {
  get: (_, k) => (typeof k === 'string' ? table.get(k) : undefined),
  has: (_, k) => typeof k === 'string' && table.has(k),
  ownKeys: () => [...table.keys()],
  getOwnPropertyDescriptor: (_, k) => (typeof k === 'string' && table.has(k) ? { enumerable: true, configurable: true, value: table.get(k) } : undefined),
  set: (_, k) => { throw new Error(`optimizers.${String(k)}: the registry is read-only; use registerOptimizer(name, entry, { override }) instead.`); },
  deleteProperty: (_, k) => { throw new Error(`optimizers.${String(k)}: the registry is read-only.`); },
});

const E = (factory: OptimizerEntry['factory'], description: string): OptimizerEntry => ({ factory, kind: 'elementwise', description });
const M = (factory: OptimizerEntry['factory'], description: string): OptimizerEntry => ({ factory, kind: 'matrix', description });
const C = (factory: OptimizerEntry['factory'], description: string): OptimizerEntry => ({ factory, kind: 'context', description });

const builtin: Record<string, OptimizerEntry> = {
  sgd: E(sgd, 'SGD with heavy-ball / Nesterov momentum'),
  rmsprop: E(rmsprop, 'RMSProp (Tieleman & Hinton 2012), optional bias correction'),
  scalarRmsprop: E(scalarRmsprop, 'Scalar RMSProp (Cohen et al. 2025, central flows)'),
  adam: E(adam, 'Adam (Kingma & Ba 2015)'),
  adamw: E(adamw, 'AdamW (Loshchilov & Hutter 2019)'),
  amsgrad: E(amsgrad, 'AMSGrad (Reddi et al. 2018)'),
  nadam: E(nadam, 'NAdam (Dozat 2016)'),
  radam: E(radam, 'RAdam (Liu et al. 2020)'),
  adamax: E(adamax, 'AdaMax (Kingma & Ba 2015)'),
  adagrad: E(adagrad, 'AdaGrad (Duchi et al. 2011)'),
  adadelta: E(adadelta, 'AdaDelta (Zeiler 2012)'),
  adagradNorm: E(adagradNorm, 'AdaGrad-Norm (Ward et al. 2019; AdAdaGrad-Norm with fl.lab.adaptiveBatch, Lau et al. 2024)'),
  lion: E(lion, 'Lion (Chen et al. 2023)'),
  adabelief: E(adabelief, 'AdaBelief (Zhuang et al. 2020)'),
  adamp: E(adamp, 'AdamP (Heo et al. 2021)'),
  sgdp: E(sgdp, 'SGDP (Heo et al. 2021)'),
  adan: E(adan, 'Adan (Xie et al. 2022)'),
  sophiaG: C(sophiaG, 'Sophia-G with the Gauss–Newton–Bartlett estimator (Liu et al. 2023); estimator: \'empiricalFisher\' for plain objectives'),
  sophiaH: C(sophiaH, 'Sophia-H with a Hutchinson diagonal (Liu et al. 2023)'),
  diffgrad: E(diffgrad, 'diffGrad with ξ applied (Dubey et al. 2019)'),
  exadam: E(exadam, 'EXAdam (Adly 2024)'),
  spam: E(spam, 'SPAM (Huang et al. 2025)'),
  stableSpam: E(stableSpam, 'Stable-SPAM (Huang et al. 2025)'),
  adafactor: E(adafactor, 'Adafactor (Shazeer & Stern 2018)'),
  adam8bit: E(adam8bit, '8-bit block-wise Adam (Dettmers et al. 2022)'),
  galore: M(galore, 'GaLore (Zhao et al. 2024)'),
  naturalGalore: M(naturalGalore, 'Natural GaLore: GaLore + empirical-Fisher natural gradient via Woodbury (Das 2024)'),
  muon: M(muon, 'Muon (Jordan et al. 2024)'),
  adamuon: M(adamuon, 'AdaMuon (Si et al. 2025)'),
  soap: M(soap, 'SOAP (Vyas et al. 2024)'),
  shampoo: M(shampoo, 'Shampoo (Gupta et al. 2018)'),
  sinkgd: M(sinkgd, 'SinkGD (Scetbon et al. 2025)'),
  frugal: E(frugal, 'FRUGAL with RandK projection (Zmushko et al. 2024)'),
  cosmos: M(cosmos, 'COSMOS, Algorithm 1 of the official code (Liu et al. 2025)'),
  scheduleFreeSgd: E(scheduleFreeSgd, 'Schedule-Free SGD (Defazio et al. 2024)'),
  scheduleFreeAdamw: E(scheduleFreeAdamw, 'Schedule-Free AdamW (Defazio et al. 2024)'),
  sam: C(sam, 'SAM (Foret et al. 2021)'),
  asam: C(asam, 'ASAM (Kwon et al. 2021)'),
  lamb: E(lamb, 'LAMB (You et al. 2020)'),
  lars: E(lars, 'LARS (You et al. 2017)'),
  prodigy: E(prodigy, 'Prodigy (Mishchenko & Defazio 2024)'),
  fosi: C(fosi, 'FOSI (Sivan et al. 2024)'),
  sania: E(sania, 'SANIA: preconditioned Polyak step, AdaGrad-SQR / Adam-SQR (Abdukhakimov et al. 2023)'),
  saniaAdam: E((h) => sania({ preconditioner: 'adam', ...h }), 'SANIA with the Adam-SQR preconditioner (Abdukhakimov et al. 2023)'),
};
for (const [name, entry] of Object.entries(builtin)) registerOptimizer(name, entry);
