/**
 * The lab (`fl.lab`): running experiments and keeping their records — train(), run tables,
 * progress, checkpoints, recorders.
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
