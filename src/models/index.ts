/** Models (`fl.models`): pure functions of a flat parameter vector, losses, and model Problems. */
export { mlp, fcTanh, centralFlowsMlp, type MlpOptions } from './mlp.js';
export { cnn, eosCnn, type CnnOptions, type EosCnnOptions } from './cnn.js';
export { vit, posembSincos2d, type VitOptions } from './vit.js';
export { transformer, type TransformerOptions } from './transformer.js';
export { resnet, type ResnetOptions } from './resnet.js';
export { linear, deepLinear } from './toys.js';
export { logisticRegression } from './logisticRegression.js';
export { quadratic, type QuadraticProblem } from './quadratic.js';
export { mse, crossEntropy, logistic, maskedMse, maskedCrossEntropy, accuracy, lossByName, type Loss } from './losses.js';
export { fromModel, type FromModelOptions, type ModelProblem, type SupervisedData } from './fromModel.js';
export { activation, sigmoid, softplus, ACTIVATIONS, type Activation } from './activations.js';
export { defineModel, type Model } from './model.js';
export { layoutBuilder, initLayout, initializers, specOf, views, type Initializer, type Layout } from './spec.js';
export { dense, conv2d, avgPool2, maxPool2, avgPoolK, layerNorm, groupNorm } from './layers.js';
export { softmax, logSoftmax, attention } from './softmax.js';
