// Draws the add-in's icons (a "T" on a rounded teal square) as PNGs into assets/.
// Run with `node scripts/make-icons.mjs`; the PNGs are committed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const SIZES = [16, 32, 64, 80, 128];
const TEAL = [15, 108, 189, 255];
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

function pixel(x, y, n) {
  const r = n * 0.18;
  const cx = Math.min(Math.max(x + 0.5, r), n - r);
  const cy = Math.min(Math.max(y + 0.5, r), n - r);
  if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r) return CLEAR;
  const u = (x + 0.5) / n;
  const v = (y + 0.5) / n;
  const bar = v > 0.24 && v < 0.38 && u > 0.22 && u < 0.78;
  const stem = u > 0.42 && u < 0.58 && v >= 0.38 && v < 0.78;
  return bar || stem ? WHITE : TEAL;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(n) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(n, 0);
  header.writeUInt32BE(n, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const rows = [];
  for (let y = 0; y < n; y++) {
    rows.push(Buffer.from([0]));
    for (let x = 0; x < n; x++) rows.push(Buffer.from(pixel(x, y, n)));
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'assets');
for (const n of SIZES) fs.writeFileSync(path.join(dir, `icon-${n}.png`), png(n));
console.log(`wrote ${SIZES.map((n) => `icon-${n}.png`).join(', ')} to ${dir}`);
