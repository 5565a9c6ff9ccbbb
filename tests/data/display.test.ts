/** Dataset display: the PNG encoder (checked with zlib's own CRC-32 and inflate) and MIME bundles. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zcrc32, inflateSync } from 'node:zlib';
import { tf } from '../../src/tensor/index.js';
import { encodePng, makeDataset, oneHot, synthetic } from '../../src/data/index.js';

const JUPYTER = Symbol.for('Jupyter.display');

test('encodePng: signature, IHDR, valid CRCs, and scanlines that inflate back to the pixels', () => {
  const px = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 13) % 256);
  const png = Buffer.from(encodePng(3, 2, 3, px));
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  let off = 8;
  const chunks: { type: string; data: Buffer }[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.subarray(off + 4, off + 8).toString('latin1');
    const data = png.subarray(off + 8, off + 8 + len);
    assert.equal(png.readUInt32BE(off + 8 + len), zcrc32(png.subarray(off + 4, off + 8 + len)), `${type} CRC`);
    chunks.push({ type, data });
    off += 12 + len;
  }
  assert.deepEqual(chunks.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
  assert.equal(chunks[0].data.readUInt32BE(0), 3);
  assert.equal(chunks[0].data.readUInt32BE(4), 2);
  assert.equal(chunks[0].data[9], 2, 'colour type RGB');
  const raw = inflateSync(chunks[1].data);
  assert.equal(raw.length, 2 * (1 + 9));
  assert.deepEqual([...raw.subarray(1, 10)], [...px.subarray(0, 9)]);
  assert.equal(raw[10], 0, 'filter byte 0');
  assert.deepEqual([...raw.subarray(11)], [...px.subarray(9)]);
  assert.throws(() => encodePng(3, 3, 3, px), /expected width·height·channels = 27/);
});

test('image datasets display a PNG grid, class counts and a text summary', () => {
  const labels = Int32Array.from([0, 1, 1, 2]);
  const ds = makeDataset({ name: 'tiny', x: tf.randomUniform([4, 5, 5, 3]), y: oneHot(labels, 3), labels, classes: 3, shape: [5, 5, 3] });
  const bundle = (ds as unknown as Record<symbol, () => Record<string, string>>)[JUPYTER]();
  assert.match(bundle['text/plain'], /tiny: n=4, x \[4, 5, 5, 3\].*counts 1\/2\/1/);
  const png = Buffer.from(bundle['image/png'], 'base64');
  assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]);
  // 4 images in one row of 8 columns: width 8·(5+1)+1, height 5+2.
  assert.equal(png.readUInt32BE(16), 49);
  assert.equal(png.readUInt32BE(20), 7);
  assert.match(bundle['text/html'], /<td>count<\/td><td>1<\/td><td>2<\/td><td>1<\/td>/);
  assert.match(String(ds), /tiny: n=4/);
  ds.dispose();
});

test('2-D point datasets display an SVG scatter with one circle per point', () => {
  const ds = synthetic.twoMoons({ n: 30 });
  const bundle = (ds as unknown as Record<symbol, () => Record<string, string>>)[JUPYTER]();
  assert.equal((bundle['image/svg+xml'].match(/<circle/g) ?? []).length, 30);
  ds.dispose();
});
