/**
 * PNG encoding for dataset previews: the one encoder flowlab has (kernel/kernelspec/png.ts),
 * as fl.data.encodePng(width, height, channels, pixels).
 * @example fl.data.encodePng(28, 28, 1, grayBytes)
 */
export { encodeImagePng as encodePng, crc32 } from '../../kernel/kernelspec/png.js';
