/**
 * A minimal PNG encoder (8-bit gray, RGB or RGBA, no interlace) on node:zlib, for the kernelspec
 * logos and the dataset previews of fl.data.
 * Layout per the PNG spec (W3C, 2003): signature, IHDR, IDAT (zlib stream of filtered
 * scanlines, filter byte 0 per row), IEND; each chunk = length, type, data, CRC-32(type ‖ data).
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO-HDLC polynomial 0xEDB88320), as PNG chunks use. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encodes an 8-bit image as a PNG file: `pixels` row-major, `channels` bytes per pixel (1 gray,
 * 3 RGB, 4 RGBA). Shared by the kernelspec logos and fl.data's dataset previews.
 * @example encodeImagePng(28, 28, 1, grayBytes)
 */
export function encodeImagePng(width: number, height: number, channels: 1 | 3 | 4, pixels: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width}×${height}.`);
  }
  if (![1, 3, 4].includes(channels)) throw new Error(`encodePng: channels must be 1 (gray), 3 (RGB) or 4 (RGBA), got ${channels}.`);
  if (pixels.length !== width * height * channels) {
    throw new Error(`encodePng: pixels has ${pixels.length} bytes, expected width·height·channels = ${width * height * channels}.`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  // bit depth 8, colour type 0 (gray) / 2 (RGB) / 6 (RGBA), deflate, filter 0, no interlace
  ihdr.set([8, channels === 1 ? 0 : channels === 3 ? 2 : 6, 0, 0, 0], 8);
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Encodes RGBA pixels (row-major, 4 bytes per pixel) as a PNG file.
 * @example encodePng(1, 1, new Uint8Array([255, 0, 0, 255])) // a red pixel
 */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  return encodeImagePng(width, height, 4, rgba);
}
