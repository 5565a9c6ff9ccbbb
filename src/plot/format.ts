/** Number formatting for labels: 4 significant digits, no trailing zeros (0.01 → "0.01", 200 → "200"). */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** Throws unless `v` is a positive finite number; the message names the builder and option. */
export function positive(v: unknown, who: string, option: string, meaning: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`${who}: \`${option}\` must be a positive number (${meaning}); got ${JSON.stringify(v)}.`);
  }
  return v;
}

/** Finite min and max of values (nulls skipped); undefined when none is finite. */
export function extent(values: ReadonlyArray<number | null>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) if (v !== null && Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return lo <= hi ? [lo, hi] : undefined;
}
