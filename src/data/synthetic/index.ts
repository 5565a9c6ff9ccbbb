/** Synthetic datasets (`fl.data.synthetic`): all seeded and deterministic. */
export { gaussianMixture, twoMoons, spirals, separable } from './classification.js';
export { teacherStudent } from './regression.js';
export { sortingTask, ar1Sequences, randomOrthogonal } from './sequences.js';
