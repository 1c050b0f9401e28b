import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

/**
 * Draws the app icons (committed; run `npx tsx manifest/make-icons.ts` after changing
 * the design): color.png 192×192 full color, outline.png 32×32 white on transparent.
 * The glyph is three stacked "fleet" bars with a check-like chevron, drawn on a grid.
 */
type Rgba = readonly [number, number, number, number];

function image(size: number, background: Rgba): PNG {
  const png = new PNG({ width: size, height: size, colorType: 6 });
  for (let i = 0; i < size * size; i++) png.data.set(background, i * 4);
  return png;
}

function rect(png: PNG, x0: number, y0: number, w: number, h: number, color: Rgba): void {
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < x0 + w; x++) if (x >= 0 && y >= 0 && x < png.width && y < png.height) png.data.set(color, (y * png.width + x) * 4);
}

/** The glyph on a 16×16 grid, scaled to `cell` pixels per unit and offset by `origin`. */
function glyph(png: PNG, origin: number, cell: number, color: Rgba): void {
  const bars: Array<[number, number, number, number]> = [
    [2, 3, 12, 2],
    [2, 7, 9, 2],
    [2, 11, 6, 2],
  ];
  for (const [x, y, w, h] of bars) rect(png, origin + x * cell, origin + y * cell, w * cell, h * cell, color);
  // A small up-arrow at the right: firmware going out.
  rect(png, origin + 12 * cell, origin + 8 * cell, 2 * cell, 5 * cell, color);
  rect(png, origin + 11 * cell, origin + 9 * cell, 4 * cell, cell, color);
}

export function colorIcon(): PNG {
  const png = image(192, [0x0f, 0x6c, 0xbd, 0xff]);
  glyph(png, 16, 10, [0xff, 0xff, 0xff, 0xff]);
  return png;
}

export function outlineIcon(): PNG {
  const png = image(32, [0, 0, 0, 0]);
  glyph(png, 0, 2, [0xff, 0xff, 0xff, 0xff]);
  return png;
}

if (require.main === module) {
  for (const [name, png] of [
    ['color.png', colorIcon()],
    ['outline.png', outlineIcon()],
  ] as const) {
    fs.writeFileSync(path.join(__dirname, name), PNG.sync.write(png));
    console.log(`wrote manifest/${name} (${png.width}×${png.height})`);
  }
}
