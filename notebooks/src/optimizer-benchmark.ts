// %% md
// # An optimizer benchmark worth trusting: equal tuning budgets, time to target, performance profiles
//
// **Papers.** Dahl, Schneider, Nado, Agarwal, Sastry, Hennig, Medapati, Eschenhagen, Kasimbeg, Suo,
// Bae, Gilmer, Peirson, Khan, Anil, Rabbat, Krishnan, Snider, Amid, Chen, Maddison, Vasudev,
// Badura, Garg & Mattson, *Benchmarking Neural Network Training Algorithms* (AlgoPerf), 2023
// ([arXiv:2306.07179](https://arxiv.org/abs/2306.07179)); Wen, Hall, Ma & Liang, *Fantastic
// Pretraining Optimizers and Where to Find Them*, 2025 ([arXiv:2509.02046](https://arxiv.org/abs/2509.02046)).
//
// **Claim (both papers).** An optimizer comparison is only honest when every optimizer gets the
// same tuning budget over a documented search space and is scored by how fast it reaches a fixed
// target on held-out data — not by its loss after N steps at hand-picked hyperparameters. The
// rankings the two protocols give can differ; AlgoPerf summarises the honest one with
// **performance profiles**: ρ_s(τ) = the fraction of problems on which optimizer s reaches the
// target within τ× the time of the fastest optimizer, and the score B_s = ∫₁⁴ ρ_s(τ)dτ / 3.
//
// **The protocol** (`fl.lab.benchmark`, AlgoPerf's external-tuning ruleset): per optimizer and
// problem, the same number of hyperparameter points from a scrambled Halton sequence over the
// optimizer's documented search space (the table below says where each space comes from); each
// trial trains from seed 0 until the *validation* target or the step budget; the fastest trial is
// selected and re-run from fresh seeds, timed to the target on a separate *test* split (AlgoPerf
// scores the study's own trials; re-running on unseen seeds and data is stricter). Steps and
// training seconds (evaluations off the clock) are both recorded; the claims use steps, which
// do not depend on the machine's load.
//
// **Problems** (three small ones, each with a held-out target on accuracy): an MLP on MNIST
// digits (14×14, 10 classes), a small CNN on the same digits, and a one-block causal transformer
// on the sorting task of the central-flows paper (next-token accuracy on the sorted half).
// *quick*: 1000 training examples, budgets of 40 steps, 3 trials per optimizer, 2 scoring seeds
// (one for the defaults) — a minute on a CPU; targets (accuracy 0.75, 0.65, 0.85) that AdamW with a
// learning-rate range suited to 40 steps (the control of claim 3) reaches in about half the budget.
// *paper*: 5000 examples, 400 steps, AlgoPerf's 5 trials, 3 seeds, larger models; its targets are
// what one AdamW reference run per problem (η 3e-3 or 1e-2, seed 0) reaches in about a third of the
// budget — AlgoPerf sets its targets from reference runs too, with far larger tuning budgets.
// flowlab has not yet run this notebook in full at paper scale.
//
// **Optimizers.** AdamW, Lion, SOAP, Muon, Schedule-Free AdamW, SANIA (and Nesterov momentum at
// paper scale); scheduled ones use AlgoPerf's baseline schedule (5 % linear warm-up, cosine decay
// to zero at the budget). Each scored run of the tuned point continues to the budget after the
// target at paper scale, so its accuracy after the budget is known too (claim 4).
//
// **Checked below** (the last cell prints PASS/FAIL):
// 1. the protocol: every optimizer got exactly the same number of trials, each inside its documented
//    space; the profiles and scores equal a recomputation from the per-seed step counts by hand;
// 2. *quick scale — the search space is part of the optimizer* (AlgoPerf makes the space part of the
//    submission): a 40-step budget wants larger steps than runs of thousands of steps (the convex
//    bound of the `schedules-convex-theory` notebook puts the best rate at ∝ 1/√T), so AdamW, Lion and
//    SOAP, whose ranges come from AlgoPerf's long runs, always pick their largest-η trial;
// 3. *quick scale — under-tuned baselines inflate speed-ups* (Wen et al.: the 1.4–2× speed-ups claimed
//    over AdamW shrink to at most 1.4× against a well-tuned AdamW): AdamW over AlgoPerf's range is more
//    than 2× slower than the fastest optimizer (or misses the target) on most problems; the same AdamW
//    with its η range one decade higher (a control run beside the benchmark, same number of trials)
//    reaches every target within 2× of the fastest optimizer's median steps;
// 4. *paper scale* — equal tuning narrows the gaps the defaults show (on every problem the spread of
//    test accuracy after the budget across optimizers is smaller tuned than at the published defaults);
//    the two protocols rank differently (some pair of optimizers swaps); Muon or SOAP needs fewer
//    steps than AdamW and Lion on every problem (Wen et al.: the fastest optimizers, such as Muon and
//    SOAP, all precondition with matrices; 1.4× over AdamW at 0.1B parameters).
//
// **Not tested at quick scale** (stated, not checked): the claims of item 4. At 40 steps with 3
// trials, tuning cannot equalise optimizers whose ranges stop short of the step size the budget
// wants (item 2), and both protocols rank mostly by the step size each range or default allows — so
// whether a pair swaps, or a spread shrinks, is an accident of the set-up (while this notebook was
// written, changing the batch sizes made the one swapped pair agree, and left one spread within 0.01). **Not tested at any scale here**: Wen et al.'s
// finding that speed-ups shrink with model size (one size here); AlgoPerf's wall-clock ranking
// (timings on a shared CPU are noisy — the time profile is shown, not checked); that the winners of
// AlgoPerf's competition (Distributed Shampoo, Schedule-Free AdamW) win on its workloads.

// %% parameters
// Parameters (papermill convention; `-p scale=paper` or FLOWLAB_SCALE=paper for the larger problems).
let scale: string = process.env.FLOWLAB_SCALE ?? 'quick';
// The optimizers benchmarked (names of fl.lab.benchmarkOptimizers). A sweep can split them over
// kernels: `flowlab sweep notebooks/optimizer-benchmark.ipynb --grid 'optimizers=[["adamw"],["muon"]]'`.
let optimizers: string[] = [];

// %% code
import * as fl from 'flowlab';
import * as aq from 'arquero';
const quick = (scale as string) !== 'paper';
const cfg = quick
  ? { n: 1000, held: 200, hidden: 32, cnnWidth: 4, sortLength: 4, dModel: 16, layers: 1, batch: { mlp: 64, cnn: 16, seq: 16 }, steps: 40, evalEvery: 5, trials: 3, seeds: [1, 2], defaultSeeds: [1], targets: { mlp: 0.75, cnn: 0.65, seq: 0.85 } }
  : { n: 5000, held: 1000, hidden: 128, cnnWidth: 16, sortLength: 8, dModel: 32, layers: 2, batch: { mlp: 128, cnn: 64, seq: 64 }, steps: 400, evalEvery: 20, trials: 5, seeds: [1, 2, 3], defaultSeeds: [1, 2, 3], targets: { mlp: 0.88, cnn: 0.86, seq: 0.97 } };
const names = optimizers.length ? optimizers : ['adamw', 'lion', 'soap', 'muon', 'scheduleFreeAdamw', 'sania', ...(quick ? [] : ['nesterov'])];
const digits = fl.data.mnist({ n: cfg.n, classes: 10, pool: 2, seed: 0 });
const [digitsValid, digitsTest] = fl.lab.splitExamples(fl.data.mnist({ n: 2 * cfg.held, classes: 10, split: 'test', pool: 2, seed: 0 }), [cfg.held, cfg.held]);
const sorting = (n: number, seed: number) => fl.data.synthetic.sortingTask({ n, vocab: 4, length: cfg.sortLength, seed });
const problems = [
  fl.lab.benchmarkProblem({
    name: 'mlp-mnist', model: fl.models.mlp({ input: [14, 14, 1], hidden: [cfg.hidden], output: 10, activation: 'tanh' }), loss: 'crossEntropy',
    train: digits, valid: digitsValid, test: digitsTest, batch: cfg.batch.mlp, steps: cfg.steps, evalEvery: cfg.evalEvery, target: { metric: 'accuracy', value: cfg.targets.mlp },
  }),
  fl.lab.benchmarkProblem({
    name: 'cnn-mnist', model: fl.models.eosCnn({ input: [14, 14, 1], widths: [cfg.cnnWidth], output: 10, activation: 'tanh', pooling: 'average' }), loss: 'crossEntropy',
    train: digits, valid: digitsValid, test: digitsTest, batch: cfg.batch.cnn, steps: cfg.steps, evalEvery: cfg.evalEvery, target: { metric: 'accuracy', value: cfg.targets.cnn },
  }),
  fl.lab.benchmarkProblem({
    name: 'sort-transformer', model: fl.models.transformer({ vocab: 4, seqLen: 2 * cfg.sortLength - 1, dModel: cfg.dModel, heads: 2, layers: cfg.layers, outputInitScale: 1 }), loss: 'maskedCrossEntropy',
    train: sorting(cfg.n, 0), valid: sorting(cfg.held, 1), test: sorting(cfg.held, 2), batch: cfg.batch.seq, steps: cfg.steps, evalEvery: cfg.evalEvery, target: { metric: 'accuracy', value: cfg.targets.seq },
  }),
];
console.log(`${scale}: ${problems.map((p) => `${p.name} (target ${p.target.metric} ≥ ${p.target.value} within ${p.steps} steps)`).join('; ')}; ${names.length} optimizers × ${cfg.trials} trials, seeds ${cfg.seeds}`);

// %% code
// The search spaces, with where each comes from.
const spaceRows = names.flatMap((name) => {
  const o = fl.lab.benchmarkOptimizers[name];
  return Object.entries(o.space).map(([k, d]) => ({
    optimizer: name, hyperparameter: k,
    searched: typeof d === 'object' ? ('values' in d ? `one of ${d.values.join(', ')}` : `${d.min} … ${d.max} (${d.scale ?? 'log'})`) : `fixed ${d}`,
    default: String(o.defaults[k]),
  }));
});
for (const name of names) console.log(`${name}: ${fl.lab.benchmarkOptimizers[name].source}`);
aq.from(spaceRows)

// %% code
const bench = await fl.lab.benchmark({ problems, optimizers: names, budget: cfg.trials, seeds: cfg.seeds, defaults: { seeds: cfg.defaultSeeds }, runToBudget: !quick });
bench.summary.filter((d: any) => d.phase === 'tuned').select('problem', 'optimizer', 'steps', 'time', 'reached', 'seeds', 'accuracy')

// %% code
// A control for the budget (quick scale): AdamW over AlgoPerf's space with the learning-rate range
// one decade higher, [1e-3, 1e-1], tuned with the same number of trials. If the 40-step budget — not
// AdamW — is what keeps AlgoPerf's AdamW from the targets, this version reaches them. Kept out of the
// profiles (it is AdamW again, and the other optimizers kept their documented spaces).
const adamwWide: fl.lab.BenchmarkOptimizer = {
  ...fl.lab.benchmarkOptimizers.adamw, name: 'adamw (η range ×10)',
  space: { ...fl.lab.benchmarkOptimizers.adamw.space, lr: { min: 1e-3, max: 1e-1, scale: 'log' } },
  source: "AlgoPerf's AdamW space with the learning-rate range moved up one decade (a control, not a proposal)",
};
const control = quick && names.includes('adamw') ? await fl.lab.benchmark({ problems, optimizers: [adamwWide], budget: cfg.trials, seeds: cfg.seeds }) : null;
control?.summary.select('problem', 'optimizer', 'steps', 'reached', 'seeds')

// %% code
// Performance profiles after equal tuning, by steps to the target (AlgoPerf's figure: ρ_s(τ) for
// τ ∈ [1, 4]; an optimizer at 0 reached no target within 4× of the fastest). Right: the same runs
// with the AdamW control added as one more contestant.
const stepProfile = (t: any) => t.filter((d: any) => d.phase === 'tuned' && d.by === 'steps');
const withControl = control ? fl.lab.benchmarkTables(bench.runs.concat(control.runs)).profiles : null;
fl.plot.subplots([
  fl.plot.lines(stepProfile(bench.profiles), { x: 'tau', y: 'rho', color: 'optimizer', title: 'documented spaces' }),
  ...(withControl ? [fl.plot.lines(stepProfile(withControl), { x: 'tau', y: 'rho', color: 'optimizer', title: '+ AdamW with η range ×10' })] : []),
], { cols: withControl ? 2 : 1, title: 'Performance profiles by steps: fraction of problems within τ× the fastest', height: 480 })

// %% code
// The same by training seconds (evaluations off the clock) — shown, not checked: it depends on the machine.
fl.plot.lines(bench.profiles.filter((d: any) => d.phase === 'tuned' && d.by === 'time'), { x: 'tau', y: 'rho', color: 'optimizer', title: 'Performance profiles by training time (this machine)', yTitle: 'fraction of problems ρ(τ)' })

// %% code
// Held-out accuracy of the scoring runs of the tuned point (first seed) against steps.
const curves = aq.from((bench.curves.objects() as any[]).filter((d) => d.phase === 'tuned' && d.seed === cfg.seeds[0]));
fl.plot.lines(curves, { x: 'step', y: 'accuracy', color: 'optimizer', facet: 'problem', title: `Test accuracy of the tuned runs (seed ${cfg.seeds[0]}) against steps`, yTitle: 'test accuracy' })

// %% code
// The naive protocol beside the benchmark: one run at each optimizer's published defaults, judged
// by test accuracy after the whole budget — beside the tuned point's accuracy at the end of its runs
// (after the whole budget at paper scale; at quick scale a run stops at the target, to save time).
const summary = bench.summary.objects() as any[];
const acc = (phase: string, p: string, o: string) => summary.find((r) => r.phase === phase && r.problem === p && r.optimizer === o).accuracy as number;
const scores = bench.scores.objects() as any[];
const tunedScore = (o: string) => scores.find((s) => s.phase === 'tuned' && s.by === 'steps' && s.optimizer === o).score as number;
const meanOver = (f: (p: string) => number) => problems.reduce((a, p) => a + f(p.name), 0) / problems.length;
aq.from(names.map((o) => ({ optimizer: o, 'defaults: test accuracy after the budget (mean over problems)': meanOver((p) => acc('default', p, o)), 'tuned: test accuracy at the end of the run': meanOver((p) => acc('tuned', p, o)), 'tuned: AlgoPerf score (steps)': tunedScore(o) })))

// %% code
// Check the claims against independent recomputations and the papers' predictions.
const claims: Array<[boolean, string]> = [];
const trials = bench.trials.objects() as any[];
const runs = bench.runs.objects() as any[];
const problemNames = problems.map((p) => p.name);
// 1. Equal budgets from documented spaces: the same Halton points, mapped into each space.
const counts = problemNames.flatMap((p) => names.map((o) => trials.filter((t) => t.problem === p && t.optimizer === o).length));
const inSpace = trials.every((t) => fl.lab.inSearchSpace(fl.lab.benchmarkOptimizers[t.optimizer].space, JSON.parse(t.hyper)));
const samePoints = names.every((o) => { const pts = fl.lab.searchPoints(fl.lab.benchmarkOptimizers[o].space, cfg.trials).map((h) => JSON.stringify(h)); return trials.filter((t) => t.optimizer === o).every((t) => t.hyper === pts[t.trial]); });
claims.push([counts.every((c) => c === cfg.trials) && inSpace && samePoints,
  `equal tuning budgets: every one of the ${names.length} optimizers got exactly ${cfg.trials} trials on each of the ${problemNames.length} problems (${counts.length} cells), each the optimizer's own Halton point inside its documented search space`]);
// 2. The scoring recomputed by hand: medians over seeds, ratios to the fastest, ρ(τ), and the score
//    by the trapezoid rule on a fine τ grid (as AlgoPerf's scoring code integrates).
const tuned = runs.filter((r) => r.phase === 'tuned');
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const t = (p: string, o: string) => med(tuned.filter((r) => r.problem === p && r.optimizer === o).map((r) => r.steps));
const ratio = (p: string, o: string) => { const best = Math.min(...names.map((x) => t(p, x))); const r = t(p, o) / best; return Number.isFinite(r) && r <= 4 ? r : Infinity; };
const rhoByHand = (o: string, tau: number) => problemNames.filter((p) => ratio(p, o) <= tau).length / problemNames.length;
const grid = Array.from({ length: 3001 }, (_, i) => 1 + 3 * i / 3000);
const scoreByHand = (o: string) => grid.slice(1).reduce((a, tau, i) => a + (rhoByHand(o, tau) + rhoByHand(o, grid[i])) / 2 * (tau - grid[i]), 0) / 3;
const profile = bench.profiles.objects() as any[];
const rhoOf = (o: string, tau: number) => { const rows = profile.filter((r) => r.phase === 'tuned' && r.by === 'steps' && r.optimizer === o && r.tau <= tau + 1e-12); return rows[rows.length - 1].rho; };
const scoreDiff = Math.max(...names.map((o) => Math.abs(scoreByHand(o) - tunedScore(o))));
const rhoOk = names.every((o) => [1, 1.5, 2, 3, 4].every((tau) => rhoOf(o, tau) === rhoByHand(o, tau)));
claims.push([rhoOk && scoreDiff < 2e-3,
  `performance profiles and AlgoPerf scores recomputed by hand from the per-seed step counts: ρ(τ) equal at τ = 1, 1.5, 2, 3, 4 for every optimizer; the exact integral differs from the trapezoid rule on 3001 points by ≤ ${scoreDiff.toExponential(1)} (scores ${names.map((o) => `${o} ${tunedScore(o).toFixed(3)}`).join(', ')})`]);
if (quick && control) {
  // 3 (quick). The budget decides through the search space's top learning rate.
  const capped = ['adamw', 'lion', 'soap'].filter((o) => names.includes(o));
  const topPicked = capped.every((o) => problemNames.every((p) => { const mine = trials.filter((x) => x.problem === p && x.optimizer === o); const sel = mine.find((x) => x.selected); return sel.lr === Math.max(...mine.map((x) => x.lr)); }));
  claims.push([topPicked,
    `the search space is part of the optimizer (AlgoPerf), and a short budget wants large steps: at ${cfg.steps} steps the selected trial (the fastest, or the most accurate when none reaches the target) of ${capped.join(', ')} is its largest-η trial on every problem (their ranges come from runs of thousands of steps)`]);
  // 4 (quick). Under-tuned AdamW makes every other optimizer look infinitely faster; a well-ranged AdamW is within 2× of the best.
  const wide = control.summary.objects() as any[];
  const wideSteps = (p: string) => wide.find((r) => r.problem === p).steps as number;
  const bestOther = (p: string) => Math.min(...names.map((o) => t(p, o)));
  const ratios = problemNames.map((p) => wideSteps(p) / Math.min(bestOther(p), wideSteps(p)));
  const narrowRatio = (p: string) => t(p, 'adamw') / bestOther(p);
  const inflated = problemNames.filter((p) => narrowRatio(p) > 2);
  const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : 'missed');
  claims.push([inflated.length >= 2 && ratios.every((r) => r <= 2),
    `under-tuned baselines inflate speed-ups (Wen et al. 2025): AdamW over AlgoPerf's range is more than 2× slower than the fastest optimizer on ${inflated.length} of ${problemNames.length} problems (${problemNames.map((p) => `${p} ${fmtRatio(narrowRatio(p))}`).join(', ')}), while over a range one decade higher it needs ${problemNames.map((p, i) => `${wideSteps(p)} steps on ${p} (${ratios[i].toFixed(2)}× the fastest optimizer's ${bestOther(p)})`).join(', ')} — within 2× everywhere`]);
} else if (!quick && ['adamw', 'lion', 'soap', 'muon'].every((o) => names.includes(o))) {
  // 4 (paper). Equal tuning narrows the gaps; the two protocols rank differently; matrix-based optimizers are fastest.
  const spread = (phase: string, p: string) => { const xs = names.map((o) => acc(phase, p, o)); return Math.max(...xs) - Math.min(...xs); };
  const narrower = problemNames.filter((p) => spread('tuned', p) < spread('default', p));
  claims.push([narrower.length === problemNames.length,
    `equal tuning narrows the gaps that defaults show: the spread (best − worst) of test accuracy after ${cfg.steps} steps across the ${names.length} optimizers shrinks on ${narrower.length} of ${problemNames.length} problems (${problemNames.map((p) => `${p}: ${spread('default', p).toFixed(3)} at the defaults → ${spread('tuned', p).toFixed(3)} tuned`).join('; ')})`]);
  const naive = (o: string) => meanOver((p) => acc('default', p, o));
  const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b) => [a, b]));
  const sgn = (x: number) => (x > 1e-12 ? 1 : x < -1e-12 ? -1 : 0);
  const swapped = pairs.filter(([a, b]) => sgn(naive(a) - naive(b)) * sgn(tunedScore(a) - tunedScore(b)) < 0);
  const rank = (f: (o: string) => number) => [...names].sort((a, b) => f(b) - f(a)).map((o) => `${o} ${f(o).toFixed(2)}`).join(' > ');
  claims.push([swapped.length > 0,
    `hand-picked defaults mislead: one run at the published defaults ranks ${rank(naive)} (test accuracy after the budget); equal tuning ranks ${rank(tunedScore)} (AlgoPerf score); ${swapped.length} of ${pairs.length} pairs swap (${swapped.map(([a, b]) => `${a}/${b}`).join(', ')})`]);
  const matrixFirst = problemNames.filter((p) => Math.min(t(p, 'muon'), t(p, 'soap')) < Math.min(t(p, 'adamw'), t(p, 'lion')));
  claims.push([matrixFirst.length === problemNames.length,
    `matrix-based optimizers are the fastest (Wen et al. 2025): Muon or SOAP reaches the target in fewer median steps than both AdamW and Lion on ${matrixFirst.length} of ${problemNames.length} problems (${problemNames.map((p) => `${p}: Muon ${t(p, 'muon')}, SOAP ${t(p, 'soap')}, AdamW ${t(p, 'adamw')}, Lion ${t(p, 'lion')}`).join('; ')})`]);
}
if (claims.length === 2) console.log(`(claims 3–4 compare AdamW, Lion, SOAP${quick ? '' : ' and Muon'}; this run benchmarks ${names.join(', ')} only — a sweep's part)`);
for (const [ok, text] of claims) console.log(`${ok ? 'PASS' : 'FAIL'}: ${text}`);

// %% code
// The scored runs as this notebook's result: `flowlab sweep` collects them from every kernel, and
// fl.lab.benchmarkTables(sweep.table) recomputes the profiles and scores over the union.
fl.lab.result(bench.runs);
bench.scores.filter((d: any) => d.phase === 'tuned')
