/** Logistic regression as a Problem: the large-step logistic-regression toy. */
import type { SupervisedData } from './fromModel.js';
import { fromModel, type ModelProblem } from './fromModel.js';
import { logistic } from './losses.js';
import { linear } from './toys.js';

/**
 * L(w) = (1/n) Σᵢ log(1 + exp(−yᵢ xᵢᵀw)) (plus a bias when `bias`), y ∈ {−1, +1} [n, 1]
 * (e.g. `fl.data.synthetic.separable`). Wu, Bartlett, Telgarsky, Yu 2024, arXiv:2402.15926.
 * @example const P = logisticRegression(fl.data.synthetic.separable({ n: 100, dim: 2 }));
 */
export function logisticRegression(data: SupervisedData, { bias = false } = {}): ModelProblem {
  const d = data.x.shape.slice(1).reduce((a, b) => a * b, 1);
  return fromModel(linear({ input: d, output: 1, bias }), data, logistic);
}
