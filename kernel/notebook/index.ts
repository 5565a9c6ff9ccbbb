/** In-process notebook execution (what `flowlab run` and `flowlab reproduce` use). */
export { runNotebook, type RunNotebookOptions, type CellError, type Notebook } from './run.js';
export { OutputCollector, type NbOutput } from './outputs.js';
export { injectParameters, parameterSource, type NbCell } from './parameters.js';
