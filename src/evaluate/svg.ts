// Inline SVG charts for the offline report (no scripts, no external files). Each chart carries <title> and
// <desc> for screen readers and keeps colours at ≥ 4.5:1 contrast on white.
import { esc } from "./html.js";

const WIDTH = 380;
const HEIGHT = 340;
const MARGIN = { left: 52, right: 16, top: 16, bottom: 48 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
export const INK = "#1a1a1a";
export const LINE = "#1f4e99";
const GRID = "#d0d0d0";
const REF = "#5c5c5c";

let seq = 0;
const uid = (p: string): string => `${p}-${++seq}`;

const sx = (x: number): number => MARGIN.left + x * PLOT_WIDTH;
const sy = (y: number): number => MARGIN.top + (1 - y) * PLOT_HEIGHT;
const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

/** Polyline points in the unit square → an SVG path, dropping points that round to the previous pixel. */
function pathOf(xs: number[], ys: number[]): string {
  const out: string[] = [];
  let last = "";
  for (let i = 0; i < xs.length; i++) {
    const pt = `${r1(sx(xs[i]))},${r1(sy(ys[i]))}`;
    if (pt !== last) out.push(`${out.length === 0 ? "M" : "L"}${pt}`);
    last = pt;
  }
  return out.join(" ");
}

export interface CurveChart {
  title: string;
  desc: string;
  xLabel: string;
  yLabel: string;
  xs: number[];
  ys: number[];
  legend: string;
  /** Draw the chance diagonal (ROC) or a horizontal baseline at this height (PR: the prevalence). */
  reference?: { kind: "diagonal" } | { kind: "horizontal"; y: number; label: string };
  /** Corner for the legend, where the curve is least likely to be: lower right for ROC, lower left for PR. */
  legendAt?: "lower-right" | "lower-left";
}

export function curveSvg(c: CurveChart): string {
  const tid = uid("t");
  const did = uid("d");
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const parts: string[] = [];
  parts.push(
    `<svg role="img" aria-labelledby="${tid} ${did}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${tid}">${esc(c.title)}</title>`,
    `<desc id="${did}">${esc(c.desc)}</desc>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
  );
  for (const t of ticks) {
    parts.push(
      `<line x1="${r1(sx(t))}" y1="${sy(0)}" x2="${r1(sx(t))}" y2="${sy(1)}" stroke="${GRID}" stroke-width="1"/>`,
      `<line x1="${sx(0)}" y1="${r1(sy(t))}" x2="${sx(1)}" y2="${r1(sy(t))}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${r1(sx(t))}" y="${sy(0) + 16}" text-anchor="middle" fill="${INK}">${t}</text>`,
      `<text x="${sx(0) - 6}" y="${r1(sy(t) + 4)}" text-anchor="end" fill="${INK}">${t}</text>`,
    );
  }
  parts.push(
    `<rect x="${sx(0)}" y="${sy(1)}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="none" stroke="${INK}" stroke-width="1"/>`,
  );
  if (c.reference?.kind === "diagonal") {
    parts.push(
      `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="${REF}" stroke-dasharray="5 4"/>`,
    );
  } else if (c.reference?.kind === "horizontal") {
    const y = r1(sy(c.reference.y));
    parts.push(
      `<line x1="${sx(0)}" y1="${y}" x2="${sx(1)}" y2="${y}" stroke="${REF}" stroke-dasharray="5 4"><title>${esc(c.reference.label)}</title></line>`,
    );
  }
  parts.push(`<path d="${pathOf(c.xs, c.ys)}" fill="none" stroke="${LINE}" stroke-width="2"/>`);
  // Legend box sized to its text (about 7 px per character at 12 px).
  const boxW = 36 + 7 * c.legend.length;
  const lx = c.legendAt === "lower-left" ? sx(0) + 8 : sx(1) - boxW - 6;
  // Lower-left sits above the PR chart's prevalence line (failure rates are a few per cent).
  const ly = c.legendAt === "lower-left" ? sy(0.12) - 20 : sy(0) - 26;
  parts.push(
    `<rect x="${lx}" y="${ly}" width="${boxW}" height="20" fill="#ffffff" stroke="${GRID}"/>`,
    `<line x1="${lx + 6}" y1="${ly + 10}" x2="${lx + 24}" y2="${ly + 10}" stroke="${LINE}" stroke-width="2"/>`,
    `<text x="${lx + 30}" y="${ly + 14}" fill="${INK}">${esc(c.legend)}</text>`,
    `<text x="${r1(sx(0.5))}" y="${HEIGHT - 10}" text-anchor="middle" fill="${INK}">${esc(c.xLabel)}</text>`,
    `<text transform="translate(14 ${r1(sy(0.5))}) rotate(-90)" text-anchor="middle" fill="${INK}">${esc(c.yLabel)}</text>`,
    "</svg>",
  );
  return parts.join("\n");
}

/** Horizontal bars, one per item, scaled to the largest value. */
export function barSvg(
  title: string,
  desc: string,
  items: { label: string; value: number; text: string }[],
): string {
  const tid = uid("t");
  const did = uid("d");
  const rowH = 24;
  const labelW = 170;
  const barW = 300;
  const h = items.length * rowH + 12;
  const w = labelW + barW + 70;
  const max = Math.max(1e-300, ...items.map((i) => i.value));
  const parts = [
    `<svg role="img" aria-labelledby="${tid} ${did}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${tid}">${esc(title)}</title>`,
    `<desc id="${did}">${esc(desc)}</desc>`,
  ];
  items.forEach((it, i) => {
    const y = 6 + i * rowH;
    const bw = Math.max(0, (it.value / max) * barW);
    parts.push(
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" fill="${INK}">${esc(it.label)}</text>`,
      `<rect x="${labelW}" y="${y + 3}" width="${r1(bw)}" height="${rowH - 8}" fill="${LINE}"><title>${esc(`${it.label}: ${it.text}`)}</title></rect>`,
      `<text x="${r1(labelW + bw + 6)}" y="${y + 15}" fill="${INK}">${esc(it.text)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
