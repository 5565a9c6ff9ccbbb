/**
 * Performance profiles (Dolan & Moré 2002, arXiv:cs/0102001) and AlgoPerf's benchmark score
 * (Dahl et al. 2023, arXiv:2306.07179 §4.5): how often each optimizer is within a factor τ of the
 * fastest on each problem.
 */
import * as aq from 'arquero';

/** Options of the profile functions. */
export interface ProfileOptions {
  /** The column with the time to target (e.g. 'steps' or 'time'); Infinity / NaN / null = not reached. */
  by: string;
  /** Column naming the problem (default 'problem'). */ problem?: string;
  /** Column naming the optimizer (default 'optimizer'). */ optimizer?: string;
  /** r_max: ratios above it count as unsolved, and the score integrates over [1, r_max] (default 4, AlgoPerf's). */
  maxRatio?: number;
}

type Row = Record<string, unknown>;
const rowsOf = (t: aq.ColumnTable | Row[]) => (Array.isArray(t) ? t : (t.objects() as Row[]));
/** A time to target from a table cell: numbers (and numeric strings, as CSV or JSON give 'Infinity') ≥ 0; anything else is a miss (∞). */
export function timeOf(v: unknown): number {
  const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return x >= 0 ? x : Infinity;
}

/**
 * The median of xs, Infinity counting as a value (AlgoPerf's median over studies: a miss in the
 * middle makes the median a miss). Mean of the two middle values for an even count.
 * @example median([3, 1, Infinity]) // 3
 */
export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Per-problem times t_{s,p} (the median over the rows of each optimizer × problem, e.g. over
 * seeds) and ratios r_{s,p} = t_{s,p}/min_s t_{s,p}; a ratio above `maxRatio` or an unreached
 * target gives r = Infinity (AlgoPerf sets times beyond 4× the fastest to ∞).
 * Columns: problem, optimizer, time, best, ratio (names follow the options).
 * @example performanceRatios(runs, { by: 'steps' }).print()
 */
export function performanceRatios(table: aq.ColumnTable | Row[], o: ProfileOptions): aq.ColumnTable {
  const { by, problem = 'problem', optimizer = 'optimizer', maxRatio = 4 } = o;
  if (!(maxRatio >= 1)) throw new RangeError(`performanceRatios: maxRatio must be ≥ 1, got ${maxRatio}.`);
  const rows = rowsOf(table);
  for (const c of [by, problem, optimizer]) if (rows.length && !(c in rows[0])) throw new Error(`performanceRatios: no column '${c}' in the table (columns: ${Object.keys(rows[0]).join(', ')}); pass { by, problem, optimizer } naming them.`);
  const groups = new Map<string, { p: string; s: string; t: number[] }>();
  for (const r of rows) {
    const key = JSON.stringify([r[problem], r[optimizer]]);
    const g = groups.get(key) ?? { p: String(r[problem]), s: String(r[optimizer]), t: [] };
    g.t.push(timeOf(r[by]));
    groups.set(key, g);
  }
  const cells = [...groups.values()].map((g) => ({ p: g.p, s: g.s, t: median(g.t) }));
  const best = new Map<string, number>();
  for (const c of cells) best.set(c.p, Math.min(best.get(c.p) ?? Infinity, c.t));
  const out = cells.map((c) => {
    const b = best.get(c.p)!;
    const r = Number.isFinite(c.t) && Number.isFinite(b) ? (b === 0 ? (c.t === 0 ? 1 : Infinity) : c.t / b) : Infinity;
    return { [problem]: c.p, [optimizer]: c.s, [by]: c.t, best: b, ratio: r <= maxRatio ? r : Infinity };
  });
  return aq.from(out);
}

/**
 * The performance profile ρ_s(τ) = |{p : r_{s,p} ≤ τ}| / n_problems for every optimizer at each τ
 * (default: 101 points evenly over [1, maxRatio], plus every ratio that occurs, so the steps are
 * exact). Columns: optimizer, tau, rho.
 * @example fl.plot.lines(performanceProfile(runs, { by: 'steps' }), { x: 'tau', y: 'rho', color: 'optimizer' })
 */
export function performanceProfile(table: aq.ColumnTable | Row[], o: ProfileOptions & { taus?: number[] }): aq.ColumnTable {
  const { optimizer = 'optimizer', problem = 'problem', maxRatio = 4 } = o;
  const ratios = performanceRatios(table, o).objects() as Row[];
  const problems = [...new Set(ratios.map((r) => r[problem] as string))];
  const opts = [...new Set(ratios.map((r) => r[optimizer] as string))];
  const grid = o.taus ?? [...new Set([...Array.from({ length: 101 }, (_, i) => 1 + (maxRatio - 1) * i / 100), ...ratios.map((r) => r.ratio as number).filter(Number.isFinite)])].sort((a, b) => a - b);
  const out: Row[] = [];
  for (const s of opts) {
    const mine = ratios.filter((r) => r[optimizer] === s).map((r) => r.ratio as number);
    for (const tau of grid) out.push({ [optimizer]: s, tau, rho: mine.filter((r) => r <= tau).length / problems.length });
  }
  return aq.from(out);
}

/**
 * AlgoPerf's benchmark score B_s = 1/(r_max − 1) ∫₁^{r_max} ρ_s(τ) dτ ∈ [0, 1], integrated exactly:
 * ρ_s is a step function, so B_s = (1/n) Σ_p max(0, r_max − r_{s,p})/(r_max − 1). (AlgoPerf's
 * scoring code applies the trapezoid rule on a grid of τ; the exact integral is its limit.)
 * Columns: optimizer, score, solved (problems with a finite ratio), fastest (problems with r = 1).
 * @example benchmarkScore(runs, { by: 'time' }).orderby(aq.desc('score')).print()
 */
export function benchmarkScore(table: aq.ColumnTable | Row[], o: ProfileOptions): aq.ColumnTable {
  const { optimizer = 'optimizer', problem = 'problem', maxRatio = 4 } = o;
  const ratios = performanceRatios(table, o).objects() as Row[];
  const n = new Set(ratios.map((r) => r[problem])).size;
  const opts = [...new Set(ratios.map((r) => r[optimizer] as string))];
  return aq.from(opts.map((s) => {
    const mine = ratios.filter((r) => r[optimizer] === s).map((r) => r.ratio as number);
    const area = mine.reduce((a, r) => a + (Number.isFinite(r) ? maxRatio - r : 0), 0);
    return { [optimizer]: s, score: maxRatio === 1 ? mine.filter((r) => r === 1).length / n : area / (n * (maxRatio - 1)), solved: mine.filter(Number.isFinite).length, fastest: mine.filter((r) => r === 1).length };
  }));
}
