// SVG element builder: geometry goes in attributes, colours in CSS classes (the CSP forbids inline styles).
const NS = "http://www.w3.org/2000/svg";

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs))
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An accessible chart root: role=img with a label; the label is the chart's text alternative. */
export function chartRoot(width, height, label, cls = "chart") {
  return s(
    "svg",
    {
      viewBox: `0 0 ${width} ${height}`,
      class: cls,
      role: "img",
      "aria-label": label,
      preserveAspectRatio: "xMidYMid meet",
    },
    s("title", {}, label),
  );
}

/** Round numbers for axis ticks (1, 2, 5 × 10^k). */
export function ticks(min, max, count = 4) {
  if (!(Number.isFinite(min) && Number.isFinite(max))) return [];
  if (min === max) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => raw <= st) ?? raw;
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

export const r1 = (v) => Math.round(v * 10) / 10;
