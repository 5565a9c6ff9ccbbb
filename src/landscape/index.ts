/**
 * flowlab's loss-landscape and Hessian analysis (`fl.landscape`). Every function that needs tensor
 * values is async (`await fl.landscape.topEigenpairs(P, w)`) and reads them in packed transfers:
 * one read per solver iteration, Hutchinson batch, SLQ step or slice row (src/tensor/read.ts).
 */
export { topEigenpairs, alignSigns, type EigenOptions, type Eigenpairs } from './eigenpairs.js';
export { EigenTracker, type TrackerOptions, type TrackerStep } from './tracker.js';
export { sharpness, preconditionedSharpness, bottomEigenvalue, directionalCurvature } from './sharpness.js';
export { trace, type TraceOptions } from './trace.js';
export { spectrumDensity, lanczosTridiagonal, type DensityOptions, type SpectrumDensity } from './density.js';
export * as directions from './directions.js';
export { slice1d, slice2d, interpolate } from './slices.js';
export { trajectoryPCA, trajectorySlice, type TrajectoryPCA } from './pca.js';
export { eigenRatioMap } from './eigenRatio.js';
export { hessianOperator, type Point, type SymOperator } from './operator.js';
export * as linalg from './linalg/index.js';
