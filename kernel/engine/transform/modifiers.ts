/**
 * A node's modifiers read as the parser stored them. `ts.getModifiers` / `ts.getDecorators`
 * allocate a filtered copy on every call; the cell compiler asks for every node of every cell.
 */
import type * as TS from 'typescript';

/** The modifiers and decorators of `n`, in source order (undefined when it has none). */
export function modifiersOf(n: TS.Node): TS.NodeArray<TS.ModifierLike> | undefined {
  return (n as { modifiers?: TS.NodeArray<TS.ModifierLike> }).modifiers;
}

/** True when `n` carries the modifier keyword `kind` (`declare`, `static`, `abstract`…). */
export function hasModifier(n: TS.Node, kind: TS.SyntaxKind): boolean {
  return !!modifiersOf(n)?.some((m) => m.kind === kind);
}
