/**
 * Persistent input history for history_request (tail, range, search).
 *
 * Each kernel session appends to its own JSONL file `<dir>/<session>.jsonl`, one
 * `{"line", "source", "output"}` object per stored cell; the session number is the next free
 * integer, claimed atomically by creating the file exclusively, so concurrent kernels never share
 * one. The file stays open for the session and stored cells are written in batches, at most
 * WRITE_DELAY_MS after they were stored (and on flush(), which the kernel calls before it exits),
 * so storing a cell costs an append to a string, not a file write per cell; answers about the
 * current session come from memory. The directory is FLOWLAB_HISTORY_DIR, else `$JUPYTER_DATA_DIR/flowlab/history`, else
 * `$XDG_DATA_HOME/flowlab/history` (XDG_DATA_HOME defaulting to ~/.local/share).
 */
import { mkdir, open, readdir, readFile, stat, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { globToRegExp } from './glob.js';
import { log } from './log.js';

/** How long a stored cell may wait before it is written to disk, ms. */
const WRITE_DELAY_MS = 200;

/** One stored cell. */
export interface HistoryEntry {
  session: number;
  line: number;
  source: string;
  output: string | null;
}

/** A history_reply row: [session, line, source] or [session, line, [source, output]]. */
export type HistoryRow = [number, number, string | [string, string | null]];

/** The default history directory (see the module comment). */
export function defaultHistoryDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOWLAB_HISTORY_DIR) return env.FLOWLAB_HISTORY_DIR;
  if (env.JUPYTER_DATA_DIR) return join(env.JUPYTER_DATA_DIR, 'flowlab', 'history');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'flowlab', 'history');
}

/** Formats entries as history_reply rows. */
export function toRows(entries: readonly HistoryEntry[], output: boolean): HistoryRow[] {
  return entries.map((e) => [e.session, e.line, output ? [e.source, e.output] : e.source]);
}

/** The history of this kernel session plus read access to earlier sessions. */
export class HistoryStore {
  session = 0;
  private readonly current: HistoryEntry[] = [];
  private handle: FileHandle | undefined;
  private unwritten = '';
  private writes: Promise<void> = Promise.resolve();
  private writing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly cache = new Map<number, { size: number; entries: HistoryEntry[] }>();
  private opening: Promise<void> | undefined;

  constructor(readonly dir: string = defaultHistoryDir()) {}

  /** True once open() has settled (add() then persists without waiting). */
  isOpen = false;

  /** Claims a session number (idempotent; history keeps working in memory if the disk fails). */
  open(): Promise<void> {
    this.opening ??= this.claim().catch((err: Error) => {
      log(`history: cannot persist to ${this.dir} (${err.message}); keeping this session in memory`);
      this.session ||= 1;
    }).finally(() => {
      this.isOpen = true;
    });
    return this.opening;
  }

  private async claim(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    let next = Math.max(0, ...(await this.sessions())) + 1;
    for (;;) {
      try {
        this.handle = await open(join(this.dir, `${next}.jsonl`), 'wx');
        this.session = next;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        next += 1;
      }
    }
  }

  private async sessions(): Promise<number[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.map((n) => /^(\d+)\.jsonl$/.exec(n)?.[1]).filter((s): s is string => !!s).map(Number);
  }

  /** Records a stored cell and appends it to this session's file. */
  add(line: number, source: string, output: string | null): void {
    const entry: HistoryEntry = { session: this.session, line, source, output };
    this.current.push(entry);
    if (!this.handle) return;
    this.unwritten += `${JSON.stringify({ line, source, output })}\n`;
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), WRITE_DELAY_MS);
      this.timer.unref?.();
    }
  }

  /** Writes what was stored since the last write, until nothing is left. */
  private async writeOut(): Promise<void> {
    this.writing = true;
    try {
      while (this.unwritten && this.handle) {
        const text = this.unwritten;
        this.unwritten = '';
        await this.handle.write(text).catch((err: Error) => log(`history: write failed: ${err.message}`));
      }
    } finally {
      this.writing = false;
    }
  }

  private async load(session: number): Promise<HistoryEntry[]> {
    if (session === this.session) return this.current;
    const file = join(this.dir, `${session}.jsonl`);
    const info = await stat(file).catch(() => undefined);
    if (!info) return [];
    const hit = this.cache.get(session);
    if (hit && hit.size === info.size) return hit.entries;
    const entries: HistoryEntry[] = [];
    for (const text of (await readFile(file, 'utf8')).split('\n')) {
      if (!text.trim()) continue;
      try {
        const row = JSON.parse(text) as { line: number; source: string; output?: string | null };
        if (typeof row.line === 'number' && typeof row.source === 'string') entries.push({ session, line: row.line, source: row.source, output: row.output ?? null });
      } catch {
        /* a torn last line from a crashed kernel: skip it */
      }
    }
    this.cache.set(session, { size: info.size, entries });
    return entries;
  }

  /** Sessions newest first, the current one included. */
  private async newestFirst(): Promise<number[]> {
    const all = new Set(await this.sessions());
    all.add(this.session);
    return [...all].sort((a, b) => b - a);
  }

  /** The last n stored cells over all sessions, oldest first. */
  async tail(n: number): Promise<HistoryEntry[]> {
    const out: HistoryEntry[] = [];
    for (const s of await this.newestFirst()) {
      if (out.length >= n) break;
      const entries = await this.load(s);
      out.unshift(...entries.slice(Math.max(0, entries.length - (n - out.length))));
    }
    return out;
  }

  /** Cells start ≤ line < stop of one session (session ≤ 0 counts back from the current one). */
  async range(session: number, start = 0, stop?: number): Promise<HistoryEntry[]> {
    const s = session <= 0 ? this.session + session : session;
    return (await this.load(s)).filter((e) => e.line >= start && (stop === undefined || e.line < stop));
  }

  /** Cells whose source matches a glob; the last n if n is given; only the latest of each source if unique. */
  async search(pattern: string, { n, unique = false }: { n?: number; unique?: boolean } = {}): Promise<HistoryEntry[]> {
    const re = globToRegExp(pattern);
    const out: HistoryEntry[] = [];
    const seen = new Set<string>();
    for (const s of await this.newestFirst()) {
      const entries = await this.load(s);
      for (let i = entries.length - 1; i >= 0; i--) {
        const e = entries[i]!;
        if (!re.test(e.source) || (unique && seen.has(e.source))) continue;
        seen.add(e.source);
        out.push(e);
        if (n !== undefined && out.length >= n) return out.reverse();
      }
    }
    return out.reverse();
  }

  /** Writes every stored cell now; resolves when they reached the disk. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.unwritten && !this.writing) this.writes = this.writeOut();
    return this.writes;
  }
}
