// Prints the taskpane's initial JavaScript (the scripts taskpane.html loads before first render),
// raw and gzip, against the 250 KB gzip budget. Run after `webpack --mode production`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const BUDGET_GZIP = 250 * 1024;
const dist = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
const html = fs.readFileSync(path.join(dist, 'taskpane.html'), 'utf8');
// office.js comes from Office's own CDN in production and is not part of our bundle.
// The production page is minified: attribute values may come without quotes.
const scripts = [...html.matchAll(/<script[^>]*\ssrc=(?:"([^"]+)"|([^\s>]+))/g)]
  .map((m) => m[1] ?? m[2])
  .filter((src) => !/^https?:/.test(src) && !src.includes('office-js/'));

let raw = 0;
let gzip = 0;
for (const src of scripts) {
  const body = fs.readFileSync(path.join(dist, src));
  const zipped = zlib.gzipSync(body, { level: 9 }).length;
  raw += body.length;
  gzip += zipped;
  console.log(`  ${src}: ${(body.length / 1024).toFixed(1)} KB, gzip ${(zipped / 1024).toFixed(1)} KB`);
}
const verdict = gzip <= BUDGET_GZIP ? 'within' : 'OVER';
console.log(
  `taskpane initial JavaScript: ${(raw / 1024).toFixed(1)} KB, gzip ${(gzip / 1024).toFixed(1)} KB ` +
    `(${verdict} the ${BUDGET_GZIP / 1024} KB gzip budget)`,
);
if (gzip > BUDGET_GZIP) process.exitCode = 1;
