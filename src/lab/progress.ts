/**
 * A live progress bar for long loops: an HTML bar updated in place in a notebook (display hook,
 * `update: true`), a `\r`-rewritten line on a terminal's stderr (only when it is a TTY), nothing
 * otherwise. With FLOWLAB_PROGRESS=stderr (set by `flowlab reproduce`, which runs notebooks in
 * process) the terminal line is shown next to the notebook's bar. Updates are throttled to at most
 * `maxRate` per second (default 5).
 */
import { displayHook } from '../runtime/index.js';

/** Handle returned by `progress`. */
export interface Progress {
  /** Reports that `done` of `total` steps are finished, with optional extra text. */
  update(done: number, extra?: string): void;
  /** Final render (always shown, not throttled). */
  close(extra?: string): void;
}

let counter = 0;

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * The one-line text of a progress state: "label 45% 450/1000 [12.3 it/s, ETA 44s] extra".
 * @example progressText('train', 50, 100, 10)   // 'train 50% 50/100 [5.00 it/s, ETA 10s]'
 */
export function progressText(label: string, done: number, total: number, elapsedS: number, extra = ''): string {
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  return `${label} ${pct}% ${done}/${total} [${rate.toFixed(rate < 10 ? 2 : 1)} it/s, ETA ${fmtTime(eta)}]${extra ? ' ' + extra : ''}`;
}

function html(label: string, done: number, total: number, text: string): string {
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : 100;
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<div style="font-family:monospace;font-size:12px"><div style="display:inline-block;width:240px;height:10px;border:1px solid #888;vertical-align:middle">` +
    `<div style="width:${pct.toFixed(1)}%;height:100%;background:#4a90d9"></div></div> ${esc}</div>`;
}

/**
 * Starts a progress display.
 * @example const p = progress(1000, { label: 'train' }); for (...) p.update(i + 1, `loss ${l}`); p.close();
 */
export function progress(total: number, { label = 'progress', maxRate = 5, stream = process.stderr as NodeJS.WriteStream | undefined } = {}): Progress {
  const hook = displayHook();
  const id = `flowlab-progress-${process.pid}-${++counter}`;
  const tty = (!hook || process.env.FLOWLAB_PROGRESS === 'stderr') && !!stream?.isTTY;
  const start = performance.now();
  let last = -Infinity;
  let shown = false;
  const render = (done: number, extra?: string) => {
    const text = progressText(label, done, total, (performance.now() - start) / 1000, extra);
    if (hook) {
      hook.display({ 'text/html': html(label, done, total, text), 'text/plain': text }, { id, update: shown });
      shown = true;
    }
    if (tty) {
      stream!.write(`\r${text.slice(0, Math.max(20, (stream!.columns ?? 100) - 1))}\x1b[K`);
      shown = true;
    }
  };
  return {
    update(done, extra) {
      const now = performance.now();
      if (now - last < 1000 / maxRate) return;
      last = now;
      render(done, extra);
    },
    close(extra) {
      render(total, extra);
      if (tty && shown) stream!.write('\n');
    },
  };
}
