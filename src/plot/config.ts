/**
 * Session-wide plot settings (`fl.plot.config`).
 */
import { existsSync } from 'node:fs';

/** Plot settings; see `config()` for defaults. */
export interface PlotConfig {
  /**
   * Add a static `image/png` (also shown inside the HTML until plotly.js draws) to displayed
   * figures. 'auto' (default): on inside a notebook when Chromium exists, never delaying a
   * display by more than `firstImageBudgetMs` / `imageBudgetMs`, and switched off for the session
   * after 3 late images in a row or a Chromium failure (see static-image.ts).
   */
  staticImages: boolean | 'auto';
  /** Longest wait for the session's first static image (browser start + plotly load + render). Default 5000 ms. */
  firstImageBudgetMs: number;
  /** Longest wait for each later static image. Default 1500 ms. */
  imageBudgetMs: number;
  /** 'once' (default): the first figure of a session carries plotly.js; 'always': every figure does. */
  inlinePlotly: 'once' | 'always';
  /** Path of the Chromium binary used for static images and export. Default /usr/bin/chromium (or $FLOWLAB_CHROMIUM). */
  chromium: string;
}

const settings: PlotConfig = {
  staticImages: 'auto',
  firstImageBudgetMs: 5_000,
  imageBudgetMs: 1_500,
  inlinePlotly: 'once',
  chromium: process.env.FLOWLAB_CHROMIUM || '/usr/bin/chromium',
};

const VALID: Record<keyof PlotConfig, (v: unknown) => boolean> = {
  staticImages: (v) => v === true || v === false || v === 'auto',
  firstImageBudgetMs: (v) => typeof v === 'number' && v > 0,
  imageBudgetMs: (v) => typeof v === 'number' && v > 0,
  inlinePlotly: (v) => v === 'once' || v === 'always',
  chromium: (v) => typeof v === 'string' && v.length > 0,
};

/**
 * Reads or changes the session's plot settings; returns the settings now in force.
 * Defaults: `{ staticImages: 'auto', firstImageBudgetMs: 5000, imageBudgetMs: 1500,
 * inlinePlotly: 'once', chromium: '/usr/bin/chromium' }`.
 * @example fl.plot.config({ staticImages: false });   // never start Chromium for figures
 */
export function config(changes: Partial<PlotConfig> = {}): Readonly<PlotConfig> {
  for (const [key, value] of Object.entries(changes)) {
    const check = VALID[key as keyof PlotConfig];
    if (!check) throw new Error(`plot.config: unknown setting '${key}'. Known settings: ${Object.keys(VALID).join(', ')}.`);
    if (!check(value)) throw new Error(`plot.config: invalid value ${JSON.stringify(value)} for '${key}'. See the doc comment of PlotConfig.${key} for what it accepts.`);
  }
  Object.assign(settings, changes);
  return { ...settings };
}

/** The settings in force (read-only view). */
export function settingsNow(): Readonly<PlotConfig> {
  return settings;
}

/** True when the configured Chromium binary exists. */
export function chromiumAvailable(): boolean {
  return existsSync(settings.chromium);
}
