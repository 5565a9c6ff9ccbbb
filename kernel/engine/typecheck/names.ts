/**
 * The top-level names a cell declares (values and types), as the type checker's cell modules
 * export them. `exported` lists those the cell already exports itself.
 */
import type * as TS from 'typescript';
import type { TypeScript } from '../typescript.js';

/** Declared and self-exported top-level names of a parsed cell. */
export function declaredNames(ts: TypeScript, sf: TS.SourceFile): { names: string[]; exported: Set<string> } {
  const K = ts.SyntaxKind;
  const names = new Set<string>();
  const exported = new Set<string>();
  const binding = (n: TS.BindingName, out: Set<string>[]) => {
    if (n.kind === K.Identifier) { for (const s of out) s.add(n.text); return; }
    for (const el of n.elements) if (el.kind !== K.OmittedExpression) binding(el.name, out);
  };
  for (const s of sf.statements) {
    const mods = ts.canHaveModifiers(s) ? ts.getModifiers(s) : undefined;
    const isExport = !!mods?.some((m) => m.kind === K.ExportKeyword);
    if (mods?.some((m) => m.kind === K.DefaultKeyword)) continue;
    const sets = isExport ? [names, exported] : [names];
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) binding(d.name, sets);
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) sets.forEach((x) => x.add(s.name!.text));
    else if (ts.isModuleDeclaration(s) && s.name.kind === K.Identifier && s.name.text !== 'global') sets.forEach((x) => x.add((s.name as TS.Identifier).text));
    else if (ts.isImportEqualsDeclaration(s)) names.add(s.name.text);
    else if (ts.isImportDeclaration(s) && s.importClause) {
      const c = s.importClause;
      if (c.name) names.add(c.name.text);
      if (c.namedBindings?.kind === K.NamespaceImport) names.add(c.namedBindings.name.text);
      else if (c.namedBindings) for (const el of c.namedBindings.elements) names.add(el.name.text);
    } else if (ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const el of s.exportClause.elements) exported.add(el.name.text);
    }
  }
  return { names: [...names], exported };
}

/**
 * Every identifier text in a parsed cell (values, types, property names alike): a superset of the
 * earlier cells' names the cell can refer to, so its checked module imports only those.
 */
export function referencedNames(ts: TypeScript, sf: TS.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (n: TS.Node): void => {
    if (n.kind === ts.SyntaxKind.Identifier) out.add((n as TS.Identifier).text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
