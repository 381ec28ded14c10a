/**
 * Draws Switchboard's icons as PNGs with nothing but node:zlib, so they can be regenerated anywhere:
 *   npx tsx assets/generate-icons.ts
 *
 * The app icon is a traffic spike above a kill switch (the product in one picture); the tray icon is
 * the switch alone, grey when all is calm and red while a tenant is spiking. Shapes are signed
 * distance functions, supersampled 4×4 for anti-aliasing. icon.svg is the same drawing as a vector.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];
/** Signed distance in pixels from a point to a shape's edge: negative inside. */
type Shape = { distance: (x: number, y: number) => number; color: Rgba };

const here = fileURLToPath(new URL('.', import.meta.url));
const SAMPLES = 4;

// ── Shapes ───────────────────────────────────────────────────────────────────────────────────────

function roundedRect(cx: number, cy: number, halfW: number, halfH: number, radius: number) {
  return (x: number, y: number) => {
    const qx = Math.abs(x - cx) - (halfW - radius);
    const qy = Math.abs(y - cy) - (halfH - radius);
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

function circle(cx: number, cy: number, r: number) {
  return (x: number, y: number) => Math.hypot(x - cx, y - cy) - r;
}

function polyline(points: [number, number][], halfWidth: number) {
  return (x: number, y: number) => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < points.length; i += 1) {
      const [ax, ay] = points[i]!;
      const [bx, by] = points[i + 1]!;
      const t = Math.max(
        0,
        Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
      );
      best = Math.min(best, Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))));
    }
    return best - halfWidth;
  };
}

// ── Drawings (in a 0..1 unit square, scaled to the size) ─────────────────────────────────────────

const NAVY: Rgba = [22, 27, 38, 255];
const GREEN: Rgba = [47, 191, 113, 255];
const AMBER: Rgba = [245, 166, 35, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const GREY: Rgba = [208, 212, 220, 255];
const RED: Rgba = [229, 72, 77, 255];
const DARK: Rgba = [40, 44, 52, 255];

export const SPIKE: [number, number][] = [
  [0.2, 0.43],
  [0.34, 0.43],
  [0.42, 0.38],
  [0.5, 0.17],
  [0.58, 0.43],
  [0.8, 0.43],
];

function appIcon(s: number): Shape[] {
  return [
    { distance: roundedRect(0.5 * s, 0.5 * s, 0.47 * s, 0.47 * s, 0.2 * s), color: NAVY },
    {
      distance: polyline(
        SPIKE.map(([x, y]) => [x * s, y * s]),
        0.03 * s,
      ),
      color: AMBER,
    },
    { distance: roundedRect(0.5 * s, 0.68 * s, 0.3 * s, 0.14 * s, 0.14 * s), color: GREEN },
    { distance: circle(0.68 * s, 0.68 * s, 0.105 * s), color: WHITE },
  ];
}

function trayIcon(s: number, alert: boolean): Shape[] {
  return [
    { distance: roundedRect(0.5 * s, 0.5 * s, 0.46 * s, 0.26 * s, 0.26 * s), color: alert ? RED : GREY },
    { distance: circle(alert ? 0.3 * s : 0.7 * s, 0.5 * s, 0.19 * s), color: alert ? WHITE : DARK },
  ];
}

// ── Rasterise and encode ─────────────────────────────────────────────────────────────────────────

function rasterise(size: number, shapes: Shape[]): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const shape of shapes) {
        let covered = 0;
        for (let sy = 0; sy < SAMPLES; sy += 1) {
          for (let sx = 0; sx < SAMPLES; sx += 1) {
            if (shape.distance(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES) <= 0) covered += 1;
          }
        }
        // "over" compositing in premultiplied form
        const alpha = (covered / SAMPLES ** 2) * (shape.color[3] / 255);
        r = shape.color[0] * alpha + r * (1 - alpha);
        g = shape.color[1] * alpha + g * (1 - alpha);
        b = shape.color[2] * alpha + b * (1 - alpha);
        a = alpha + a * (1 - alpha);
      }
      const i = (y * size + x) * 4;
      pixels[i] = a > 0 ? Math.round(r / a) : 0;
      pixels[i + 1] = a > 0 ? Math.round(g / a) : 0;
      pixels[i + 2] = a > 0 ? Math.round(b / a) : 0;
      pixels[i + 3] = Math.round(a * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function encodePng(size: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function write(path: string, size: number, shapes: Shape[]): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, encodePng(size, rasterise(size, shapes)));
  console.log(`wrote ${path}`);
}

for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  write(join(here, 'icons', `${size}x${size}.png`), size, appIcon(size));
}
for (const [suffix, scale] of [
  ['', 1],
  ['@2x', 2],
] as const) {
  write(join(here, 'tray', `tray${suffix}.png`), 22 * scale, trayIcon(22 * scale, false));
  write(join(here, 'tray', `tray-alert${suffix}.png`), 22 * scale, trayIcon(22 * scale, true));
}
