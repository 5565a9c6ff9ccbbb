/**
 * Block-wise dynamic 8-bit quantisation (Dettmers et al. 2022, "8-bit Optimizers via Block-wise
 * Quantization", arXiv 2110.02861): a 256-entry dynamic (exponent + linear fraction) code book,
 * one fp32 absmax per block of 256 values, nearest-code rounding.
 */

/**
 * The dynamic map: for exponents i = 0..6, the midpoints of `n_i + 1` evenly spaced points on
 * [0.1, 1] scaled by 10^(i−6) (n_i = 2^i signed, 2^(i+1) unsigned), mirrored for the signed map,
 * plus 0 and 1; 256 sorted values in [−1, 1] (signed) or [0, 1] (unsigned).
 * @example dynamicMap(true).length === 256
 */
export function dynamicMap(signed: boolean): Float32Array {
  const data: number[] = [];
  for (let i = 0; i < 7; i++) {
    const n = signed ? 2 ** i : 2 ** (i + 1);
    const scale = 10 ** (i - 6);
    for (let j = 0; j < n; j++) {
      const a = 0.1 + (0.9 * j) / n;
      const b = 0.1 + (0.9 * (j + 1)) / n;
      const mid = ((a + b) / 2) * scale;
      data.push(mid);
      if (signed) data.push(-mid);
    }
  }
  data.push(0, 1);
  while (data.length < 256) data.push(0);
  return Float32Array.from(data.sort((x, y) => x - y));
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const LUTS = new WeakMap<Float32Array, Uint8Array>();

/** Order-preserving 32-bit key of a float32 (negative floats reversed), used to bucket values. */
function orderedKey(x: number): number {
  F32[0] = x;
  const b = U32[0];
  return (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
}

/**
 * For each of 2^16 buckets of the ordered float key, the index of the largest code ≤ the bucket's
 * smallest value: a search then needs only a step or two (code spacing exceeds a bucket's width).
 */
function lutOf(code: Float32Array): Uint8Array {
  let lut = LUTS.get(code);
  if (lut) return lut;
  lut = new Uint8Array(65536);
  for (let b = 0; b < 65536; b++) {
    const key = (b << 16) >>> 0;
    U32[0] = (key & 0x80000000 ? key ^ 0x80000000 : ~key) >>> 0;
    const v = F32[0];
    let i = 0;
    if (Number.isNaN(v)) i = b < 32768 ? 0 : 255;
    else while (i < 255 && code[i + 1] <= v) i++;
    lut[b] = i;
  }
  LUTS.set(code, lut);
  return lut;
}

/** Index of the code nearest to x in a sorted code book (ties go to the lower code). */
function nearest(code: Float32Array, x: number, lut = lutOf(code)): number {
  let i = lut[orderedKey(x) >>> 16];
  while (i < 255 && code[i + 1] <= x) i++;
  return i < 255 && code[i + 1] - x < x - code[i] ? i + 1 : i;
}

/**
 * Quantises `x` block-wise into codes (Uint8Array) and per-block absmax (Float32Array).
 * @example const { codes, absmax } = quantizeBlockwise(x, dynamicMap(true));
 */
export function quantizeBlockwise(x: ArrayLike<number>, code: Float32Array, block = 256): { codes: Uint8Array; absmax: Float32Array } {
  const n = x.length;
  const nb = Math.ceil(n / block);
  const codes = new Uint8Array(n);
  const absmax = new Float32Array(nb);
  const lut = lutOf(code);
  for (let b = 0, start = 0; b < nb; b++, start += block) {
    const end = Math.min(n, start + block);
    let a = 0;
    for (let i = start; i < end; i++) { const v = x[i] < 0 ? -x[i] : x[i]; if (v > a) a = v; }
    absmax[b] = a;
    const inv = a > 0 ? 1 / a : 0;
    for (let i = start; i < end; i++) codes[i] = nearest(code, x[i] * inv, lut);
  }
  return { codes, absmax };
}

/**
 * The inverse of quantizeBlockwise (into `out` when given).
 * @example const y = dequantizeBlockwise(codes, absmax, dynamicMap(true));
 */
export function dequantizeBlockwise(codes: Uint8Array, absmax: Float32Array, code: Float32Array, block = 256, out = new Float32Array(codes.length)): Float32Array {
  const n = codes.length;
  for (let b = 0, start = 0; start < n; b++, start += block) {
    const a = absmax[b];
    const end = Math.min(n, start + block);
    for (let i = start; i < end; i++) out[i] = code[codes[i]] * a;
  }
  return out;
}
