/**
 * The bowl fixture (tests/sweep/fixtures/bowl.ipynb) and its closed form, shared by the sweep suites
 * that run it (on Jupyter servers, through a JupyterHub).
 */
import { join } from 'node:path';
import { repoRoot } from '../kernel/helpers.js';

export const bowlNotebook = join(repoRoot(), 'tests', 'sweep', 'fixtures', 'bowl.ipynb');
export const grid = { lr: [0.05, 0.1, 0.2] };
export const STEPS = 5; // the fixture's default `steps`

/** GD on L = ½(w₁² + 4w₂²) from (1 + seed, −1): wᵢ ← (1 − η aᵢ) wᵢ, so wᵢ(k) = (1 − η aᵢ)ᵏ wᵢ(0). */
export function closedForm(lr: number, seed: number) {
  const w1 = Math.pow(1 - lr, STEPS) * (1 + seed);
  const w2 = Math.pow(1 - 4 * lr, STEPS) * -1;
  return { w1, w2, finalLoss: 0.5 * (w1 * w1 + 4 * w2 * w2) };
}

export type Row = { lr: number; seed: number; finalLoss: number; w1: number; w2: number };
export const rowsOf = (t: { objects(): object[] }) => (t.objects() as Row[]).sort((a, b) => a.lr - b.lr || a.seed - b.seed);
