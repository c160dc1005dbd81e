// Shared by the dashboard browser tests (test/web/ai4i-contract-*.test.ts).
import assert from "node:assert/strict";
import type { Page } from "playwright-core";

/**
 * The lowest WCAG contrast ratio of visible text on the page. A string, not a function: tsx would
 * wrap named helpers in `__name(...)`, which does not exist in the page.
 */
export const CONTRAST_SCRIPT = `(() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const chan = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = (c) => 0.2126 * chan(c[0]) + 0.7152 * chan(c[1]) + 0.0722 * chan(c[2]);
  const bg = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  let min = { ratio: 21, what: "" };
  for (const el of document.querySelectorAll(".badge, a, th, td, p, label, caption, button, dt, dd, figcaption")) {
    if (!el.offsetParent || !el.textContent.trim()) continue;
    const a = lum(rgb(getComputedStyle(el).color));
    const b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < min.ratio) min = { ratio, what: el.tagName + "." + el.className + ": " + el.textContent.slice(0, 30) };
  }
  return min;
})()`;

/** Fails when any text on the page has a contrast under 4.5:1 against its background (WCAG AA). */
export async function assertContrast(page: Page): Promise<void> {
  const worst = (await page.evaluate(CONTRAST_SCRIPT)) as { ratio: number; what: string };
  assert.ok(worst.ratio >= 4.5, `contrast ${worst.ratio.toFixed(2)} < 4.5 for ${worst.what}`);
}
