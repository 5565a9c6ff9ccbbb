/**
 * Can a cell's synchronous run execute code the kernel did not instrument?
 *
 * The kernel stops a running cell in two ways: every loop and await of cell code checks the
 * interrupt flag (rewrite.ts), and code the kernel did not compile — library functions, getters,
 * iterators, `eval` — is stopped by vm's `breakOnSigint` watchdog. That watchdog costs a thread
 * start and join plus a swap of the process's SIGINT handlers on every run (~0.1–0.3 ms, much
 * more on a crowded machine), so it is used only where it can matter: a cell needs it unless its
 * top-level code does nothing but evaluate literals, operators, identifiers, assignments and
 * control flow (loops included, they are instrumented) and declare functions and classes (whose
 * bodies run only when called, and calls are what this looks for).
 *
 * Deliberately conservative: any call, `new`, tagged template, property or element access,
 * spread, destructuring, `for…of` / `for…in`, template literal with substitutions, `in`,
 * `instanceof`, `delete`, `await`, `yield`, decorator, `with`, `import x = A.B`, static block,
 * static class initializer or
 * computed name that evaluates something of that kind makes the answer "yes". Reading a global
 * that a library defined as a getter is the one case not caught: no real cell loops forever that way.
 */
import type * as TS from 'typescript';
import type { TypeScript } from '../typescript.js';
import { hasModifier } from './modifiers.js';

/** True unless the cell's top-level synchronous code provably runs only instrumented cell code. */
export function mayRunForeignCode(ts: TypeScript, sf: TS.SourceFile): boolean {
  const K = ts.SyntaxKind;
  let risky = false;
  const isStatic = (n: TS.Node) => hasModifier(n, K.StaticKeyword);
  const computedName = (name: TS.Node | undefined) => { if (name?.kind === K.ComputedPropertyName) visit(name); };

  function visit(n: TS.Node): void {
    if (risky) return;
    if (ts.isTypeNode(n) && n.kind !== K.ExpressionWithTypeArguments) return;
    switch (n.kind) {
      // Bodies that run only when called (or constructed): only what is evaluated at definition counts.
      case K.FunctionDeclaration: case K.FunctionExpression: case K.ArrowFunction:
      case K.MethodDeclaration: case K.GetAccessor: case K.SetAccessor: case K.Constructor:
        computedName((n as TS.FunctionLikeDeclaration).name);
        return;
      case K.PropertyDeclaration:
        computedName((n as TS.PropertyDeclaration).name);
        if (isStatic(n) && (n as TS.PropertyDeclaration).initializer) visit((n as TS.PropertyDeclaration).initializer!);
        return;
      case K.PropertyAssignment:
        computedName((n as TS.PropertyAssignment).name);
        visit((n as TS.PropertyAssignment).initializer);
        return;
      case K.ClassStaticBlockDeclaration:
      case K.CallExpression: case K.NewExpression: case K.TaggedTemplateExpression:
      case K.PropertyAccessExpression: case K.ElementAccessExpression:
      case K.SpreadElement: case K.SpreadAssignment:
      case K.ArrayBindingPattern: case K.ObjectBindingPattern:
      case K.ForOfStatement: case K.ForInStatement:
      case K.TemplateExpression: case K.DeleteExpression:
      case K.AwaitExpression: case K.YieldExpression:
      case K.Decorator: case K.WithStatement: case K.MetaProperty: case K.QualifiedName:
        risky = true;
        return;
      case K.BinaryExpression: {
        const b = n as TS.BinaryExpression;
        const op = b.operatorToken.kind;
        if (op === K.InKeyword || op === K.InstanceOfKeyword) { risky = true; return; }
        // Destructuring assignment ([a, b] = x, ({ a } = x)) runs iterators and getters.
        if (op === K.EqualsToken && (b.left.kind === K.ArrayLiteralExpression || b.left.kind === K.ObjectLiteralExpression)) { risky = true; return; }
        break;
      }
    }
    ts.forEachChild(n, visit);
  }

  for (const s of sf.statements) visit(s);
  return risky;
}
