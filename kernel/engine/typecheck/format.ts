/** Formats type-check diagnostics of a cell as the kernel prints them. */
import type * as TS from 'typescript';
import type { TypeScript } from '../typescript.js';

/** Diagnostics that make no sense for notebook cells (cells import earlier cells' names, assign to them...). */
export const IGNORED_CODES = new Set([
  2632, // Cannot assign to 'x' because it is an import (a later cell reassigning an earlier cell's variable)
  2539, // Cannot assign to 'x' because it is not a variable
  7016, // Could not find a declaration file for module (untyped packages are fine at runtime)
  1375, 1378, // top-level await settings
  2440, // Import declaration conflicts with local declaration
  2300, // Duplicate identifier (re-exported names)
  6133, 6192, 6196, 6198, // unused
  1208, // isolatedModules
  2528, // A module cannot have multiple default exports
]);

/**
 * `cell [N] line:col - error TS2322: message`, one line per diagnostic located in the cell's own
 * text (the first `length` characters of the checked file).
 */
export function formatDiagnostics(ts: TypeScript, diags: readonly TS.Diagnostic[], cell: number, length: number): string {
  const lines: string[] = [];
  for (const d of diags) {
    if (IGNORED_CODES.has(d.code) || d.start === undefined || !d.file || d.start > length) continue;
    if (d.category !== ts.DiagnosticCategory.Error && d.category !== ts.DiagnosticCategory.Warning) continue;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const kind = d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning';
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
    lines.push(`cell [${cell}] ${line + 1}:${character + 1} - ${kind} TS${d.code}: ${msg}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
