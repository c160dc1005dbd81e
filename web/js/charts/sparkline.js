// A small trend line of failure probabilities (0–1, oldest first), with the last point marked.
import { chartRoot, r1, s } from "./svg.js";

export function sparkline(values, label, { width = 120, height = 32 } = {}) {
  const svg = chartRoot(width, height, label, "spark");
  const v = (values ?? []).filter((x) => Number.isFinite(x));
  if (v.length === 0) return svg;
  const max = Math.max(0.05, ...v);
  const pad = 3;
  const x = (i) =>
    r1(pad + (v.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (v.length - 1)));
  const y = (p) => r1(height - pad - (p / max) * (height - 2 * pad));
  svg.append(
    s("polyline", { class: "spark-line", points: v.map((p, i) => `${x(i)},${y(p)}`).join(" ") }),
    s("circle", { class: "spark-dot", cx: x(v.length - 1), cy: y(v[v.length - 1]), r: 2.5 }),
  );
  return svg;
}
