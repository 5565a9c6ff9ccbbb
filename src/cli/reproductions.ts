/**
 * The reproduction notebooks `flowlab reproduce` knows: name → notebook file under notebooks/,
 * with the paper it reproduces. Registering a taken name throws (no silent overwrite).
 */
import { join } from 'node:path';
import { packageRoot } from '../data/paths.js';

/** One reproduction. */
export interface Reproduction { name: string; file: string; paper: string }

const registry = new Map<string, Reproduction>();

/**
 * Adds a reproduction.
 * @example registerReproduction({ name: 'quickstart', file: 'quickstart.ipynb', paper: '-' })
 */
export function registerReproduction(r: Reproduction): void {
  if (registry.has(r.name)) throw new Error(`registerReproduction: '${r.name}' is already registered (${registry.get(r.name)!.file}); pick another name.`);
  registry.set(r.name, r);
}

/** All reproductions, in registration order. */
export function listReproductions(): Reproduction[] {
  return [...registry.values()];
}

/** The reproduction called `name`, or an Error listing the known names. */
export function getReproduction(name: string): Reproduction {
  const r = registry.get(name);
  if (!r) throw new Error(`reproduce: unknown notebook '${name}'; choose one of: ${[...registry.keys()].join(', ')} (or 'all').`);
  return r;
}

/** The notebooks/ folder of this flowlab installation. */
export function notebooksDir(): string {
  return join(packageRoot(), 'notebooks');
}

for (const r of [
  { name: 'quickstart', file: 'quickstart.ipynb', paper: 'closed forms on a quadratic bowl' },
  { name: 'central-flow-gd', file: 'central-flow-gd.ipynb', paper: 'Cohen, Damian, Talwalkar, Kolter & Lee 2025, arXiv:2410.24206' },
  { name: 'central-flow-rmsprop', file: 'central-flow-rmsprop.ipynb', paper: 'Cohen, Damian, Talwalkar, Kolter & Lee 2025, arXiv:2410.24206 (§4–5)' },
  { name: 'edge-of-stability', file: 'edge-of-stability.ipynb', paper: 'Cohen, Kaur, Li, Kolter & Talwalkar 2021, arXiv:2103.00065' },
  { name: 'optimizer-zoo', file: 'optimizer-zoo.ipynb', paper: 'Rosenbrock and Rastrigin races; Lion box (Chen et al. 2023, arXiv:2310.05898)' },
  { name: 'loss-landscape', file: 'loss-landscape.ipynb', paper: 'Li, Xu, Taylor, Studer & Goldstein 2018, arXiv:1712.09913' },
  { name: 'hessian-spectrum', file: 'hessian-spectrum.ipynb', paper: 'Yao, Gholami, Keutzer & Mahoney 2020 (PyHessian), arXiv:1912.07145' },
  { name: 'large-step-logistic', file: 'large-step-logistic.ipynb', paper: 'Tyurin 2025 (AAAI), arXiv:2412.08424' },
  { name: 'adamp-effective-step', file: 'adamp-effective-step.ipynb', paper: 'Heo, Chun, Oh, Han, Yun, Kim, Uh & Ha 2021 (AdamP), arXiv:2006.08217' },
  { name: 'sam-eigenvalue-regularization', file: 'sam-eigenvalue-regularization.ipynb', paper: 'Agarwala & Dauphin 2023, arXiv:2302.08692' },
  { name: 'optimizers-alter-solutions', file: 'optimizers-alter-solutions.ipynb', paper: 'Pascanu et al. 2025, arXiv:2507.12224' },
  { name: 'mesa-optimization', file: 'mesa-optimization.ipynb', paper: 'Zheng, Huang, Wang, Wu, Zhu & Li 2024, arXiv:2405.16845' },
  { name: 'optimizer-benchmark', file: 'optimizer-benchmark.ipynb', paper: 'Dahl et al. 2023 (AlgoPerf), arXiv:2306.07179; Wen, Hall, Ma & Liang 2025, arXiv:2509.02046' },
  { name: 'schedules-convex-theory', file: 'schedules-convex-theory.ipynb', paper: 'Schaipp, Hägele, Taylor, Şimşekli & Bach 2025, arXiv:2501.18965' },
]) registerReproduction(r);
