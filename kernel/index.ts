/**
 * flowlab/kernel: the Jupyter kernel's public face.
 * startKernel runs a kernel for a connection file; the kernelspec helpers install it.
 */
export { startKernel, type StartKernelOptions } from './main.js';
export { installKernelspec, uninstallKernelspec, kernelJson, kernelsDir, jupyterDataDir, type InstallOptions, type SpecLocation } from './kernelspec/index.js';
export { KernelClient, type ClientMessage } from './protocol/client.js';
export type { EngineRequest, EngineReply, EngineEvent, EngineMessage, MimeBundle } from './contract.js';
export { runNotebook, type RunNotebookOptions, type CellError, type Notebook } from './notebook/index.js';
