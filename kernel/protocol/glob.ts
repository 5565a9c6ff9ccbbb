/**
 * Glob patterns as history_request's `pattern` uses them (IPython matches with SQLite GLOB):
 * `*` any run of characters (newlines included), `?` one character, `[abc]` / `[a-z]` / `[^abc]`
 * a character class; the pattern must match the whole source; case-sensitive.
 */

/**
 * Compiles a glob to an anchored RegExp.
 * @example globToRegExp('1?2*').test('1+2') // true
 */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') out += '[\\s\\S]*';
    else if (ch === '?') out += '[\\s\\S]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else out += ch.replace(/[.+^${}()|\\\]\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
