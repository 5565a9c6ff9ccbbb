/**
 * Central flows on analytic toys whose flows are known in closed form (derivations below), plus
 * the invariants of the paper: before EoS the central flow is the gradient flow; during EoS the
 * effective sharpness is pinned at 2 (GD: S = 2/η; scalar RMSProp: η/√ν = 2/S).
 *
 * Toy (tests/flows/helpers/toys.ts): L(x, y) = ½ Σᵢ (aᵢᵀy) xᵢ² + ½‖y − y*‖². At x = 0 the sharp
 * directions are the xᵢ axes with curvature Sᵢ = aᵢᵀy; ∇_w Sᵢ = (0, aᵢ).
 *  • Gradient flow (dw/dt = −η∇L): y(t) = y* + e^{−ηt}(y0 − y*).
 *  • GD central flow, one critical direction: once S(y) = a·y reaches 2/η (time t_h), the flow
 *    slides on the level set: dy/dt = −η(I − aaᵀ/‖a‖²)(y − y*), so
 *    y(t) = y∞ + e^{−η(t − t_h)}(y_h − y∞), y∞ = y* − a(a·y* − 2/η)/‖a‖²,
 *    σ² = 2⟨−∇L, ∇S⟩/‖∇S‖² = 2(a·y* − 2/η)/‖a‖² (constant), predicted loss ½‖y − y*‖² + σ²/η.
 *  • Two critical directions: y∞ = projection of y* on {Ay = 2/η·1}, σ² = 2(AAᵀ)⁻¹(Ay* − 2/η·1).
 *  • Scalar RMSProp fixed point: y = y* − τa, σ² = 2τ, ν = ‖∇L‖² + σ²S² = τ²‖a‖² + 2τS²,
 *    η/√ν = 2/S with S = a·y* − τ‖a‖²  ⇒ one scalar equation for τ (bisection here).
 *  • RMSProp fixed point: E[g_x²] = S²σ_x² = ν_x and S = 2P_x = 2√ν_x/η ⇒ σ_x² = η²/4,
 *    y∞ = y* − (η²/8)a, ν_x = (ηS∞/2)²; the y directions end critical too, with √ν_y = η/2.
 * Runs on wasm by default and on webgpu with FLOWLAB_BACKEND=webgpu (the toys are 3–5 dimensional,
 * so lavapipe runs them in about a minute); every flow's final w (a Tensor1D the result owns) is
 * read and disposed, and tensor counts are checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { checkDerivatives } from '../../src/tensor/index.js';
import { read } from '../../src/tensor/read.js';
import { centralFlow, gradientFlow, type FlowResult } from '../../src/flows/index.js';
import { sharpnessToy } from './helpers/toys.js';

const rows = (t: { objects(): object[] }) => t.objects() as Array<Record<string, number>>;
/** The flow's final w as host values; disposes the result's tensor. */
async function finalW(flow: FlowResult): Promise<Float32Array> {
  try {
    return Float32Array.from(await read(flow.w));
  } finally {
    flow.w.dispose();
  }
}
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

test('runs on the backend asked for (FLOWLAB_BACKEND=webgpu runs this file on webgpu, same tolerances)', () => {
  // the default backend falls back to cpu with a warning when webgpu is unavailable: fail instead
  assert.equal(tf.getBackend(), process.env.FLOWLAB_BACKEND ?? 'wasm');
});

test('toy Problem derivatives agree with float64 finite differences', async () => {
  const P = sharpnessToy([[1, 0.5], [0.2, -0.7]], [3, 2]);
  const w = tf.tensor1d([0.3, -0.4, 1.2, 0.8]);
  const rep = await checkDerivatives(P, w, { reference: (x) => P.lossRef(x) });
  assert.ok(rep.pass, JSON.stringify(rep));
  w.dispose();
  P.dispose();
});

test('GD, one critical direction: gradient flow before EoS, then the closed-form slide along S = 2/η', async () => {
  const a = [1, 0.5], ys = [30, 20], y0 = [5, 5], eta = 0.1;
  const P = sharpnessToy([a], ys);
  const aa = dot(a, a), ay = dot(a, ys), ay0 = dot(a, y0);
  const th = Math.log((ay - ay0) / (ay - 2 / eta)) / eta; // hitting time of S = 2/η along gradient flow
  const yh = ys.map((v, i) => v + Math.exp(-eta * th) * (y0[i] - v));
  const yInf = ys.map((v, i) => v - (a[i] * (ay - 2 / eta)) / aa);
  const sigma2 = (2 * (ay - 2 / eta)) / aa;
  const exact = (t: number) => (t < th ? ys.map((v, i) => v + Math.exp(-eta * t) * (y0[i] - v)) : yInf.map((v, i) => v + Math.exp(-eta * (t - th)) * (yh[i] - v)));
  const errs: number[] = [];
  const before = tf.memory().numTensors;
  for (const substeps of [4, 16]) {
    const cf = await centralFlow(P, [0.1, ...y0], { lr: eta, steps: 60, substeps, record: { w: true } });
    cf.w.dispose();
    let err = 0;
    cf.ws!.forEach((w, t) => { const y = exact(t); err = Math.max(err, Math.hypot(w[1] - y[0], w[2] - y[1])); });
    errs.push(err);
    if (substeps !== 4) continue;
    for (const r of rows(cf.table)) {
      if (r.step < th - 0.5) assert.equal(r.nCritical, 0, `step ${r.step} is before EoS`);
      if (r.step > th + 1) {
        // pinned at the edge of stability: effective sharpness within 1 % of 2 (raw S within 1 % of 2/η)
        assert.ok(Math.abs(r.eig_1 - 2) < 0.02, `step ${r.step}: eig_1 = ${r.eig_1}`);
        assert.ok(Math.abs(r.sigma2_1 - sigma2) < 1e-3 * sigma2, `step ${r.step}: σ² = ${r.sigma2_1}, closed form ${sigma2}`);
        const y = cf.ws![r.step];
        const fy = 0.5 * ((y[1] - ys[0]) ** 2 + (y[2] - ys[1]) ** 2);
        assert.ok(Math.abs(r.lossPredicted - (fy + sigma2 / eta)) < 1e-3 * r.lossPredicted, `step ${r.step}: predicted loss`);
      }
    }
  }
  // Euler with dt = 1/substeps is first-order: max error ≈ C/substeps. Measured 0.099 (4) and
  // 0.024 (16) on a path of length 29; accept ≤ 0.5 % of the path and a ratio ≈ 1/4.
  const scale = Math.hypot(y0[0] - ys[0], y0[1] - ys[1]);
  assert.ok(errs[0] < 0.005 * scale, `max |y_CF − y_exact| = ${errs[0]}`);
  assert.ok(errs[1] / errs[0] > 0.18 && errs[1] / errs[0] < 0.32, `error ratio 16 vs 4 substeps: ${errs[1] / errs[0]}`);
  // gradient flow (RK4) follows its closed form tightly
  const gf = await gradientFlow(P, [0.1, ...y0], { lr: eta, steps: 20, record: { w: true } });
  const gfW = await finalW(gf);
  assert.deepEqual(Array.from(gfW), Array.from(gf.ws!.at(-1)!), 'flow.w is the last snapshot');
  gf.ws!.forEach((w, t) => {
    const y = ys.map((v, i) => v + Math.exp(-eta * t) * (y0[i] - v));
    assert.ok(Math.hypot(w[1] - y[0], w[2] - y[1]) < 2e-3, `GF step ${t}`);
  });
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  P.dispose();
});

test('real GD on the toy settles on the period-2 orbit x = ±σ around the central flow’s fixed point', async () => {
  // mild instability (a·y* = 22 vs 2/η = 20) so that real GD self-stabilises instead of diverging
  const a = [1, 0.5], ys = [17, 10], eta = 0.1;
  const P = sharpnessToy([a], ys);
  const before = tf.memory().numTensors;
  const cf = await centralFlow(P, [0.1, 10, 8], { lr: eta, steps: 150 });
  const w = await finalW(cf);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  // hand-written GD: x ← x − η S(y) x, y ← y − η(½x²a + y − y*)
  let [x, y1, y2] = [0.1, 10, 8];
  let avgY1 = 0, avgY2 = 0, avgX2 = 0;
  const T = 3000;
  for (let t = 0; t < T; t++) {
    const S = a[0] * y1 + a[1] * y2;
    [x, y1, y2] = [x - eta * S * x, y1 - eta * (0.5 * x * x * a[0] + y1 - ys[0]), y2 - eta * (0.5 * x * x * a[1] + y2 - ys[1])];
    if (t >= T - 200) { avgY1 += y1 / 200; avgY2 += y2 / 200; avgX2 += (x * x) / 200; }
  }
  const last = rows(cf.table).at(-1)!;
  assert.ok(Math.abs(w[1] - avgY1) < 1e-3 && Math.abs(w[2] - avgY2) < 1e-3, `CF y = ${w.slice(1)}, GD average ${avgY1}, ${avgY2}`);
  assert.ok(Math.abs(last.sigma2_1 - avgX2) < 1e-3 * avgX2, `σ² = ${last.sigma2_1} vs GD's mean x² = ${avgX2}`);
  P.dispose();
});

test('GD, two critical directions: fixed point and Σ = diag(σ²) match the closed form', async () => {
  const A = [[1, 0, 0.5], [0, 1, 0.5]], ys = [30, 25, 10], eta = 0.1;
  const P = sharpnessToy(A, ys);
  const cf = await centralFlow(P, [0.05, 0.05, 5, 5, 5], { lr: eta, steps: 120, record: { every: 10, directions: true } });
  const w = await finalW(cf);
  // σ² = 2 (AAᵀ)⁻¹ (A y* − 2/η), y∞ = y* − ½ Aᵀσ²
  const G = [[dot(A[0], A[0]), dot(A[0], A[1])], [dot(A[1], A[0]), dot(A[1], A[1])]];
  const r = [dot(A[0], ys) - 2 / eta, dot(A[1], ys) - 2 / eta];
  const det = G[0][0] * G[1][1] - G[0][1] * G[1][0];
  const s2 = [(2 * (G[1][1] * r[0] - G[0][1] * r[1])) / det, (2 * (G[0][0] * r[1] - G[1][0] * r[0])) / det];
  const yInf = ys.map((v, j) => v - 0.5 * (A[0][j] * s2[0] + A[1][j] * s2[1]));
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(w[2 + j] - yInf[j]) < 1e-3 * Math.abs(yInf[j]) + 1e-3, `y${j}: ${w[2 + j]} vs ${yInf[j]}`);
  const last = rows(cf.table).at(-1)!;
  assert.equal(last.nCritical, 2);
  // Only the diagonal of Σ in the (x1, x2) axes is determined: H has no x1–x2 coupling, so Σ_x1x2
  // moves neither w nor the stability conditions (the SDCP's β is singular there). Compare
  // Σ_xixi = Σ_r σ²_r (e_r)_i² from the recorded eigen-directions of Σ.
  const dirs = cf.directions!.at(-1)!;
  for (let i = 0; i < 2; i++) {
    const sii = dirs.reduce((acc, e, r) => acc + last[`sigma2_${r + 1}`] * e[i] ** 2, 0);
    assert.ok(Math.abs(sii - s2[i]) < 2e-3 * s2[0], `Σ_x${i + 1}x${i + 1} = ${sii} vs ${s2[i]}`);
  }
  assert.ok(Math.abs(last.eig_1 - 2) < 0.02 && Math.abs(last.eig_2 - 2) < 0.02);
  P.dispose();
});

test('scalar RMSProp: η/√ν = 2/S along the flow at EoS, and the closed-form fixed point', async () => {
  const a = [1, 0.5], ys = [30, 20], eta = 2, b2 = 0.9;
  const P = sharpnessToy([a], ys);
  const before = tf.memory().numTensors;
  const cf = await centralFlow(P, [0.1, 5, 5], { optimizer: 'scalarRmsprop', lr: eta, b2, biasCorrection: true, steps: 300 });
  const w = await finalW(cf);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak (ν lives on the device)');
  let atEos = 0;
  const onset = rows(cf.table).find((r) => r.nCritical >= 1)!.step;
  for (const r of rows(cf.table)) {
    if (r.step <= onset) continue; // the onset row itself sits between threshold 1.95 and 2
    atEos++;
    const twoOverS = 2 / r.eigRaw_1;
    assert.ok(Math.abs(r.lrOverSqrtNu - twoOverS) < 0.01 * twoOverS, `step ${r.step}: η/√ν = ${r.lrOverSqrtNu}, 2/S = ${twoOverS}`);
  }
  assert.ok(atEos > 200, `the flow reaches EoS early (${atEos} rows at EoS)`);
  const aa = dot(a, a), ay = dot(a, ys);
  const F = (tau: number) => { const S = ay - tau * aa; return (S * S * eta * eta) / 4 - (tau * tau * aa + 2 * tau * S * S); };
  let lo = 1e-9, hi = ay / aa / 2;
  for (let i = 0; i < 200; i++) { const mid = (lo + hi) / 2; if (F(lo) * F(mid) <= 0) hi = mid; else lo = mid; }
  const tau = (lo + hi) / 2, S = ay - tau * aa;
  const last = rows(cf.table).at(-1)!;
  assert.ok(Math.abs(last.nu - (S * eta / 2) ** 2) < 1e-3 * (S * eta / 2) ** 2, `ν = ${last.nu} vs ${(S * eta / 2) ** 2}`);
  assert.ok(Math.abs(last.sigma2_1 - 2 * tau) < 1e-3 * 2 * tau, `σ² = ${last.sigma2_1} vs ${2 * tau}`);
  assert.ok(Math.abs(w[1] - (ys[0] - tau * a[0])) < 1e-3 && Math.abs(w[2] - (ys[1] - tau * a[1])) < 1e-3, `y = ${w.slice(1)}`);
  P.dispose();
});

test('RMSProp: closed-form fixed point y∞ = y* − (η²/8)a, ν_x = (ηS∞/2)², √ν_y = η/2', async () => {
  const a = [1, 0.5], ys = [30, 20], eta = 0.5;
  const P = sharpnessToy([a], ys);
  const before = tf.memory().numTensors;
  const cf = await centralFlow(P, [0.1, 5, 5], { optimizer: 'rmsprop', lr: eta, b2: 0.9, biasCorrection: true, steps: 250 });
  const w = await finalW(cf);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  const yInf = ys.map((v, i) => v - (eta * eta / 8) * a[i]);
  const Sinf = dot(a, yInf);
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(w[1 + j] - yInf[j]) < 1e-4 * Math.abs(yInf[j]), `y${j}: ${w[1 + j]} vs ${yInf[j]}`);
  const last = rows(cf.table).at(-1)!;
  assert.ok(Math.abs(last.nuMax - (eta * Sinf / 2) ** 2) < 1e-3 * (eta * Sinf / 2) ** 2, `ν_x = ${last.nuMax}`);
  assert.ok(Math.abs(last.nuMin - eta * eta / 4) < 1e-3 * eta * eta / 4, `ν_y = ${last.nuMin}`);
  for (let i = 1; i <= last.nTracked; i++) assert.ok(Math.abs(last[`eig_${i}`] - 2) < 0.02, `eig_${i} = ${last[`eig_${i}`]}`);
  P.dispose();
});

test('bad options get errors that name the argument', async () => {
  const P = sharpnessToy([[1, 0.5]], [30, 20]);
  await assert.rejects(centralFlow(P, [0, 0, 0], { lr: -1, steps: 3 }), /lr/);
  await assert.rejects(centralFlow(P, [0, 0], { lr: 0.1, steps: 3 }), /w0 has length 2/);
  await assert.rejects(centralFlow(P, [0, 0, 0], { lr: 0.1, steps: 3, optimizer: 'adam' as never }), /optimizer/);
  await assert.rejects(centralFlow(P, [0, NaN, 0], { lr: 0.1, steps: 3 }), /finite/);
  // a tensor w0 is checked on the device (on webgpu, answered by the flow's first read)
  const bad = tf.tensor1d([0, Infinity, 0]);
  const before = tf.memory().numTensors;
  await assert.rejects(centralFlow(P, bad, { lr: 0.1, steps: 3 }), /w0' contains NaN or Inf/);
  await assert.rejects(gradientFlow(P, bad, { lr: 0.1, steps: 3 }), /w0' contains NaN or Inf/);
  assert.equal(tf.memory().numTensors, before, 'nothing leaks on the error path');
  bad.dispose();
  P.dispose();
});
