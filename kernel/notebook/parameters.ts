/**
 * Papermill-style parameters: a code cell tagged `injected-parameters`, placed right after the
 * cell tagged `parameters` (or first when there is none), assigns the given values. Re-running an
 * executed notebook replaces the previous injected cell.
 */

/** A notebook cell as stored in nbformat 4. */
export interface NbCell { cell_type: string; source: string | string[]; metadata?: Record<string, unknown>; outputs?: unknown[]; execution_count?: number | null; id?: string }

const tags = (c: NbCell) => ((c.metadata?.tags as string[] | undefined) ?? []);

/**
 * The TypeScript source assigning `parameters`: one `let` per name, so the type is widened
 * (`let scale = "paper"` is a string, not the literal "paper") and comparisons such as
 * `scale !== 'quick'` type-check.
 */
export function parameterSource(parameters: Record<string, unknown>): string {
  const lines = ['// Parameters injected by flowlab run'];
  for (const [k, v] of Object.entries(parameters)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(k)) throw new Error(`runNotebook: parameter name '${k}' is not a valid identifier; use letters, digits, _ or $`);
    const json = JSON.stringify(v);
    if (json === undefined) throw new Error(`runNotebook: parameter '${k}' is not JSON-serialisable (got ${typeof v}); pass numbers, strings, booleans, arrays or plain objects`);
    lines.push(`let ${k} = ${json};`);
  }
  return lines.join('\n');
}

/** Returns a copy of `cells` with the injected-parameters cell in place. */
export function injectParameters(cells: NbCell[], parameters: Record<string, unknown>): NbCell[] {
  const out = cells.filter((c) => !tags(c).includes('injected-parameters'));
  const cell: NbCell = { cell_type: 'code', metadata: { tags: ['injected-parameters'] }, source: parameterSource(parameters), outputs: [], execution_count: null, id: 'injected-parameters' };
  const at = out.findIndex((c) => tags(c).includes('parameters'));
  out.splice(at + 1, 0, cell);
  return out;
}
