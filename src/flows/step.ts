/**
 * One optimizer step of the central flow (central.ts), as the official code discretises it
 * (src/processes.py: CentralFlow, EigManager), arranged so that a substep costs ONE derivative pass
 * and ONE packed read:
 *  - substep 0 of every `eigEvery`-th step re-solves the tracked eigenpairs (warm LOBPCG, its own
 *    reads); the other substeps reuse the cached vectors, with their Rayleigh quotients as values;
 *  - each substep then runs one shared pass (derivatives.ts) at w: loss, ∇L, H·Uᵢ for the rows it
 *    needs and gᵢⱼ = ∇(Uᵢᵀ H Uⱼ) for the candidate critical set C (the directions critical at the
 *    previous substep), and reads the Rayleigh quotients, the SDCP's inputs on C and the table
 *    row's values together; the actual critical set A (values > threshold) is then picked on the
 *    host. A ⊆ C is the rule (values move little within a step); when a direction crosses the
 *    threshold mid-step (A ⊄ C, once per arriving eigenvalue) the substep redoes its pass on A.
 * Rayleigh refreshes only where needed: cached vectors whose value is below `trackThreshold` (the
 * extra direction the tracker keeps to notice the next eigenvalue coming up) are refreshed by the
 * next solve, not between solves — they could only turn critical by jumping more than
 * threshold − trackThreshold (0.45 by default) within one step. Recorded rows refresh every vector,
 * so the table's eigenvalue columns are as fresh as the official code's.
 */
import { tf } from '../tensor/tf.js';
import { readPacked } from '../tensor/read.js';
import type { Problem, Tensor1D, Tensor2D } from '../tensor/types.js';
import { disposeDiag, type Diag, type FlowState, type Rule } from './rules.js';
import { FlowEigTracker } from './tracker.js';
import { centralInputs, centralUpdate, disposeInputs, solveCentral, stableSubstep } from './substep.js';
import { substepDerivatives } from './derivatives.js';
import { pickSigmaInput, unitRow } from './sigma.js';
import { pScalar, rowPacket, type RowPut, type StepRow } from './row.js';

/**
 * Rows `rows` of M (in that order) as one [rows.length, dim] tensor, by slices: the same values as
 * tf.gather(M, rows), whose wasm kernel indexes element by element (~5 ms for 4 rows of 25k, a
 * tenth of a small model's derivative pass); a run of consecutive rows is one slice.
 */
function pickRows(M: Tensor2D, rows: number[]): Tensor2D {
  const parts: tf.Tensor[] = [];
  for (let a = 0; a < rows.length;) {
    let b = a + 1;
    while (b < rows.length && rows[b] === rows[b - 1] + 1) b++;
    parts.push(tf.slice(M, [rows[a], 0], [b - a, -1]));
    a = b;
  }
  return (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as Tensor2D;
}

/** Settings of the stepper (centralFlow's options, defaults applied). */
export interface StepperOptions { substeps: number; eigEvery: number; threshold: number; trackThreshold: number; eigTol: number; seed: number; wantDirections: boolean }

/** The central flow's state (w, ν, tracked eigenvectors) advanced one optimizer step at a time. */
export class CentralStepper {
  /** Current weights (owned; read them, do not dispose them while stepping). */
  w: Tensor1D;
  s: FlowState;
  /** Milliseconds per part: eigs (solves), derivatives (the shared passes), sdcp, update. */
  readonly times = { eigs: 0, derivatives: 0, sdcp: 0, update: 0 };
  /** Derivative passes run, and how many had to be redone on a changed critical set. */
  readonly counts = { passes: 0, redone: 0, solves: 0 };
  private values: number[] = [];
  private symU: Tensor2D | null = null;
  private readonly tracker: FlowEigTracker;
  private steps = 0;

  constructor(private readonly P: Problem, private readonly rule: Rule, w: Tensor1D, private readonly o: StepperOptions) {
    this.w = w;
    const g = P.grad(w);
    this.s = rule.init(g); // the rule's state after the first update at w, as the official code starts
    g.dispose();
    this.tracker = new FlowEigTracker(P, { threshold: o.trackThreshold, tol: o.eigTol, seed: o.seed });
  }

  /**
   * Advances one optimizer step (`substeps` Euler substeps; async). `row` (recorded steps) puts the
   * recorder's tensors and makes substep 0 return the row's values. `last`: substep 0 only, and w
   * stays where it is (the final row needs the SDCP of its substep, not its move).
   */
  async step(row: RowPut | null = null, last = false): Promise<StepRow | null> {
    const solve = this.steps++ % this.o.eigEvery === 0;
    let out: StepRow | null = null;
    for (let sub = 0; sub < (last ? 1 : this.o.substeps); sub++) {
      const r = await this.substep(sub === 0 && solve, sub === 0 ? row : null, last);
      if (sub === 0) out = r;
    }
    return out;
  }

  /** Frees the cached eigenvectors and ν (not w: the caller takes it). */
  dispose(): void {
    this.symU?.dispose();
    this.symU = null;
    disposeDiag(this.s.nu);
  }

  private async substep(solve: boolean, row: RowPut | null, keepW: boolean, forced: number[] | null = null): Promise<StepRow | null> {
    const p = this.rule.precond(this.s);
    const pis = typeof p === 'number' ? 1 / Math.sqrt(p) : tf.tidy(() => tf.rsqrt(p));
    try {
      if (solve) {
        const t0 = performance.now();
        const fresh = await this.tracker.update(this.w, p);
        this.symU?.dispose();
        ({ symU: this.symU, values: this.values } = fresh);
        this.counts.solves++;
        this.times.eigs += performance.now() - t0;
      }
      const v = this.values;
      const order = v.map((_, i) => i).sort((a, b) => v[b] - v[a]);
      const C = forced ?? order.filter((i) => v[i] > this.o.threshold);
      const refresh = solve || forced ? [] : order.filter((i) => !C.includes(i) && (row !== null || v[i] > this.o.trackThreshold));
      const rows = [...C, ...refresh];
      if (rows.length === 0) return await this.stable(row, keepW, p, pis);
      return await this.central(rows, C.length, !solve && !forced, row, keepW, p, pis);
    } finally {
      disposeDiag(p, pis);
    }
  }

  /** A substep with nothing to refresh or solve for: the stable flow (one read only for a row). */
  private async stable(row: RowPut | null, keepW: boolean, p: Diag, pis: Diag): Promise<StepRow | null> {
    let t0 = performance.now();
    const { loss, grad } = this.P.lossAndGrad(this.w);
    this.times.derivatives += performance.now() - t0;
    const top = row ? this.topDirection(pis) : null;
    const pk = row ? rowPacket(row, loss, grad, this.s, p, this.w, top, this.o.wantDirections) : null;
    top?.dispose(); // the packet holds its own copy
    try {
      t0 = performance.now();
      const wOld = keepW ? this.w.clone() : null;
      ({ w: this.w, s: this.s } = stableSubstep(this.rule, this.w, this.s, grad, 1 / this.o.substeps));
      if (wOld) { this.w.dispose(); this.w = wOld; }
      this.times.update += performance.now() - t0;
      if (!pk) return null;
      const values = await pk.read();
      if (values.sigma) values.sigma = unitRow(values.sigma, 0, this.P.dim);
      return { values, eigs: this.sortedValues(), crit: 0, X: new Float64Array(0), hu: new Float64Array(0), residual: NaN, pScalar: pScalar(p, values) };
    } finally {
      tf.dispose([loss, grad]);
      pk?.dispose();
    }
  }

  /** A substep with a derivative pass over `rows` (the first c are the candidate critical set C). */
  private async central(rows: number[], c: number, refreshed: boolean, row: RowPut | null, keepW: boolean, p: Diag, pis: Diag): Promise<StepRow | null> {
    let t0 = performance.now();
    const U = tf.tidy(() => tf.mul(pickRows(this.symU!, rows), pis)) as Tensor2D; // P-normalised rows
    const d = substepDerivatives(this.P, this.w, U, c);
    this.counts.passes++;
    const UC = tf.tidy(() => U.slice([0, 0], [c, -1])) as Tensor2D;
    const ci = centralInputs(this.rule, this.s, d.grad, UC, d.curvatureGrad);
    const rq = tf.tidy(() => tf.sum(tf.mul(d.hvp, U), 1));
    this.times.derivatives += performance.now() - t0;
    const pk = row ? rowPacket(row, d.loss, d.grad, this.s, p, this.w, U, this.o.wantDirections) : null;
    let A: number[] = [];
    try {
      const values = await readPacked([rq, ...ci.small, ...(pk?.tensors ?? [])]);
      if (refreshed) rows.forEach((i, a) => { this.values[i] = values[0][a]; });
      A = this.sortedIndices().filter((i) => this.values[i] > this.o.threshold);
      const posA = A.map((i) => rows.indexOf(i));
      if (posA.every((q) => q >= 0 && q < c)) {
        t0 = performance.now();
        const sol = solveCentral(this.rule, values.slice(1, 1 + ci.small.length), rows.slice(0, c).map((i) => this.values[i]), posA, 1 / this.o.substeps);
        this.times.sdcp += performance.now() - t0;
        t0 = performance.now();
        const wOld = keepW ? this.w.clone() : null;
        ({ w: this.w, s: this.s } = centralUpdate(this.rule, this.w, this.s, ci, sol, 1 / this.o.substeps));
        if (wOld) { this.w.dispose(); this.w = wOld; }
        this.times.update += performance.now() - t0;
        if (!pk) return null;
        const named = pk.name(values.slice(1 + ci.small.length));
        if (A.length) named.sigma = pickSigmaInput(named.sigma, rows.length, posA, this.o.wantDirections, this.P.dim);
        else if (this.o.wantDirections) named.sigma = unitRow(named.sigma, rows.indexOf(this.sortedIndices()[0]), this.P.dim);
        else delete named.sigma;
        return { values: named, eigs: this.sortedValues(), crit: A.length, X: sol.X, hu: sol.hu, residual: sol.residual?.relative ?? NaN, pScalar: pScalar(p, named) };
      }
    } finally {
      tf.dispose([U, UC, rq, d.loss, d.grad, d.hvp, d.curvatureGrad]);
      disposeInputs(ci);
      pk?.dispose();
    }
    // a direction crossed the threshold since the last substep: redo the pass on the critical set
    this.counts.redone++;
    return await this.substep(false, row, keepW, A);
  }

  /** The top tracked direction, P-normalised, when directions are recorded (else null). */
  private topDirection(pis: Diag): tf.Tensor | null {
    if (!this.o.wantDirections || !this.symU || this.values.length === 0) return null;
    const i = this.sortedIndices()[0];
    return tf.tidy(() => tf.mul(tf.gather(this.symU!, i), pis));
  }

  private sortedIndices(): number[] {
    return this.values.map((_, i) => i).sort((a, b) => this.values[b] - this.values[a]);
  }

  private sortedValues(): number[] {
    return this.sortedIndices().map((i) => this.values[i]);
  }
}
