/**
 * is_complete for TypeScript cells, from the scanner and parser only (no checker): 'incomplete'
 * (with the indent for the next line) while brackets, a template literal or a comment are open
 * or the code ends with an operator; 'invalid' on an unmatched closing bracket or a parse error
 * before the end; 'complete' otherwise.
 */
import type * as TS from 'typescript';
import type { TypeScript } from './typescript.js';

/** The answer to an is_complete request. */
export interface Completeness { status: 'complete' | 'incomplete' | 'invalid'; indent?: string }

const OPEN: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

/** Classifies `code` as complete, incomplete (with indent) or invalid. */
export function isComplete(ts: TypeScript, code: string): Completeness {
  if (!code.trim()) return { status: 'complete' };
  const K = ts.SyntaxKind;
  let unterminated = false;
  let badString = false;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code, (m) => {
    if (m.code === 1010 || m.code === 1160) unterminated = true; // '*/' expected, unterminated template
    else if (m.code === 1002) badString = true; // a quoted string cannot continue on the next line
  });
  const stack: string[] = []; // expected closers; '`' marks an open template substitution
  let last: TS.SyntaxKind = K.Unknown;
  for (let t = scanner.scan(); t !== K.EndOfFileToken; t = scanner.scan()) {
    if (t === K.SlashToken || t === K.SlashEqualsToken) {
      const prevAllowsRegex = last === K.Unknown || last === K.ReturnKeyword ||
        (last >= K.FirstPunctuation && last <= K.LastPunctuation && last !== K.CloseParenToken && last !== K.CloseBracketToken && last !== K.CloseBraceToken);
      if (prevAllowsRegex) t = scanner.reScanSlashToken();
    }
    const text = scanner.getTokenText();
    if (t === K.OpenBraceToken || t === K.OpenParenToken || t === K.OpenBracketToken) stack.push(OPEN[text]);
    else if (t === K.TemplateHead) stack.push('`');
    else if (t === K.CloseBraceToken && stack[stack.length - 1] === '`') {
      t = scanner.reScanTemplateToken(false);
      if (t === K.TemplateTail) stack.pop();
    } else if (t === K.CloseBraceToken || t === K.CloseParenToken || t === K.CloseBracketToken) {
      if (stack.pop() !== text) return { status: 'invalid' };
    }
    last = t;
  }
  if (badString) return { status: 'invalid' };
  const indent = '  '.repeat(stack.filter((c) => c !== '`').length);
  if (unterminated || stack.length) return { status: 'incomplete', indent };
  const continues = (last >= K.FirstBinaryOperator && last <= K.LastBinaryOperator && last !== K.GreaterThanToken) ||
    last === K.DotToken || last === K.EqualsGreaterThanToken || last === K.QuestionToken || last === K.ColonToken ||
    last === K.CommaToken || last === K.QuestionDotToken || last === K.EqualsToken;
  if (continues) return { status: 'incomplete', indent: '  ' };
  const sf = ts.createSourceFile('c.ts', code, ts.ScriptTarget.Latest, false);
  const diags = (sf as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (!diags.length) return { status: 'complete' };
  const end = code.trimEnd().length;
  return diags.every((d) => (d.start ?? 0) >= end) ? { status: 'incomplete', indent: '' } : { status: 'invalid' };
}
