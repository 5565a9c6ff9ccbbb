/**
 * Central flows (`fl.flows`): gradient, stable and central flows for GD, scalar RMSProp and RMSProp,
 * the SDCP solver, and comparisons with the real optimizer (Cohen, Damian, Talwalkar, Kolter & Lee,
 * ICLR 2025, arXiv:2410.24206).
 *
 * The flows are async and follow the tensor-read rule (src/tensor/read.ts): one packed read per
 * step (per substep for the central flow) besides the eigensolver's own. Results own one tensor, the final `flow.w` (a Tensor1D:
 * dispose it, or read it with `await fl.read(flow.w)`); tables, snapshots (`ws`) and directions are
 * host data.
 */
export { centralFlow, type CentralFlowOptions, type FlowResult } from './central.js';
export { gradientFlow, rk4Step, type GradientFlowOptions } from './gradient.js';
export { stableFlow, type StableFlowOptions } from './stable.js';
export { solveSdcp, sdcpResidual, applyBeta, type SdcpSolution, type SdcpResidual } from './sdcp.js';
export { makeRule, type FlowOptimizer, type RuleOptions, type FlowState } from './rules.js';
export { type RecordOptions } from './record.js';
export { compareFlows, gaussianSmooth, type CompareOptions } from './compare.js';
export { edgeOfStability } from './eos.js';
export { flowRecorders, snapshotRecorder, effectiveEigsRecorder, optimizerPreconditioner, type FlowRecorder, type TrainStepLike } from './recorders.js';
