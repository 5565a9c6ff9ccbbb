/**
 * Rewrites a cell (TypeScript with types already blanked, or JavaScript) into a script for the
 * kernel's persistent global scope:
 *  - top-level declarations (const/let/var/function/class, destructuring, imports) become globals:
 *    names hoisted into one `var` list and declarations turned into assignments, so re-running
 *    `const x = 1` works and functions from earlier cells see later reassignment;
 *  - imports are resolved before the cell runs (`__fl_m[i]`) and assigned in a prelude, `import()`
 *    calls go through the kernel's resolver (`__fl_imp`), `import.meta` is the notebook folder's (`__fl_meta`);
 *  - every loop body and every `await` first calls `__fl_chk()`, which throws KeyboardInterrupt
 *    when the interrupt flag is set;
 *  - cells with top-level await run in an async arrow that returns `{ v: lastExpression }`
 *    (boxed so a returned promise is not adopted); other cells leave their last expression as the
 *    script's completion value.
 */
import type * as TS from 'typescript';
import type { TypeScript } from '../typescript.js';
import { EditList, OutputBuilder, type PositionMap } from './edits.js';
import { hasModifier, modifiersOf } from './modifiers.js';

/** The rewritten cell. */
export interface Rewritten {
  code: string;
  map: PositionMap;
  /** Module specifiers to resolve before running, in `__fl_m` order. */
  imports: string[];
  /** True when the script evaluates to a promise of `{ v }`. */
  isAsync: boolean;
  /** True when the cell ends with an expression whose value is the result. */
  hasResult: boolean;
}

/** Global helper names the rewritten code relies on (installed by runtime/globals.ts). */
export const HELPERS = { check: '__fl_chk', importCall: '__fl_imp', modules: '__fl_m', interop: '__fl_def', meta: '__fl_meta' } as const;

const CHECK = `${HELPERS.check}()`;

/**
 * Rewrites `sf` (whose type syntax is already in `edits`) into a kernel script.
 * `result = false` ignores a trailing expression (used when `sf` is transpiler output whose
 * original cell did not end with an expression).
 */
export function rewriteCell(ts: TypeScript, sf: TS.SourceFile, edits: EditList, { result = true }: { result?: boolean } = {}): Rewritten {
  const K = ts.SyntaxKind;
  const text = sf.text;
  const names = new Set<string>();
  const imports: string[] = [];
  const importCode: Array<[string, number]> = [];
  const moved: Array<[number, number]> = [];
  const isAsync = /\bawait\b/.test(text) && sf.statements.some(topLevelAwait);

  function topLevelAwait(n: TS.Node): boolean {
    if (n.kind === K.AwaitExpression) return true;
    if (n.kind === K.ForOfStatement && (n as TS.ForOfStatement).awaitModifier) return true;
    if (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isTypeNode(n)) return false;
    return ts.forEachChild(n, topLevelAwait) ?? false;
  }

  function bindingNames(name: TS.BindingName): void {
    if (name.kind === K.Identifier) { names.add(name.text); return; }
    for (const el of name.elements) if (el.kind !== K.OmittedExpression) bindingNames(el.name);
  }

  // Interrupt checks in every loop and await; import() through the kernel's resolver.
  function instrument(n: TS.Node): void {
    if (ts.isTypeNode(n) && n.kind !== K.ExpressionWithTypeArguments) return;
    switch (n.kind) {
      case K.ForStatement: case K.ForInStatement: case K.ForOfStatement:
      case K.WhileStatement: case K.DoStatement: {
        const body = (n as TS.IterationStatement).statement;
        if (body.kind === K.Block) edits.insert(body.getStart(sf) + 1, CHECK + ';');
        else { edits.insert(body.getStart(sf), `{${CHECK};`); edits.insert(body.end, '}', true); }
        break;
      }
      case K.AwaitExpression: {
        const e = (n as TS.AwaitExpression).expression;
        edits.insert(e.getStart(sf), `(${CHECK}, `);
        edits.insert(e.end, ')', true);
        break;
      }
      case K.MetaProperty:
        if ((n as TS.MetaProperty).keywordToken === K.ImportKeyword) edits.replace(n.getStart(sf), n.end, HELPERS.meta);
        break;
      case K.CallExpression:
        if ((n as TS.CallExpression).expression.kind === K.ImportKeyword) {
          const kw = (n as TS.CallExpression).expression;
          edits.replace(kw.getStart(sf), kw.end, HELPERS.importCall);
        }
        break;
    }
    ts.forEachChild(n, instrument);
  }

  const modifierRange = (s: TS.Node): void => {
    for (const m of modifiersOf(s) ?? []) if (m.kind === K.ExportKeyword || m.kind === K.DefaultKeyword) edits.blank(m.getStart(sf), m.end);
  };
  const mod = (i: number) => `${HELPERS.modules}[${i}]`;
  const typeOnly = (s: TS.Statement) =>
    s.kind === K.InterfaceDeclaration || s.kind === K.TypeAliasDeclaration || s.kind === K.EmptyStatement ||
    hasModifier(s, K.DeclareKeyword) ||
    (s.kind === K.ImportDeclaration && !!(s as TS.ImportDeclaration).importClause?.isTypeOnly) ||
    s.kind === K.ExportDeclaration || (s.kind === K.FunctionDeclaration && !(s as TS.FunctionDeclaration).body) ||
    ((s.kind === K.EnumDeclaration || s.kind === K.ModuleDeclaration) && hasModifier(s, K.DeclareKeyword));

  for (const s of sf.statements) {
    if (typeOnly(s)) {
      if (s.kind === K.ExportDeclaration) edits.blank(s.getStart(sf), s.end);
      continue;
    }
    switch (s.kind) {
      case K.ImportDeclaration: {
        const d = s as TS.ImportDeclaration;
        const i = imports.push((d.moduleSpecifier as TS.StringLiteral).text) - 1;
        const c = d.importClause;
        const parts: string[] = [];
        if (c?.name) { names.add(c.name.text); parts.push(`${c.name.text} = ${HELPERS.interop}(${mod(i)});`); }
        const nb = c?.namedBindings;
        if (nb?.kind === K.NamespaceImport) { names.add(nb.name.text); parts.push(`${nb.name.text} = ${mod(i)};`); }
        else if (nb?.kind === K.NamedImports) {
          for (const el of nb.elements) {
            if (el.isTypeOnly) continue;
            names.add(el.name.text);
            const from = el.propertyName ? el.propertyName.text : el.name.text;
            parts.push(`${el.name.text} = ${mod(i)}[${JSON.stringify(from)}];`);
          }
        }
        importCode.push([parts.join(' '), s.getStart(sf)]);
        edits.blank(s.getStart(sf), s.end);
        break;
      }
      case K.ImportEqualsDeclaration: {
        const d = s as TS.ImportEqualsDeclaration;
        names.add(d.name.text);
        modifierRange(s);
        if (d.moduleReference.kind === K.ExternalModuleReference) {
          const i = imports.push((d.moduleReference.expression as TS.StringLiteral).text) - 1;
          importCode.push([`${d.name.text} = ${HELPERS.interop}(${mod(i)});`, s.getStart(sf)]);
          edits.blank(s.getStart(sf), s.end);
        } else {
          edits.replace(s.getStart(sf), d.moduleReference.getStart(sf), `;${d.name.text} = `);
        }
        break;
      }
      case K.VariableStatement: {
        const list = (s as TS.VariableStatement).declarationList;
        if (list.flags & (ts.NodeFlags as unknown as { Using: number }).Using) break;
        modifierRange(s);
        const kwStart = list.getStart(sf);
        const kw = text.startsWith('const', kwStart) ? 5 : 3;
        edits.blank(kwStart, kwStart + kw);
        edits.insert(kwStart, ';');
        const isVar = (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0;
        for (const d of list.declarations) {
          bindingNames(d.name);
          if (d.name.kind !== K.Identifier && d.initializer) {
            edits.insert(d.name.getStart(sf), '(');
            edits.insert(d.end, ')', true);
          } else if (!d.initializer && !isVar) edits.insert(d.end, ' = void 0', true);
        }
        break;
      }
      case K.FunctionDeclaration: {
        const f = s as TS.FunctionDeclaration;
        if (f.name) names.add(f.name.text);
        modifierRange(s);
        if (isAsync) moved.push([s.getStart(sf), s.end]);
        break;
      }
      case K.ClassDeclaration: {
        const c = s as TS.ClassDeclaration;
        modifierRange(s);
        if (!c.name) break;
        names.add(c.name.text);
        const mods = ts.getModifiers(c);
        const kwPos = text.indexOf('class', mods?.length ? mods[mods.length - 1].end : c.getStart(sf));
        edits.insert(kwPos, `;${c.name.text} = `);
        edits.insert(c.end, ';', true);
        break;
      }
      case K.ExportAssignment: {
        const e = s as TS.ExportAssignment;
        edits.blank(e.getStart(sf), e.expression.getStart(sf));
        break;
      }
    }
  }

  let last: TS.Expression | undefined;
  for (let i = sf.statements.length - 1; result && i >= 0; i--) {
    const s = sf.statements[i];
    if (typeOnly(s)) continue;
    if (s.kind === K.ExpressionStatement) last = (s as TS.ExpressionStatement).expression;
    else if (s.kind === K.ExportAssignment) last = (s as TS.ExportAssignment).expression;
    break;
  }
  if (isAsync && last) {
    edits.insert(last.getStart(sf), 'return { v: (');
    edits.insert(last.end, ') }', true);
  }
  // After the top-level edits, so that closers at the same offset nest correctly (inner first).
  if (/\b(for|while|do|await|import)\b/.test(text)) sf.statements.forEach(instrument);

  const out = new OutputBuilder(edits);
  if (names.size) out.text(`var ${[...names].join(', ')}; `);
  if (isAsync) for (const [a, b] of moved) out.range(a, b).text('\n', b);
  for (const [code, at] of importCode) out.text(code + ' ', at);
  if (isAsync) out.text('(async () => {');
  out.range(0, text.length, moved);
  if (isAsync) out.text('\n})()', text.length);
  else if (!last) out.text('\n;void 0', text.length);
  const { code, map } = out.finish();
  return { code, map, imports, isAsync, hasResult: !!last };
}
