/**
 * The notebook a sweep runs: read and checked before any run starts — it must be an nbformat 4
 * notebook with a code cell tagged `parameters` whose top-level declarations (`let lr = 0.1;`,
 * `const seed = 0;`, `var a = 1, b = 2;`) include every swept parameter.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { NbCell } from '../../kernel/notebook/parameters.js';
import type { Notebook } from '../../kernel/notebook/run.js';

/** A notebook cell (nbformat 4): the kernel's notebook runner's own type. */
export type SweepCell = NbCell;

/** An nbformat 4 notebook: the kernel's notebook runner's own type. */
export type SweepNotebook = Notebook;

/** A checked sweep notebook: its JSON, the names its parameters cell declares, and a content hash. */
export interface LoadedNotebook { path: string; notebook: SweepNotebook; declared: string[]; hash: string }

/** Joins a cell's source. */
export const cellSource = (c: SweepCell): string => (Array.isArray(c.source) ? c.source.join('') : c.source ?? '');

const tags = (c: SweepCell) => ((c.metadata?.tags as string[] | undefined) ?? []);

/**
 * Names declared at the top level of TypeScript `source` (variables, functions, classes; the
 * bindings of destructuring too), parsed with the TypeScript compiler.
 * @example await declaredNames('let lr = 0.1;\nconst { a, b: c } = o;') // ['lr', 'a', 'c']
 */
export async function declaredNames(source: string): Promise<string[]> {
  const ts = (await import('typescript')).default;
  const file = ts.createSourceFile('parameters.ts', source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names: string[] = [];
  const bind = (n: import('typescript').BindingName) => {
    if (ts.isIdentifier(n)) names.push(n.text);
    else for (const el of n.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const st of file.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bind(d.name);
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.push(st.name.text);
  }
  return names;
}

/**
 * Reads `path` and checks it can be swept over `params`; throws an Error naming the problem and
 * the fix otherwise (missing file, not a notebook, no `parameters` cell, undeclared parameter).
 * @example await loadSweepNotebook('nb.ipynb', ['lr', 'seed'])
 */
export async function loadSweepNotebook(path: string, params: string[]): Promise<LoadedNotebook> {
  if (typeof path !== 'string' || !path) throw new Error(`sweep: notebook must be the path of an .ipynb file, got ${JSON.stringify(path)}.`);
  if (!existsSync(path)) throw new Error(`sweep: notebook '${path}' does not exist; pass the path of an .ipynb file.`);
  const text = readFileSync(path, 'utf8');
  let notebook: SweepNotebook;
  try { notebook = JSON.parse(text); } catch (e) {
    throw new Error(`sweep: notebook '${path}' is not valid JSON (${(e as Error).message}); pass an .ipynb notebook.`);
  }
  if (notebook?.nbformat !== 4 || !Array.isArray(notebook.cells)) throw new Error(`sweep: notebook '${path}' is not an nbformat 4 notebook; convert it with \`jupyter nbconvert --to notebook\`.`);
  const cell = notebook.cells.find((c) => c.cell_type === 'code' && tags(c).includes('parameters'));
  if (!cell) {
    throw new Error(`sweep: notebook '${path}' has no parameters cell; tag the code cell that sets the defaults (e.g. \`let lr = 0.1;\`) with the tag 'parameters' (JupyterLab: Property Inspector → Cell Tags).`);
  }
  const declared = await declaredNames(cellSource(cell));
  const missing = params.filter((p) => !declared.includes(p));
  if (missing.length) {
    const list = missing.map((m) => `'${m}'`).join(', ');
    throw new Error(`sweep: parameter${missing.length > 1 ? 's' : ''} ${list} ${missing.length > 1 ? 'are' : 'is'} not defined in the parameters cell of '${path}' (it declares: ${declared.join(', ') || 'nothing'}); add e.g. \`let ${missing[0]} = ...;\` to that cell or drop it from the grid.`);
  }
  const code = notebook.cells.filter((c) => c.cell_type === 'code' && !tags(c).includes('injected-parameters')).map(cellSource).join('\n\u0000\n');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  return { path, notebook, declared, hash };
}
