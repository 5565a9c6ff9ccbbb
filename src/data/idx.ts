/**
 * A parser for the IDX format of the MNIST files (LeCun et al.): a 4-byte magic number
 * 0x00 0x00 <type> <rank>, then `rank` big-endian uint32 sizes, then the data, row-major.
 * Only unsigned bytes (type 0x08) are accepted; the payload length must match the header exactly.
 */

/** A parsed IDX file: its sizes and its bytes. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses an IDX byte buffer, validating the magic number, element type, rank and exact size.
 * @param source Names the file in error messages.
 * @example const { dims, data } = parseIdx(fs.readFileSync('train-images-idx3-ubyte'), 'train-images-idx3-ubyte');
 */
export function parseIdx(buf: Uint8Array, source = 'IDX data', { rank }: { rank?: number } = {}): IdxArray {
  if (buf.length < 4) throw new Error(`${source}: not an IDX file (only ${buf.length} bytes, need at least a 4-byte header); re-download or reinstall the file`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new Error(`${source}: bad IDX magic number 0x${[...buf.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('')} (expected 0x000008NN); the file is corrupt or not IDX`);
  }
  if (buf[2] !== 0x08) throw new Error(`${source}: IDX element type 0x${buf[2].toString(16)} is not supported (expected 0x08, unsigned byte)`);
  const r = buf[3];
  if (r < 1) throw new Error(`${source}: IDX rank must be at least 1, got ${r}`);
  if (rank !== undefined && r !== rank) throw new Error(`${source}: expected an IDX file of rank ${rank}, got rank ${r}`);
  const header = 4 + 4 * r;
  if (buf.length < header) throw new Error(`${source}: truncated IDX header (${buf.length} bytes, need ${header})`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < r; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const have = buf.length - header;
  if (have < count) throw new Error(`${source}: truncated IDX file: header [${dims.join(', ')}] needs ${count} data bytes, found ${have}; re-download or reinstall the file`);
  if (have > count) throw new Error(`${source}: IDX file has ${have - count} unexpected trailing bytes after ${count} data bytes (sizes [${dims.join(', ')}]); the file is corrupt`);
  return { dims, data: buf.subarray(header, header + count) };
}

/**
 * Encodes bytes as an IDX (type 0x08) buffer: the inverse of `parseIdx` (for tests and exports).
 * @example parseIdx(encodeIdx([2, 2], Uint8Array.of(1, 2, 3, 4))).dims // [2, 2]
 */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
