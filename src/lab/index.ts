/**
 * The lab (`fl.lab`): running experiments and keeping their records — train(), run tables,
 * progress, checkpoints, recorders; the AlgoPerf-style optimizer benchmark (quasi-random tuning,
 * time to target, performance profiles) and the last-iterate bound of SGD for schedules.
 */
export { train, type TrainOptions, type TrainResult, type TrainCallback, type Every } from './train.js';
export { adaptiveBatch, batchTestStatistics, nextBatchSize, type BatchSizeController, type AdaptiveBatchOptions, type BatchTest } from './batch-size.js';
export { saveCheckpoint, loadCheckpoint, type Checkpoint } from './checkpoint.js';
export { progress, progressText, type Progress } from './progress.js';
export {
  sharpnessRecorder, eigsRecorder, preconditionedSharpnessRecorder, evalRecorder,
  type Recorder, type StepContext,
} from './recorders.js';
export { result, readResult, RESULT_MIME, type ResultPayload, type ResultInput } from './result.js';
export { sweep, sweepTable, type SweepOptions, type SweepResult, type SweepEvent, type SweepHub } from './sweep.js';
export { halton, radicalInverse, firstPrimes, type HaltonOptions } from './halton.js';
export { searchPoints, fromUnit, inSearchSpace, checkSearchSpace, searchedNames, type SearchSpace, type SearchDimension, type HyperValue } from './search-space.js';
export { benchmarkProblem, splitExamples, reachesTarget, targetGoal, type BenchmarkProblem, type BenchmarkProblemOptions, type BenchmarkRun, type Target, type Split } from './benchmark-problem.js';
export { benchmarkOptimizers, benchmarkOptimizer, benchmarkSchedule, type BenchmarkOptimizer, type BuildContext } from './benchmark-optimizers.js';
export { runToTarget, type RunToTargetOptions, type RunToTargetResult } from './benchmark-run.js';
export { timeToTarget, type TimeToTarget } from './time-to-target.js';
export { performanceRatios, performanceProfile, benchmarkScore, type ProfileOptions } from './performance-profile.js';
export { benchmarkTables } from './benchmark-tables.js';
export { benchmark, type BenchmarkOptions, type BenchmarkResult } from './benchmark.js';
export { lastIterateBound, lastIterateBoundTerms, lastIterateBoundCurve, optimalBaseLr, scheduleLrs, type BoundOptions, type BoundTerms } from './last-iterate-bound.js';
