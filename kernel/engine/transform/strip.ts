/**
 * Type stripping by blanking: every TypeScript-only piece of syntax (annotations, type arguments,
 * interfaces, `as`/`satisfies`, `!`, access modifiers, overloads, declare statements...) is
 * replaced by spaces, so the JavaScript keeps every line and column of the cell and needs no
 * source map. Constructs that need real code generation (enums, namespaces, parameter properties,
 * decorators, `accessor`) make it return false: the caller then uses ts.transpileModule instead.
 */
import type * as TS from 'typescript';
import type { TypeScript } from '../typescript.js';
import type { EditList } from './edits.js';
import { hasModifier, modifiersOf } from './modifiers.js';

/** Blanks the type syntax of `sf` into `edits`; returns false when the cell needs the full transpiler. */
export function stripTypes(ts: TypeScript, sf: TS.SourceFile, edits: EditList): boolean {
  const K = ts.SyntaxKind;
  const text = sf.text;
  let ok = true;

  const blankNode = (n: TS.Node) => edits.blank(n.getStart(sf), n.end);
  const blankAnnotation = (type: TS.TypeNode | undefined) => {
    if (!type) return;
    const colon = text.lastIndexOf(':', type.getStart(sf));
    edits.blank(colon, type.end);
  };
  const blankBracketed = (list: TS.NodeArray<TS.Node> | undefined) => {
    if (!list) return;
    const lt = text.lastIndexOf('<', list.pos);
    const gt = text.indexOf('>', list.end);
    if (lt >= 0 && gt >= 0) edits.blank(lt, gt + 1);
  };
  const blankToken = (t: TS.Node | undefined) => { if (t) blankNode(t); };
  const tsOnlyModifier = (m: TS.ModifierLike) =>
    m.kind === K.PublicKeyword || m.kind === K.PrivateKeyword || m.kind === K.ProtectedKeyword ||
    m.kind === K.ReadonlyKeyword || m.kind === K.OverrideKeyword || m.kind === K.AbstractKeyword;

  function modifiers(n: TS.Node): void {
    const mods = modifiersOf(n);
    if (!mods) return;
    for (const m of mods) {
      if (m.kind === K.Decorator || m.kind === K.AccessorKeyword) ok = false;
      else if (tsOnlyModifier(m)) blankNode(m);
    }
  }

  // Parameter properties (`constructor(public x: number)`) become `this.x = x;` at the top of the
  // body: only for classes without `extends` (a super() call would have to come first) and
  // identifier names; anything else goes to the full transpiler.
  const propertyParameters = new Set<TS.ParameterDeclaration>();
  let currentClass: TS.ClassLikeDeclaration | undefined;
  function isPropertyParameter(p: TS.ParameterDeclaration): boolean {
    return propertyParameters.has(p);
  }
  function parameterProperties(c: TS.ConstructorDeclaration): boolean {
    const props = c.parameters.filter((p) => modifiersOf(p)?.some(tsOnlyModifier));
    if (!props.length) return true;
    const cls = currentClass;
    if (!c.body || !cls || cls.heritageClauses?.some((h) => h.token === K.ExtendsKeyword)) return false;
    if (props.some((p) => p.name.kind !== K.Identifier)) return false;
    for (const p of props) propertyParameters.add(p);
    const assign = props.map((p) => `this.${(p.name as TS.Identifier).text} = ${(p.name as TS.Identifier).text};`).join(' ');
    edits.insert(c.body.getStart(sf) + 1, ` ${assign}`);
    return true;
  }

  function visit(n: TS.Node): void {
    if (!ok) return;
    if (ts.isTypeNode(n) && n.kind !== K.ExpressionWithTypeArguments) return;
    switch (n.kind) {
      case K.InterfaceDeclaration:
      case K.TypeAliasDeclaration:
      case K.IndexSignature:
        return blankNode(n);
      case K.EnumDeclaration:
      case K.ModuleDeclaration:
        if (hasModifier(n, K.DeclareKeyword) || (n as TS.ModuleDeclaration).name?.kind === K.Identifier && (n as TS.ModuleDeclaration).name.getText(sf) === 'global') return blankNode(n);
        ok = false;
        return;
      case K.ImportDeclaration:
        if ((n as TS.ImportDeclaration).importClause?.isTypeOnly) blankNode(n);
        return;
      case K.ImportEqualsDeclaration:
        if ((n as TS.ImportEqualsDeclaration).isTypeOnly) blankNode(n);
        return;
      case K.ExportDeclaration:
        if ((n as TS.ExportDeclaration).isTypeOnly) blankNode(n);
        return;
      case K.VariableStatement:
      case K.ClassDeclaration:
        if (hasModifier(n, K.DeclareKeyword)) return blankNode(n);
        break;
      case K.FunctionDeclaration:
      case K.MethodDeclaration:
        if (hasModifier(n, K.DeclareKeyword) || hasModifier(n, K.AbstractKeyword) || !(n as TS.FunctionLikeDeclaration).body) return blankNode(n);
        break;
      case K.PropertyDeclaration: {
        const p = n as TS.PropertyDeclaration;
        if (hasModifier(n, K.DeclareKeyword) || hasModifier(n, K.AbstractKeyword)) return blankNode(n);
        blankToken(p.questionToken);
        blankToken(p.exclamationToken);
        blankAnnotation(p.type);
        break;
      }
      case K.GetAccessor:
      case K.SetAccessor:
        if (hasModifier(n, K.AbstractKeyword)) return blankNode(n);
        break;
      case K.Constructor:
        if (!(n as TS.ConstructorDeclaration).body) return blankNode(n); // an overload signature
        if (!parameterProperties(n as TS.ConstructorDeclaration)) { ok = false; return; }
        break;
      case K.Parameter: {
        const p = n as TS.ParameterDeclaration;
        if (modifiersOf(p)?.some(tsOnlyModifier) && !isPropertyParameter(p)) { ok = false; return; }
        if (p.name.kind === K.Identifier && p.name.text === 'this') {
          const after = text.slice(p.end).match(/^\s*,/);
          edits.blank(p.getStart(sf), p.end + (after ? after[0].length : 0));
          return;
        }
        blankToken(p.questionToken);
        blankAnnotation(p.type);
        break;
      }
      case K.VariableDeclaration: {
        const v = n as TS.VariableDeclaration;
        blankToken(v.exclamationToken);
        blankAnnotation(v.type);
        break;
      }
      case K.AsExpression:
      case K.SatisfiesExpression: {
        const e = n as TS.AsExpression;
        edits.blank(e.expression.end, e.end);
        visit(e.expression);
        return;
      }
      case K.TypeAssertionExpression: {
        const e = n as TS.TypeAssertion;
        edits.blank(e.getStart(sf), e.expression.getStart(sf));
        visit(e.expression);
        return;
      }
      case K.NonNullExpression: {
        const e = n as TS.NonNullExpression;
        edits.blank(e.expression.end, e.end);
        visit(e.expression);
        return;
      }
      case K.HeritageClause:
        if ((n as TS.HeritageClause).token === K.ImplementsKeyword) return blankNode(n);
        break;
      case K.ExpressionWithTypeArguments:
      case K.CallExpression:
      case K.NewExpression:
      case K.TaggedTemplateExpression:
        blankBracketed((n as TS.CallExpression).typeArguments);
        break;
      case K.Decorator:
        ok = false;
        return;
    }
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) {
      const f = n as TS.SignatureDeclarationBase;
      blankBracketed(f.typeParameters);
      if (ts.isFunctionLike(n) && f.type) {
        blankAnnotation(f.type);
        if (n.kind === K.ArrowFunction) {
          const a = n as TS.ArrowFunction;
          if (text.slice(f.type.end, a.equalsGreaterThanToken.getStart(sf)).includes('\n') ||
              text.slice(text.lastIndexOf(':', f.type.getStart(sf)), f.type.end).includes('\n')) ok = false;
        }
      }
      if (n.kind === K.MethodDeclaration) blankToken((n as TS.MethodDeclaration).questionToken);
    }
    modifiers(n);
    const outer = currentClass;
    if (ts.isClassLike(n)) currentClass = n;
    ts.forEachChild(n, visit);
    currentClass = outer;
  }

  for (const s of sf.statements) visit(s);
  return ok;
}
