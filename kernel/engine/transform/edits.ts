/**
 * Text edits on a cell's source and the position map they induce.
 *
 * The cell compiler never prints an AST: it blanks TypeScript-only syntax with spaces (positions
 * unchanged) and inserts a few small snippets. Rendering the edits gives the JavaScript and a chunk
 * list that maps any output line:column back to the cell's line:column for error messages.
 */

interface Edit { start: number; end: number; text: string; seq: number; close: boolean; exact: boolean }

/** One piece of output: `len` characters that came from source offset `src` (exactly or anchored). */
interface Chunk { out: number; src: number; len: number; exact: boolean }

/** Offsets of the first character of every line of `text`. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** Maps output positions (1-based line and column) back to the source. */
export class PositionMap {
  private outStarts?: number[];
  private srcStarts?: number[];
  constructor(private readonly chunks: Chunk[], private readonly src: string, private readonly out: string) {}

  /** Source offset of an output offset. */
  offset(outOffset: number): number {
    const c = this.chunks;
    let lo = 0, hi = c.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (c[mid].out <= outOffset) lo = mid; else hi = mid - 1;
    }
    const k = c[lo];
    return k.exact ? k.src + Math.min(outOffset - k.out, Math.max(k.len - 1, 0)) : k.src;
  }

  /** Source line:column (1-based) of an output line:column (1-based). */
  toSource(line: number, column: number): { line: number; column: number } {
    this.outStarts ??= lineStarts(this.out);
    this.srcStarts ??= lineStarts(this.src);
    const o = (this.outStarts[Math.min(line - 1, this.outStarts.length - 1)] ?? 0) + column - 1;
    const s = this.offset(o);
    const l = lineOf(this.srcStarts, s);
    return { line: l + 1, column: s - this.srcStarts[l] + 1 };
  }
}

/** Collects edits on one source text, then renders them. */
export class EditList {
  private edits: Edit[] = [];
  private seq = 0;
  constructor(readonly text: string) {}

  /** Inserts `text` before offset `pos`; `close` snippets at the same offset go innermost-first. */
  insert(pos: number, text: string, close = false): void {
    this.edits.push({ start: pos, end: pos, text, seq: this.seq++, close, exact: false });
  }

  /** Replaces [start, end) with `text`. */
  replace(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text, seq: this.seq++, close: false, exact: false });
  }

  /** Replaces [start, end) with spaces, keeping line breaks, so positions stay exact. */
  blank(start: number, end: number): void {
    if (end <= start) return;
    const piece = this.text.slice(start, end);
    // Most blanked pieces (annotations, modifiers) are on one line: spaces without a regex pass.
    const text = piece.includes('\n') || piece.includes('\r') ? piece.replace(/[^\r\n]/g, ' ') : ' '.repeat(piece.length);
    this.edits.push({ start, end, text, seq: this.seq++, close: false, exact: true });
  }

  private sorted(): Edit[] {
    return this.edits.slice().sort((a, b) => {
      if (a.start !== b.start) return a.start - b.start;
      const az = a.end === a.start, bz = b.end === b.start;
      if (az !== bz) return az ? -1 : 1;
      if (a.close !== b.close) return a.close ? -1 : 1;
      return a.close ? b.seq - a.seq : a.seq - b.seq;
    });
  }

  /**
   * Renders [from, to) with the edits inside it, leaving out `skip` ranges (rendered elsewhere).
   * Appends to `parts`/`chunks` starting at output offset `outPos`; returns the new output offset.
   */
  renderRange(from: number, to: number, skip: Array<[number, number]>, parts: string[], chunks: Chunk[], outPos: number): number {
    const src = this.text;
    let cur = from;
    const push = (text: string, srcAt: number, exact: boolean) => {
      if (!text) return;
      parts.push(text);
      chunks.push({ out: outPos, src: srcAt, len: text.length, exact });
      outPos += text.length;
    };
    const skips = skip.filter(([s, e]) => s >= from && e <= to).sort((a, b) => a[0] - b[0]);
    let si = 0;
    for (const e of this.sorted()) {
      if (e.start < from || e.end > to) continue;
      while (si < skips.length && skips[si][0] <= e.start && skips[si][0] >= cur) {
        push(src.slice(cur, skips[si][0]), cur, true);
        cur = skips[si][1];
        si++;
      }
      if (e.start < cur) continue;
      push(src.slice(cur, e.start), cur, true);
      push(e.text, e.start, e.exact);
      cur = e.end;
    }
    while (si < skips.length) {
      if (skips[si][0] >= cur) { push(src.slice(cur, skips[si][0]), cur, true); cur = skips[si][1]; }
      si++;
    }
    push(src.slice(cur, to), cur, true);
    return outPos;
  }
}

/** Builds output from pieces: literal text (anchored at a source offset) and rendered source ranges. */
export class OutputBuilder {
  readonly parts: string[] = [];
  readonly chunks: Chunk[] = [];
  private pos = 0;
  constructor(private readonly edits: EditList) {}

  /** Appends literal text mapped to source offset `anchor`. */
  text(text: string, anchor = 0): this {
    if (text) {
      this.parts.push(text);
      this.chunks.push({ out: this.pos, src: anchor, len: text.length, exact: false });
      this.pos += text.length;
    }
    return this;
  }

  /** Appends the source range [from, to) with its edits, minus the `skip` ranges. */
  range(from: number, to: number, skip: Array<[number, number]> = []): this {
    this.pos = this.edits.renderRange(from, to, skip, this.parts, this.chunks, this.pos);
    return this;
  }

  /** The JavaScript and its position map. */
  finish(): { code: string; map: PositionMap } {
    const code = this.parts.join('');
    return { code, map: new PositionMap(this.chunks, this.edits.text, code) };
  }
}
