/**
 * Live progress of a sweep: "sweep 7/12 done · 3 running · 1 failed · 2 retried · ETA 41s".
 * In a notebook: one output updated in place (display hook, `update: true`). On a terminal: the
 * line rewritten in place on stderr when it is a TTY, else one line per event (logs, CI).
 */
import { displayHook } from '../runtime/index.js';

/** Counters of a sweep in progress. */
export interface SweepCounts { total: number; skipped: number; done: number; running: number; failed: number; retried: number }

/**
 * The one-line summary; the ETA extrapolates from the runs finished in this session.
 * @example sweepProgressText({ total: 12, skipped: 0, done: 6, running: 2, failed: 0, retried: 0 }, 30) // '… ETA 30s'
 */
export function sweepProgressText(c: SweepCounts, elapsedS: number): string {
  const finishedHere = c.done + c.failed - c.skipped;
  const left = c.total - c.done - c.failed;
  const eta = finishedHere > 0 && left > 0 ? `, ETA ${Math.round((elapsedS / finishedHere) * left)}s` : '';
  return `sweep ${c.done}/${c.total} done (${c.skipped} resumed), ${c.running} running, ${c.failed} failed, ${c.retried} retried${eta}`;
}

/** A progress view; `log` prints a message line (server down, retry) above it. */
export interface SweepProgressView { update(c: SweepCounts): void; log(message: string): void; close(c: SweepCounts): void }

let counter = 0;

/** Starts the progress view (`quiet`: messages only, no progress lines). */
export function sweepProgress({ quiet = false, stream = process.stderr as NodeJS.WriteStream } = {}): SweepProgressView {
  const hook = displayHook();
  const id = `flowlab-sweep-${process.pid}-${++counter}`;
  const t0 = performance.now();
  let shown = false;
  let lastLine = '';
  const text = (c: SweepCounts) => sweepProgressText(c, (performance.now() - t0) / 1000);
  const render = (c: SweepCounts) => {
    if (quiet) return;
    const line = text(c);
    if (hook) {
      const pct = c.total ? (100 * (c.done + c.failed)) / c.total : 100;
      const html = `<div style="font-family:monospace;font-size:12px"><div style="display:inline-block;width:240px;height:10px;border:1px solid #888;vertical-align:middle"><div style="width:${pct.toFixed(1)}%;height:100%;background:#4a90d9"></div></div> ${line}</div>`;
      hook.display({ 'text/html': html, 'text/plain': line }, { id, update: shown });
      shown = true;
    } else if (stream.isTTY) {
      stream.write(`\r${line.slice(0, (stream.columns ?? 120) - 1)}\x1b[K`);
      shown = true;
    } else if (line.replace(/, ETA.*$/, '') !== lastLine) {
      lastLine = line.replace(/, ETA.*$/, '');
      stream.write(`${line}\n`);
    }
  };
  return {
    update: render,
    log(message) {
      if (hook) console.error(message);
      else stream.write(`${stream.isTTY && shown ? '\r\x1b[K' : ''}${message}\n`);
    },
    close(c) {
      render(c);
      if (!hook && stream.isTTY && shown && !quiet) stream.write('\n');
    },
  };
}
