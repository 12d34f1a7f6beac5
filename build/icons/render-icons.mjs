// Renders build/icons/icon.svg to the icon files electron-builder uses, with the system
// Chromium (playwright-core drives it; no image library needed):
//   png/<N>x<N>.png  Linux (AppImage, deb) and the window icon
//   icon.ico         Windows (PNG-compressed entries, 16..256; Vista and later)
//   icon.icns        macOS (PNG entries, 16..1024)
// Run: node build/icons/render-icons.mjs   (outputs are committed; packaging needs no Chromium)
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const here = dirname(new URL(import.meta.url).pathname);
const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const png = new Map();
try {
  const page = await browser.newPage();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    const body = svg.replace(/width="1024" height="1024"/, `width="${size}" height="${size}"`);
    await page.setContent(`<html><body style="margin:0;background:transparent">${body}</body></html>`);
    png.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
  }
} finally {
  await browser.close();
}

mkdirSync(join(here, 'png'), { recursive: true });
for (const [size, data] of png) if (size <= 512) writeFileSync(join(here, 'png', `${size}x${size}.png`), data);
writeFileSync(join(here, 'icon.png'), png.get(1024));

// ICO: ICONDIR, one ICONDIRENTRY per image, then the PNG data (width/height 0 means 256).
const icoSizes = [16, 24, 32, 48, 64, 128, 256];
const header = Buffer.alloc(6 + 16 * icoSizes.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(icoSizes.length, 4);
let offset = header.length;
icoSizes.forEach((s, i) => {
  const e = 6 + 16 * i;
  header.writeUInt8(s >= 256 ? 0 : s, e);
  header.writeUInt8(s >= 256 ? 0 : s, e + 1);
  header.writeUInt16LE(1, e + 4); // colour planes
  header.writeUInt16LE(32, e + 6); // bits per pixel
  header.writeUInt32LE(png.get(s).length, e + 8);
  header.writeUInt32LE(offset, e + 12);
  offset += png.get(s).length;
});
writeFileSync(join(here, 'icon.ico'), Buffer.concat([header, ...icoSizes.map((s) => png.get(s))]));

// ICNS: 'icns' + total length, then (type, length incl. 8-byte header, PNG) per entry.
const icnsTypes = [['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024]];
const chunks = icnsTypes.map(([type, s]) => {
  const h = Buffer.alloc(8);
  h.write(type, 0, 'ascii');
  h.writeUInt32BE(8 + png.get(s).length, 4);
  return Buffer.concat([h, png.get(s)]);
});
const icnsHeader = Buffer.alloc(8);
icnsHeader.write('icns', 0, 'ascii');
icnsHeader.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
writeFileSync(join(here, 'icon.icns'), Buffer.concat([icnsHeader, ...chunks]));
console.log(`icons written: ${SIZES.join(', ')} px`);
