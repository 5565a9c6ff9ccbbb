/**
 * Sweep grids: the cartesian product of parameter values (first parameter varying slowest), times
 * seeds (innermost), each setting with a stable key used to resume a sweep.
 */

/** A grid: parameter name → the values to try. */
export type Grid = Record<string, unknown[]>;

/** One run of a sweep: its parameters (seed included when seeds are swept) and stable key. */
export interface SweepRun { index: number; key: string; params: Record<string, unknown> }

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** The seeds of a sweep: `n` → 0..n−1, an array → itself, undefined → no seed column. */
export function seedList(seeds: number | number[] | undefined): number[] | undefined {
  if (seeds === undefined) return undefined;
  if (Array.isArray(seeds)) {
    if (!seeds.length || !seeds.every(Number.isInteger)) throw new Error(`sweep: seeds must be a positive count or a non-empty array of integers, got ${JSON.stringify(seeds)}.`);
    return seeds;
  }
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`sweep: seeds must be a positive integer count (runs use seed = 0 … seeds−1), got ${seeds}.`);
  return Array.from({ length: seeds }, (_, i) => i);
}

/**
 * Expands a grid into runs: Π|values| × |seeds| settings.
 * @example expandGrid({ lr: [0.1, 0.2], opt: ['adam'] }, 2).map((r) => r.params)
 * // [{lr:0.1,opt:'adam',seed:0}, {lr:0.1,opt:'adam',seed:1}, {lr:0.2,opt:'adam',seed:0}, {lr:0.2,opt:'adam',seed:1}]
 */
export function expandGrid(grid: Grid, seeds?: number | number[]): SweepRun[] {
  if (!grid || typeof grid !== 'object' || Array.isArray(grid)) throw new Error(`sweep: grid must be an object mapping parameter names to arrays of values, e.g. { lr: [0.01, 0.02] }; got ${JSON.stringify(grid)}.`);
  const names = Object.keys(grid);
  for (const name of names) {
    if (!IDENT.test(name)) throw new Error(`sweep: grid parameter '${name}' is not a valid identifier; use the variable name declared in the notebook's parameters cell.`);
    const values = grid[name];
    if (!Array.isArray(values) || values.length === 0) throw new Error(`sweep: grid parameter '${name}' needs a non-empty array of values, e.g. ${name}=[0.01,0.02]; got ${JSON.stringify(values)}.`);
    for (const v of values) if (JSON.stringify(v) === undefined) throw new Error(`sweep: grid parameter '${name}' has a value that is not JSON (${typeof v}); use numbers, strings, booleans, arrays or plain objects.`);
  }
  const seedValues = seedList(seeds);
  if (seedValues && names.includes('seed')) throw new Error(`sweep: 'seed' is both a grid parameter and set by seeds; use one of them.`);
  let settings: Record<string, unknown>[] = [{}];
  for (const name of names) settings = settings.flatMap((s) => grid[name].map((v) => ({ ...s, [name]: v })));
  if (seedValues) settings = settings.flatMap((s) => seedValues.map((seed) => ({ ...s, seed })));
  const keys = new Set<string>();
  return settings.map((params, index) => {
    const key = runKey(params);
    if (keys.has(key)) throw new Error(`sweep: the grid repeats the setting ${key}; remove the duplicate value.`);
    keys.add(key);
    return { index, key, params };
  });
}

/** Stable key of a setting (names sorted), e.g. `{"lr":0.1,"seed":0}`. */
export function runKey(params: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(params).sort().map((k) => [k, params[k]])));
}

/** A file-name-safe label of a setting, e.g. `lr=0.1_opt=adam_seed=0`. */
export function runSlug(params: Record<string, unknown>): string {
  const s = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('_');
  return s.replace(/[^\w.=+-]+/g, '-').slice(0, 120) || 'run';
}

/**
 * Parses one `--grid` argument: `name=[v1,v2]` (a JSON array) or `name=v1,v2` (comma list; each
 * item JSON if it parses, else a string).
 * @example parseGridArg('lr=[0.01,0.02]') // ['lr', [0.01, 0.02]]
 * @example parseGridArg('optimizer=adam,lion') // ['optimizer', ['adam', 'lion']]
 */
export function parseGridArg(arg: string): [string, unknown[]] {
  const at = arg.indexOf('=');
  if (at <= 0) throw new Error(`--grid expects name=[values], e.g. --grid 'lr=[0.01,0.02]'; got '${arg}'.`);
  const name = arg.slice(0, at).trim();
  const raw = arg.slice(at + 1).trim();
  if (raw.startsWith('[')) {
    let v: unknown;
    try { v = JSON.parse(raw); } catch (e) {
      throw new Error(`--grid ${name}: '${raw}' is not a JSON array (${(e as Error).message}); quote strings, e.g. --grid '${name}=["adam","lion"]'.`);
    }
    if (!Array.isArray(v)) throw new Error(`--grid ${name}: expected a JSON array, got '${raw}'.`);
    return [name, v];
  }
  return [name, raw.split(',').map((s) => { try { return JSON.parse(s); } catch { return s.trim(); } })];
}
