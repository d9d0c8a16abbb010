/**
 * Rendering: Vega-Lite spec -> SVG (headless Vega) -> PNG (resvg).
 * No browser, canvas or system fonts are involved, so output is the same on every machine.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_FONT, CHART_FONT_STACK } from './charts.ts';

const require = createRequire(import.meta.url);

/**
 * resvg draws no text at all without a font, and system fonts differ between machines, so the
 * rasteriser gets exactly the fonts shipped with the project.
 */
export const FONT_FILES: readonly string[] = [
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
];

/** Spec → SVG text. The spec's own config wins; the font default only fills a gap. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vgSpec } = compile(spec, { config: { font: CHART_FONT_STACK } });
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixel density multiplier; 2 gives a sharp image on high-DPI screens. Default 1. */
  readonly scale?: number;
}

/** SVG text → PNG bytes, drawing text with the bundled DejaVu fonts only. */
export function renderPng(svg: string, opts: PngOptions = {}): Uint8Array {
  const scale = opts.scale ?? 1;
  const resvg = new Resvg(svg, {
    font: {
      fontFiles: [...FONT_FILES],
      loadSystemFonts: false,
      defaultFontFamily: CHART_FONT,
      sansSerifFamily: CHART_FONT,
    },
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    background: 'white',
  });
  const png = resvg.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
