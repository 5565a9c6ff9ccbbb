/** The kernelspec: install/uninstall, paths, logos. */
export { installKernelspec, uninstallKernelspec, kernelJson, packageRoot, type InstallOptions } from './install.js';
export { kernelsDir, jupyterDataDir, jupyterPython, pythonSysPrefix, type SpecLocation } from './paths.js';
export { encodePng, crc32 } from './png.js';
export { drawLogo, writeLogos } from './logo.js';
