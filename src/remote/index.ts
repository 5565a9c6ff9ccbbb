/**
 * Remote execution on Jupyter servers through @jupyterlab/services (`fl.remote`): connection
 * settings from Node, a preflight check with actionable errors, a sweep executor that runs
 * parameterised notebooks on a server's kernels, and a JupyterHub client that starts (and stops)
 * named single-user servers for a sweep.
 */
export { checkServer, normalizeUrl, serverSettings, type ServerTarget } from './server.js';
export { executeOnServer, serverExecutor, type ServerExecutorOptions, type ServerRunOptions } from './execute.js';
export { IopubCollector, type CellOutput } from './outputs.js';
export { checkHub, hubBaseUrl, hubExecutor, hubServerState, startHubServer, startHubServers, stopHubServer, type HubServer, type HubTarget } from './hub.js';
