// Colour checks on rendered pages: WCAG contrast between text and the background it sits on, and
// a style signature to tell an outcome's colouring from another's.
import type { Locator } from '@playwright/test';

/** Computed colours of an element and its descendants, as one string (to compare two cells). */
export function outcomeStyle(row: Locator): Promise<string> {
  // The last cell is the Outcome column.
  return row
    .locator('td, th')
    .last()
    .evaluate((cell) =>
      [cell, ...Array.from(cell.querySelectorAll('*'))]
        .map((el) => {
          const s = getComputedStyle(el);
          return `${s.color}|${s.backgroundColor}|${s.borderLeftColor}`;
        })
        .join(';'),
    );
}

/** An sRGB colour as 0-255 channels. */
export type Rgb = [number, number, number];

/**
 * Foreground colour of `element` and its effective background (the first painted one up the
 * tree, else the canvas), as sRGB. Colours go through a canvas, so any CSS colour syntax the app
 * uses (oklch, color-mix, light-dark) comes out as plain channels.
 */
export function textColours(element: Locator): Promise<{ foreground: Rgb; background: Rgb }> {
  return element.evaluate((el): { foreground: Rgb; background: Rgb } => {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2d canvas');
    const toRgba = (colour: string): [number, number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, 1, 1);
      const [r = 0, g = 0, b = 0, a = 0] = ctx.getImageData(0, 0, 1, 1).data;
      return [r, g, b, a];
    };
    const [fr, fg, fb] = toRgba(getComputedStyle(el).color);
    for (let node: Element | null = el; node; node = node.parentElement) {
      const [r, g, b, a] = toRgba(getComputedStyle(node).backgroundColor);
      if (a > 0) return { foreground: [fr, fg, fb], background: [r, g, b] };
    }
    // Nothing painted a background: the canvas is Chromium's default for the page's colour scheme.
    const dark = getComputedStyle(document.documentElement).colorScheme.includes('dark') && matchMedia('(prefers-color-scheme: dark)').matches;
    return { foreground: [fr, fg, fb], background: dark ? [18, 18, 18] : [255, 255, 255] };
  });
}

/** WCAG 2 relative luminance of an sRGB colour. */
export function luminance(colour: Rgb): number {
  const [r, g, b] = colour.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours (1 to 21). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
