/**
 * Locating flowlab's own files (the repository or installed package root) from any module: the
 * kernel's walk up to the package.json named "flowlab" (kernel/engine/paths.ts), under the name
 * the library uses.
 * @example join(packageRoot(), 'datasets')
 */
export { kernelRoot as packageRoot } from '../../kernel/engine/paths.js';
