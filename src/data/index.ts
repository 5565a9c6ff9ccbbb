/** Datasets (`fl.data`): MNIST, CIFAR-10, synthetic tasks, and the Dataset object they share. */
export { mnist, type MnistOptions } from './mnist.js';
export { cifar10, cifar10Dirs, CIFAR10_CLASSES, type Cifar10Options } from './cifar10.js';
export { makeDataset, oneHot, firstPerClass, type Dataset, type DatasetFields } from './dataset.js';
export { parseIdx, encodeIdx, type IdxArray } from './idx.js';
export { encodePng } from './png.js';
export { rng, type Rng } from './random.js';
export * as synthetic from './synthetic/index.js';
