/**
 * is_complete without the compiler, answered by the protocol worker when the engine is slow to
 * (kernel/protocol/shell.ts). Right after start the engine's answer (engine/is-complete.ts)
 * waits for the engine and TypeScript (9 MB) to load: 0.7–1.1 s measured on a loaded 2-core
 * machine, and `jupyter console` gives up after 1 s (`kernel_is_complete_timeout`), warns, and
 * for the rest of the session needs an empty line after every cell. This answer needs no module: brackets, quotes, template literals and block
 * comments are tracked by hand; open ones make the code 'incomplete' (indented by the open
 * brackets), an unmatched closer or a quoted string broken by a newline makes it 'invalid',
 * anything else is 'complete'. Regex literals and trailing operators are left to the full check.
 */
import type { EngineReply } from '../contract.js';

/** An is_complete answer: status, and the indent of the next line when incomplete. */
export type Completeness = Pick<Extract<EngineReply, { kind: 'isComplete' }>, 'status' | 'indent'>;

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
/** Stack mark of a `${` inside a template literal: its `}` returns to the template's text. */
const SUBST = '}`';

/** Classifies `code` as complete, incomplete (with indent) or invalid, without TypeScript. */
export function isCompleteQuick(code: string): Completeness {
  if (!code.trim()) return { status: 'complete' };
  const stack: string[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (stack[stack.length - 1] === '`') {           // inside a template literal's text
      if (c === '\\') i += 2;
      else if (c === '`') { stack.pop(); i++; }
      else if (c === '$' && code[i + 1] === '{') { stack.push(SUBST); i += 2; }
      else i++;
      continue;
    }
    if (c === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      i = end < 0 ? code.length : end;
    } else if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end < 0) return { status: 'incomplete', indent: indent(stack) };
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < code.length && code[j] !== c && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      if (j >= code.length || code[j] === '\n') return { status: 'invalid' };
      i = j + 1;
    } else if (c === '`') {
      stack.push('`'); i++;
    } else if (c in CLOSER) {
      stack.push(CLOSER[c]); i++;
    } else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (!(open === c || (open === SUBST && c === '}'))) return { status: 'invalid' };
      i++;
    } else i++;
  }
  return stack.length ? { status: 'incomplete', indent: indent(stack) } : { status: 'complete' };
}

function indent(stack: string[]): string {
  return '  '.repeat(stack.filter((s) => s !== '`' && s !== SUBST).length);
}
