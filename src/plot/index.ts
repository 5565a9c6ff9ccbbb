/**
 * flowlab's plots (`fl.plot`): plotly figure builders for runs, flows, landscapes and sweeps;
 * notebook rendering that works offline everywhere; live figures; table display; export.
 * Importing this module makes arquero tables display as HTML tables in notebooks.
 */
import { installTableDisplay } from './table-display.js';

export { Figure, figure } from './figure.js';
export { lines, type LinesOptions } from './lines.js';
export { sharpness, type SharpnessOptions } from './sharpness.js';
export { centralFlowPanels, centralFlowLossSharpness, type CentralFlowOptions, type LossSharpnessOptions } from './central-flow.js';
export { landscape1d, landscape2d, type Landscape1dOptions, type Landscape2dOptions, type Trajectory } from './landscape.js';
export { spectrum, type Density, type SpectrumOptions } from './spectrum.js';
export { pca, type PcaOptions, type ProjectedTrajectory } from './pca.js';
export { optimizerRace, type RaceOptions, type RacePath } from './optimizer-race.js';
export { rosenbrock, rastrigin, testFunction, type TestFunction } from './test-functions.js';
export { sweepHeatmap, type SweepHeatmapOptions, type Aggregate } from './sweep-heatmap.js';
export { subplots, type SubplotsOptions } from './subplots.js';
export { live, type LiveFigure, type LiveOptions, type TrainStep } from './live.js';
export { table, tableBundle, installTableDisplay, type TableDisplayOptions } from './table-display.js';
export { save, standaloneHtml, type SaveOptions } from './save.js';
export { init, show } from './init.js';
export { config, type PlotConfig } from './config.js';
export { renderBundle, resetRenderSession, PLOTLY_MIME } from './render.js';
export { closeBrowser } from './chromium.js';
export { gaussianSmooth } from './smooth.js';
export { PALETTE, axisTitle, lineStyle } from './theme.js';
export type { FigureSpec, Trace, Layout, Frame } from './types.js';

installTableDisplay();
