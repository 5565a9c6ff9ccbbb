/**
 * Static PNGs for displayed figures, so a saved notebook shows its figures where no script runs
 * (GitHub, untrusted notebooks). Decided per session:
 *
 * - `staticImages: false`: never. `true`: whenever Chromium exists (a display waits up to 30 s
 *   for its PNG; failures are silent: the figure displays without one).
 * - `'auto'` (default): inside a notebook when Chromium exists, with bounded latency: a display
 *   waits at most `firstImageBudgetMs` (5 s) for the session's first PNG (browser start + plotly
 *   load + render: measured 2.3 s on an idle 2-core machine, up to 9 s under load) and
 *   `imageBudgetMs` (1.5 s) for later ones (measured 0.05–0.2 s). A PNG that misses its budget is
 *   left out (the render finishes in the background and warms the browser); after 3 misses in a
 *   row, or any Chromium failure, 'auto' switches static images off for the session.
 * - Never throws: a missing or broken Chromium means "no PNG", not a failed display.
 */
import { chromiumAvailable, settingsNow } from './config.js';
import { inNotebook } from '../runtime/display.js';
import { toImageUrl } from './chromium.js';
import type { FigureSpec } from './types.js';

let made = 0;
let misses = 0;
let disabledReason: string | undefined;

/** Why 'auto' static images were switched off this session (undefined while they are on). */
export function staticImagesDisabledReason(): string | undefined {
  return disabledReason;
}

/** Forget the session's measurements (tests). */
export function resetStaticImages(): void {
  made = 0;
  misses = 0;
  disabledReason = undefined;
}

/** True when a displayed figure should get a PNG now. */
export function staticImagesWanted(): boolean {
  const mode = settingsNow().staticImages;
  if (mode === false || !chromiumAvailable()) return false;
  if (mode === true) return true;
  return inNotebook() && disabledReason === undefined;
}

/** A base64 PNG of the figure, or undefined when static images are off, too slow or failing. */
export async function staticPng(spec: FigureSpec): Promise<string | undefined> {
  if (!staticImagesWanted()) return undefined;
  const s = settingsNow();
  const auto = s.staticImages === 'auto';
  const limit = !auto ? 30_000 : made === 0 ? s.firstImageBudgetMs : s.imageBudgetMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const render = toImageUrl(spec, { format: 'png' }).then((url) => { made++; return url; });
  render.catch((err: Error) => {   // a browser closed on purpose (closeBrowser) is not a failure
    if (auto && !/has been closed/.test(err.message)) disable(`Chromium failed: ${err.message.split('\n')[0]}`);
  });
  try {
    const url = await Promise.race([render, new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), limit); })]);
    if (url === undefined) {
      if (auto && ++misses >= 3) disable(`3 static images in a row missed their ${limit} ms budget`);
      return undefined;
    }
    misses = 0;
    return url.slice(url.indexOf(',') + 1);
  } catch {
    return undefined;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function disable(reason: string): void {
  if (disabledReason !== undefined) return;
  disabledReason = reason;
  process.stderr.write(`flowlab.plot: static PNG fallbacks switched off for this session (${reason}). `
    + 'Turn them on with fl.plot.config({ staticImages: true }).\n');
}
