/**
 * The sweep's journal, `DIR/runs.jsonl`: one JSON line appended (synchronously) the moment a run
 * finishes, after its executed notebook is written. A restarted sweep reads it and skips every
 * setting already finished with the same notebook code, so nothing finished is redone or lost.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One finished run as recorded in runs.jsonl. */
export interface RunRecord {
  key: string;
  params: Record<string, unknown>;
  /** 'ok': result recorded; 'error': a cell failed or no result; 'lost': every attempt failed on servers/kernels. */
  status: 'ok' | 'error' | 'lost';
  rows: Record<string, unknown>[];
  columns: string[];
  /** Where it ran (server URL or 'local'), and how many attempts it took. */
  where: string;
  attempts: number;
  seconds: number;
  /** The executed notebook, relative to DIR. */
  notebook?: string;
  error?: string;
  /** Hash of the notebook's code cells (a changed notebook is not resumed from old records). */
  notebookHash: string;
  finishedAt: string;
}

/** The journal file of a sweep folder. */
export const journalPath = (dir: string): string => join(dir, 'runs.jsonl');

/**
 * Reads DIR/runs.jsonl (missing → empty); a torn last line (a crash mid-write) is ignored.
 * Non-finite numbers are stored as the strings 'NaN' / 'Infinity' / '-Infinity'.
 */
export function readJournal(dir: string): RunRecord[] {
  const file = journalPath(dir);
  if (!existsSync(file)) return [];
  const out: RunRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { out.push(JSON.parse(line)); } catch { /* torn line */ }
  }
  return out;
}

/** The finished-ok records for this notebook version, by key (the latest wins). */
export function completedRuns(dir: string, notebookHash: string): Map<string, RunRecord> {
  const done = new Map<string, RunRecord>();
  for (const r of readJournal(dir)) if (r.status === 'ok' && r.notebookHash === notebookHash) done.set(r.key, r);
  return done;
}

/** Appends one record (creating DIR if needed). */
export function appendRecord(dir: string, record: RunRecord): void {
  mkdirSync(dir, { recursive: true });
  const enc = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
  appendFileSync(journalPath(dir), JSON.stringify(record, enc) + '\n');
}
