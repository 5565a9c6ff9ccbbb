/**
 * Live figures: a figure rebuilt from fresh data and re-drawn in place (Jupyter
 * update_display_data through the runtime display hook), throttled to at most one render per
 * `throttleMs` (default 200 ms: ≤ 5 per second). The final state is always shown by `done()`.
 *
 * With `fl.train`: pass `view.callback` in `callbacks` (train calls it after every step with
 * `{ step, loss, lr, … }`; the builder then receives a growing table of columns step, loss, lr —
 * plus every field of `ctx.row` when train provides the recorded row), and `await view.done()`
 * after the run. Recorders that produce whole tables can call `onRecord(row, table)` instead.
 *
 * Outside a notebook (no display hook) nothing is drawn; `figure` still holds the latest figure.
 */
import { randomUUID } from 'node:crypto';
import { displayHook } from '../runtime/display.js';
import type { Figure } from './figure.js';
import { carrierBundle, plotlyCarried, renderBundle } from './render.js';
import { staticImagesWanted, staticPng } from './static-image.js';

/** Options of `live`. */
export interface LiveOptions {
  /** Minimum milliseconds between renders. Default 200 (at most 5 renders per second). */
  throttleMs?: number;
  /** Display id (default: a random one). */
  id?: string;
  /** Add a static PNG to the final render when static images are on. Default true. */
  finalImage?: boolean;
}

/** A figure that follows its data. */
export interface LiveFigure<D> {
  /** The display id its outputs share. */
  readonly id: string;
  /** The latest figure built (undefined before the first update). */
  readonly figure: Figure | undefined;
  /** Renders sent to the display hook so far. */
  readonly renders: number;
  /** New data: re-render now if the last render is older than `throttleMs`, else soon after. */
  update(data: D): void;
  /** Shows the final state (with a static PNG when static images are on) and stops the timer. */
  done(): Promise<void>;
  /** Re-render from a whole table (for loops that keep their own run table). */
  onRecord(row: unknown, table: D): void;
  /** End of a run (= done()). */
  onEnd(): Promise<void>;
  /**
   * A `fl.train` step callback: appends `{ step, loss, lr }` (and `ctx.row`'s fields, if any) to a
   * table of column arrays and updates the figure with it. Never stops the run.
   */
  readonly callback: (ctx: TrainStep) => void;
}

/** What `callback` reads from train's per-step context. */
export interface TrainStep {
  step: number;
  loss: number;
  lr?: number;
  /** The recorded row of this step, when train passes one (analysis columns such as sharpness). */
  row?: Record<string, unknown>;
}

/**
 * A live figure drawn by `builder(data)` on every (throttled) update.
 * @example
 * const view = fl.plot.live((t) => fl.plot.lines(t, { y: 'loss', logY: true }));
 * const run = await fl.train(P, opt, { w0, steps: 1000, callbacks: [view.callback] });
 * await view.done();                                     // the final state, with a PNG when on
 */
export function live<D>(builder: (data: D) => Figure, { throttleMs = 200, id = `flowlab-live-${randomUUID()}`, finalImage = true }: LiveOptions = {}): LiveFigure<D> {
  if (typeof builder !== 'function') throw new TypeError('plot.live: `builder` must be a function from data to a figure, e.g. (t) => fl.plot.lines(t, { y: "loss" }).');
  if (!(throttleMs >= 0)) throw new Error(`plot.live: \`throttleMs\` must be a non-negative number of milliseconds; got ${throttleMs}.`);
  let latest: D | undefined;
  let hasData = false;
  let dirty = false;
  let shown = false;
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let renders = 0;
  let fig: Figure | undefined;

  const render = (png?: string) => {
    if (!hasData) return;
    fig = builder(latest as D);
    dirty = false;
    const hook = displayHook();
    if (hook) {
      if (!shown && !plotlyCarried()) hook.display(carrierBundle());
      hook.display(renderBundle(fig.toJSON(), { carry: false, png }), { id, update: shown });
      shown = true;
      renders++;
    }
    last = performance.now();
  };
  const flush = () => { timer = undefined; if (dirty) render(); };
  const cols: Record<string, unknown[]> = {};
  let rows = 0;

  const self: LiveFigure<D> = {
    id,
    get figure() { return fig; },
    get renders() { return renders; },
    update(data: D) {
      latest = data;
      hasData = true;
      dirty = true;
      const wait = last + throttleMs - performance.now();
      if (wait <= 0) {
        if (timer) { clearTimeout(timer); timer = undefined; }
        render();
      } else if (!timer) {
        timer = setTimeout(flush, wait);
        timer.unref?.();
      }
    },
    async done() {
      if (timer) { clearTimeout(timer); timer = undefined; }
      if (!hasData) return;
      if (finalImage && displayHook() && staticImagesWanted()) {
        fig = builder(latest as D);
        render(await staticPng(fig.toJSON()));
      } else if (dirty || !shown) {
        render();
      }
    },
    onRecord(_row: unknown, table: D) { self.update(table); },
    onEnd() { return self.done(); },
    callback(ctx: TrainStep) {
      const fields: Record<string, unknown> = { step: ctx.step, loss: ctx.loss, ...(ctx.lr !== undefined ? { lr: ctx.lr } : {}), ...(ctx.row ?? {}) };
      for (const [k, v] of Object.entries(fields)) (cols[k] ??= new Array(rows).fill(null)).push(v);
      rows++;
      for (const c of Object.values(cols)) if (c.length < rows) c.push(null);
      self.update(cols as unknown as D);
    },
  };
  return self;
}
