/**
 * How datasets show themselves in a notebook: a grid of sample images (inline PNG) or a scatter
 * (inline SVG, 2-D inputs), a table of class counts, and a one-line text summary.
 */
import type { MimeBundle } from '../runtime/display.js';
import type { Dataset } from './dataset.js';
import { encodePng } from './png.js';
import { read, readSync } from '../tensor/read.js';
import type { Tensor } from '../tensor/types.js';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * Counts per class (index = class).
 * @example classCounts(dataset) // e.g. [250, 250, 250, 250]
 */
export function classCounts(ds: Pick<Dataset, 'labels' | 'classes'>): number[] {
  const counts = new Array(ds.classes).fill(0);
  if (ds.labels) for (const l of ds.labels) if (l >= 0 && l < ds.classes) counts[l]++;
  return counts;
}

/**
 * Tiles up to `max` images [h, w, c] (c = 1 or 3) into one PNG, each rescaled to its own min–max.
 * @example imageGrid(pixels, [28, 28, 1], 16) // PNG bytes
 */
export function imageGrid(values: Float32Array, shape: number[], count: number, { max = 32, cols = 8, gap = 1 } = {}): Uint8Array {
  const [h, w, c] = shape;
  const k = Math.min(count, max);
  const rows = Math.max(1, Math.ceil(k / cols));
  const W = cols * (w + gap) + gap;
  const H = rows * (h + gap) + gap;
  const ch = c === 1 ? 1 : 3;
  const out = new Uint8Array(W * H * ch).fill(255);
  const per = h * w * c;
  for (let i = 0; i < k; i++) {
    const img = values.subarray(i * per, (i + 1) * per);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of img) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const s = hi > lo ? 255 / (hi - lo) : 0;
    const oy = gap + Math.floor(i / cols) * (h + gap);
    const ox = gap + (i % cols) * (w + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let q = 0; q < ch; q++) out[((oy + y) * W + ox + x) * ch + q] = Math.round((img[(y * w + x) * c + q] - lo) * s);
      }
    }
  }
  return encodePng(W, H, ch as 1 | 3, out);
}

function scatterSvg(ds: Dataset, v: ArrayLike<number>): string {
  const n = Math.min(ds.n, 2000);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, v[2 * i]);
    x1 = Math.max(x1, v[2 * i]);
    y0 = Math.min(y0, v[2 * i + 1]);
    y1 = Math.max(y1, v[2 * i + 1]);
  }
  const sx = (a: number) => (10 + (280 * (a - x0)) / (x1 - x0 || 1)).toFixed(1);
  const sy = (a: number) => (290 - (280 * (a - y0)) / (y1 - y0 || 1)).toFixed(1);
  const dots: string[] = [];
  for (let i = 0; i < n; i++) {
    const col = ds.labels ? PALETTE[Math.max(0, ds.labels[i]) % PALETTE.length] : PALETTE[0];
    dots.push(`<circle cx="${sx(v[2 * i])}" cy="${sy(v[2 * i + 1])}" r="2" fill="${col}"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 300 300">${dots.join('')}</svg>`;
}

/** What the preview shows: the first ≤ 32 images, or the 2-D points; null when there is no preview. */
function previewTensor(ds: Dataset): Tensor | null {
  const [h, w, c] = ds.shape;
  if (ds.shape.length === 3 && (c === 1 || c === 3) && h * w <= 256 * 256) return ds.x.slice(0, Math.min(ds.n, 32));
  if (ds.shape.length === 1 && ds.shape[0] === 2) return ds.x.slice(0, Math.min(ds.n, 2000));
  return null;
}

/**
 * The MIME bundle of a dataset: text/plain always; text/html with a preview and counts. Reads the
 * preview synchronously: CPU backends only (on webgpu use `await displayBundleAsync(ds)`).
 * @example displayBundle(fl.data.mnist({ n: 100 }))['text/plain']
 */
export function displayBundle(ds: Dataset, { plainOnly = false } = {}): MimeBundle {
  if (plainOnly) return buildBundle(ds, null, true);
  const t = previewTensor(ds);
  try {
    return buildBundle(ds, t ? readSync(t, 'await displayBundleAsync(ds)') as Float32Array : null, false);
  } finally {
    t?.dispose();
  }
}

/**
 * `displayBundle` for any backend (one async read of the preview). Datasets display through it on webgpu.
 * @example await displayBundleAsync(fl.data.mnist({ n: 100 }))
 */
export async function displayBundleAsync(ds: Dataset): Promise<MimeBundle> {
  const t = previewTensor(ds);
  try {
    return buildBundle(ds, t ? await read(t) : null, false);
  } finally {
    t?.dispose();
  }
}

function buildBundle(ds: Dataset, values: Float32Array | null, plainOnly: boolean): MimeBundle {
  const counts = classCounts(ds);
  const plain = `${ds.name}: n=${ds.n}, x [${ds.x.shape.join(', ')}], y [${ds.y.shape.join(', ')}]` +
    (ds.classes > 0 ? `, classes=${ds.classes} (counts ${counts.join('/')})` : '');
  if (plainOnly) return { 'text/plain': plain };
  const bundle: MimeBundle = { 'text/plain': plain };
  let preview = '';
  const w = ds.shape[1];
  if (values && ds.shape.length === 3) {
    const k = Math.min(ds.n, 32);
    const png = imageGrid(values, ds.shape, k);
    const b64 = Buffer.from(png).toString('base64');
    bundle['image/png'] = b64;
    preview = `<img alt="first ${k} examples" style="image-rendering:pixelated;width:${Math.min(8, k) * (w + 1) * 3}px" src="data:image/png;base64,${b64}"/>`;
  } else if (values && ds.shape.length === 1) {
    preview = scatterSvg(ds, values);
    bundle['image/svg+xml'] = preview;
  }
  const names = ds.classNames ?? counts.map((_, i) => String(i));
  const table = ds.classes > 0
    ? `<table><thead><tr><th>class</th>${names.map((s) => `<th>${s}</th>`).join('')}</tr></thead><tbody><tr><td>count</td>${counts.map((k) => `<td>${k}</td>`).join('')}</tr></tbody></table>`
    : '';
  bundle['text/html'] = `<div><b>${ds.name}</b> · n=${ds.n} · x [${ds.x.shape.join(', ')}] · y [${ds.y.shape.join(', ')}]<br/>${preview}${table}</div>`;
  return bundle;
}
