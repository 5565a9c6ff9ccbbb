/**
 * Closed forms, no finite differences:
 * - quadratic L = ½wᵀAw (A symmetric): grad = Aw, hvp = Av, hvpBatch rows = A·Vᵢ, curvatureGrad = 0;
 * - cubic L = Σ cᵢwᵢ³/6 + (aᵀw)(bᵀw)(dᵀw): curvatureGrad(w,u,v) = c⊙u⊙v
 *   + a[(bᵀu)(dᵀv) + (bᵀv)(dᵀu)] + b[(aᵀu)(dᵀv) + (aᵀv)(dᵀu)] + d[(aᵀu)(bᵀv) + (aᵀv)(bᵀu)].
 * Computed in float64 here; compared at float32 precision, on cpu and wasm.
 */
import { test } from 'node:test';
import { testBackends } from '../backends.js';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend, problem, reference as ref } from '../../src/tensor/index.js';

const n = 7;
const r = ref.rng(11);
const f32 = (x: ArrayLike<number>) => Float64Array.from(Float32Array.from(x));
const B = f32(r.normals(n * n));
const A = new Float64Array(n * n);
for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = B[i * n + j] + B[j * n + i];
const [a, b, d, c] = [0, 1, 2, 3].map(() => f32(r.normals(n)));
const [w, u, v, v2] = [0, 1, 2, 3].map(() => f32(r.normals(n)));
const dot = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((s, xi, i) => s + xi * y[i], 0);
const Amul = (x: ArrayLike<number>) => ref.matMul(A, x, n, n, 1);

function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0, s = 0;
  for (let i = 0; i < want.length; i++) { e += (got[i] - want[i]) ** 2; s += want[i] ** 2; }
  return Math.sqrt(e / Math.max(s, 1e-30));
}
const read = async (t: tf.Tensor) => { const x = (await t.data()).slice(); t.dispose(); return x as Float32Array; };

for (const be of testBackends()) {
  test(`quadratic ½wᵀAw: hvp = Av, hvpBatch = rows of A·V, curvatureGrad = 0 (${be})`, async () => {
    await backend.use(be);
    const At = tf.tensor2d(Float32Array.from(A), [n, n]);
    const P = problem((x) => tf.mul(0.5, tf.sum(tf.mul(x, tf.reshape(tf.matMul(At, tf.reshape(x, [n, 1])), [n])))) as tf.Scalar, { dim: n });
    const [wt, ut, vt] = [w, u, v].map((x) => tf.tensor1d(Float32Array.from(x)));
    assert.ok(relErr(await read(P.grad(wt)), Amul(w)) < 1e-6);
    assert.ok(relErr(await read(P.hvp(wt, vt)), Amul(v)) < 1e-6);
    const V = tf.tensor2d([...Float32Array.from(v), ...Float32Array.from(v2)], [2, n]);
    const HV = await read(P.hvpBatch(wt, V));
    assert.ok(relErr(HV.slice(0, n), Amul(v)) < 1e-6);
    assert.ok(relErr(HV.slice(n), Amul(v2)) < 1e-6);
    assert.deepEqual(Array.from(await read(P.curvatureGrad(wt, ut, vt))), new Array(n).fill(0));
    tf.dispose([At, wt, ut, vt, V]);
  });

  test(`cubic form: curvatureGrad matches the closed form (${be})`, async () => {
    await backend.use(be);
    const [at, bt, dt, ct] = [a, b, d, c].map((x) => tf.tensor1d(Float32Array.from(x)));
    const P = problem((x) => tf.add(
      tf.div(tf.sum(tf.mul(ct, tf.pow(x, 3))), 6),
      tf.mul(tf.mul(tf.sum(tf.mul(at, x)), tf.sum(tf.mul(bt, x))), tf.sum(tf.mul(dt, x)))) as tf.Scalar, { dim: n });
    const [wt, ut, vt] = [w, u, v].map((x) => tf.tensor1d(Float32Array.from(x)));
    const want = new Float64Array(n);
    const [au, av, bu, bv, du, dv] = [dot(a, u), dot(a, v), dot(b, u), dot(b, v), dot(d, u), dot(d, v)];
    for (let i = 0; i < n; i++) {
      want[i] = c[i] * u[i] * v[i] + a[i] * (bu * dv + bv * du) + b[i] * (au * dv + av * du) + d[i] * (au * bv + av * bu);
    }
    const got = await read(P.curvatureGrad(wt, ut, vt));
    assert.ok(relErr(got, want) < 1e-5, `relative error ${relErr(got, want)}`);
    // and it does not depend on w (third derivative of a cubic is constant)
    const w2 = tf.add(wt, 1) as tf.Tensor1D;
    assert.ok(relErr(await read(P.curvatureGrad(w2, ut, vt)), want) < 1e-5);
    tf.dispose([at, bt, dt, ct, wt, ut, vt, w2]);
  });
}
