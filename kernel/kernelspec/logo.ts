/**
 * The flowlab logo, drawn procedurally: a rounded indigo square with a white loss curve that
 * oscillates while it descends (an optimizer at the edge of stability), anti-aliased by 4×4
 * supersampling. `npx tsx kernel/kernelspec/logo.ts` rewrites logo-32x32.png and logo-64x64.png.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.js';

/** The curve in unit coordinates: y(x) for x in [0.15, 0.85] (y grows downward). */
function curve(x: number): number {
  const t = (x - 0.15) / 0.7;
  return 0.25 + 0.45 * (1 - Math.exp(-3 * t)) + 0.09 * Math.exp(-2 * t) * Math.sin(18 * t);
}

function coverage(u: number, v: number): { inside: boolean; line: boolean } {
  const r = 0.18;
  const dx = Math.max(0, Math.abs(u - 0.5) - (0.5 - r));
  const dy = Math.max(0, Math.abs(v - 0.5) - (0.5 - r));
  const inside = dx * dx + dy * dy <= r * r;
  let line = false;
  if (u >= 0.15 && u <= 0.85) {
    for (let k = -6; k <= 6 && !line; k++) {
      const x = Math.min(0.85, Math.max(0.15, u + k * 0.006));
      line = Math.hypot(x - u, curve(x) - v) < 0.045;
    }
  }
  return { inside, line };
}

/** RGBA pixels of the logo at size×size. */
export function drawLogo(size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let bg = 0, fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = coverage((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size);
          if (c.inside) (c.line ? fg++ : bg++);
        }
      }
      const n = S * S, a = (bg + fg) / n, w = fg / Math.max(1, bg + fg);
      const i = (y * size + x) * 4;
      px[i] = Math.round(63 + (255 - 63) * w);
      px[i + 1] = Math.round(81 + (255 - 81) * w);
      px[i + 2] = Math.round(181 + (255 - 181) * w);
      px[i + 3] = Math.round(255 * a);
    }
  }
  return px;
}

/** Writes logo-32x32.png and logo-64x64.png into a directory (default: this folder). */
export function writeLogos(dir = dirname(fileURLToPath(import.meta.url))): string[] {
  return [32, 64].map((s) => {
    const file = join(dir, `logo-${s}x${s}.png`);
    writeFileSync(file, encodePng(s, s, drawLogo(s)));
    return file;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(writeLogos().join('\n'));
