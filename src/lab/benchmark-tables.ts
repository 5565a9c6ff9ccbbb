/**
 * The benchmark's summary tables from its scored runs — from `benchmark().runs`, or from the table
 * `flowlab sweep` collects when each kernel ran part of the benchmark and handed its runs back
 * with `fl.lab.result(r.runs)`.
 */
import * as aq from 'arquero';
import { benchmarkScore, median, performanceProfile, timeOf } from './performance-profile.js';

type Row = Record<string, unknown>;

/** Columns of a runs table that are not metrics. */
const KNOWN = new Set(['phase', 'problem', 'optimizer', 'seed', 'hyper', 'lr', 'steps', 'time', 'reached', 'trial']);

/** The measures the profiles are computed for. */
export const PROFILE_MEASURES = ['steps', 'time'] as const;

/**
 * Summary, performance profiles and AlgoPerf scores, per phase ('tuned', 'default'; a table
 * without a phase column is all 'tuned') and measure ('steps', 'time'), computed within each
 * phase. Needs the columns problem, optimizer, steps, time (Infinity, NaN or null = missed). The
 * summary has, per phase × problem × optimizer, the median steps and time over the seeds, how many
 * seeds reached the target, and the mean of every other numeric column (the runs' final metrics,
 * e.g. accuracy and loss at their last evaluation).
 * @example
 * const s = await fl.lab.sweep({ notebook: 'optimizer-benchmark.ipynb', grid: { optimizers: [['adamw'], ['lion']] } });
 * fl.lab.benchmarkTables(s.table).scores.print();
 */
export function benchmarkTables(runs: aq.ColumnTable | Row[], { maxRatio = 4 }: { maxRatio?: number } = {}): { summary: aq.ColumnTable; profiles: aq.ColumnTable; scores: aq.ColumnTable } {
  const rows: Row[] = (Array.isArray(runs) ? runs : (runs.objects() as Row[])).map((r) => ({ ...r, phase: (r.phase as string | undefined) ?? 'tuned' }));
  for (const c of ['problem', 'optimizer', 'steps', 'time']) if (rows.length && !(c in rows[0])) throw new Error(`benchmarkTables: the runs table has no column '${c}' (columns: ${Object.keys(rows[0]).join(', ')}); pass benchmark().runs or a sweep of fl.lab.result(r.runs).`);
  const phases = [...new Set(rows.map((r) => r.phase))];
  const summary: Row[] = [], profiles: Row[] = [], scores: Row[] = [];
  for (const phase of phases) {
    const mine = rows.filter((r) => r.phase === phase);
    const cells = new Map<string, Row[]>();
    for (const r of mine) {
      const k = JSON.stringify([r.problem, r.optimizer]);
      cells.set(k, [...(cells.get(k) ?? []), r]);
    }
    for (const group of cells.values()) {
      const metrics: Row = {};
      for (const k of Object.keys(group[0]).filter((c) => !KNOWN.has(c) && typeof group[0][c] === 'number')) {
        const xs = group.map((r) => r[k]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        metrics[k] = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
      }
      summary.push({
        phase, problem: group[0].problem, optimizer: group[0].optimizer,
        steps: median(group.map((r) => timeOf(r.steps))), time: median(group.map((r) => timeOf(r.time))),
        reached: group.filter((r) => Number.isFinite(timeOf(r.steps))).length, seeds: group.length, ...metrics,
      });
    }
    for (const by of PROFILE_MEASURES) {
      for (const r of performanceProfile(mine, { by, maxRatio }).objects() as Row[]) profiles.push({ phase, by, ...r });
      for (const r of benchmarkScore(mine, { by, maxRatio }).objects() as Row[]) scores.push({ phase, by, ...r });
    }
  }
  return { summary: aq.from(summary), profiles: aq.from(profiles), scores: aq.from(scores) };
}
