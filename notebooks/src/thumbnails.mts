/**
 * Writes notebooks/thumbnails/<name>.png (the README's thumbnails) from executed notebooks, e.g.
 * after `flowlab reproduce all --out out`:
 *
 *     node --import tsx notebooks/src/thumbnails.mts out
 *
 * Renders with Chromium (fl.plot.save); one figure per notebook (the one named in MAIN, else the last).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeBrowser, save } from '../../src/plot/index.js';
import { notebookFigures } from '../../src/lab/report.js';
import { listReproductions } from '../../src/cli/reproductions.js';

/** Index (0-based) of the figure to show per notebook; default the last one. */
const MAIN: Record<string, number> = {
  'central-flow-gd': 1, 'central-flow-rmsprop': 0, 'edge-of-stability': 0, 'optimizer-zoo': 0, 'large-step-logistic': 0, 'adamp-effective-step': 0,
  'sam-eigenvalue-regularization': 1, 'optimizers-alter-solutions': 0, 'mesa-optimization': 1,
  'optimizer-benchmark': 0, 'schedules-convex-theory': 0,
};
const outDir = process.argv[2] ?? 'out';
const target = join(dirname(dirname(fileURLToPath(import.meta.url))), 'thumbnails');
mkdirSync(target, { recursive: true });
for (const { name } of listReproductions()) {
  const file = join(outDir, name, `${name}.ipynb`);
  if (!existsSync(file)) { console.log(`skip ${name}: ${file} not found`); continue; }
  const figs = notebookFigures(JSON.parse(readFileSync(file, 'utf8')));
  if (!figs.length) { console.log(`skip ${name}: no figure`); continue; }
  const fig = figs[MAIN[name] ?? figs.length - 1];
  await save(fig.spec, join(target, `${name}.png`), { width: 800, height: Math.min(Number(fig.spec.layout?.height ?? 450), 800), scale: 1 });
  console.log(`wrote notebooks/thumbnails/${name}.png`);
}
await closeBrowser();
