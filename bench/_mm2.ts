import { backend, tf } from '../src/tensor/index.js';
import * as O from '../src/optim/index.js';
await backend.use('wasm');
const G = tf.randomNormal([3072, 256]) as tf.Tensor2D;
const time = (name: string, f: () => tf.Tensor) => { f().dispose(); const t0 = performance.now(); for (let i = 0; i < 3; i++) { const r = f(); r.dataSync(); r.dispose(); } console.log(name, ((performance.now() - t0) / 3).toFixed(1), 'ms'); };
time('NS5 3072x256', () => O.newtonSchulz(G));
time('NS5 256x3072', () => O.newtonSchulz(tf.transpose(G) as tf.Tensor2D));
time('sinkhorn', () => O.sinkhornNormalize(G));
const opt = O.muon();
const p = { W: tf.randomNormal([3072, 256]) };
let s = opt.init(p);
const t0 = performance.now();
for (let i = 0; i < 3; i++) { const r = opt.update({ W: G }, s, p); (r.updates as any).W.dataSync(); s = r.state; }
console.log('muon record step', ((performance.now() - t0) / 3).toFixed(1));
