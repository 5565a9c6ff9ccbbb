/**
 * Remote execution on Jupyter servers through @jupyterlab/services (`fl.remote`): connection
 * settings from Node, a preflight check with actionable errors, and a sweep executor that runs
 * parameterised notebooks on a server's kernels.
 */
export { checkServer, normalizeUrl, serverSettings, type ServerTarget } from './server.js';
export { executeOnServer, serverExecutor, type ServerExecutorOptions, type ServerRunOptions } from './execute.js';
export { IopubCollector, type CellOutput } from './outputs.js';
