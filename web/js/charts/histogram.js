// Reference vs current shares on the same bins, side by side. Reference bars are hollow, current
// bars solid, so the two differ by more than colour.
import { chartRoot, r1, s } from "./svg.js";

const W = 320;
const H = 150;
const M = { top: 8, right: 6, bottom: 22, left: 6 };

/** hist: {labels, reference, current} (shares, each summing to ~1). */
export function histogramPair(feature, hist) {
  const label = `${feature}: reference (hollow) versus current (solid) share per bin`;
  const svg = chartRoot(W, H, label, "chart hist");
  const n = hist?.labels?.length ?? 0;
  if (n === 0) return svg;
  const max = Math.max(1e-9, ...hist.reference, ...hist.current);
  const bw = (W - M.left - M.right) / n;
  const inner = H - M.top - M.bottom;
  for (let i = 0; i < n; i++) {
    const x = M.left + i * bw;
    const hr = (hist.reference[i] / max) * inner;
    const hc = (hist.current[i] / max) * inner;
    const g = s(
      "g",
      {},
      s(
        "title",
        {},
        `${hist.labels[i]}: reference ${pct(hist.reference[i])}, current ${pct(hist.current[i])}`,
      ),
    );
    g.append(
      s("rect", {
        class: "bar-ref",
        x: r1(x + bw * 0.08),
        y: r1(H - M.bottom - hr),
        width: r1(bw * 0.42),
        height: r1(Math.max(hr, 0.5)),
      }),
      s("rect", {
        class: "bar-cur",
        x: r1(x + bw * 0.5),
        y: r1(H - M.bottom - hc),
        width: r1(bw * 0.42),
        height: r1(Math.max(hc, 0.5)),
      }),
    );
    svg.append(g);
  }
  svg.append(
    s("line", { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: "axis-line" }),
  );
  if (!hist.edges) {
    // Categories: name every bar.
    for (let i = 0; i < n; i++) {
      const x = r1(M.left + (i + 0.5) * bw);
      svg.append(s("text", { x, y: H - 6, "text-anchor": "middle", class: "axis-text" }, hist.labels[i]));
    }
    return svg;
  }
  const first = hist.labels[0].split(" to ")[0];
  const last = hist.labels[n - 1].split(" to ").pop();
  svg.append(
    s("text", { x: M.left, y: H - 6, class: "axis-text" }, first),
    s("text", { x: W - M.right, y: H - 6, "text-anchor": "end", class: "axis-text" }, last),
  );
  return svg;
}

function pct(v) {
  return `${(v * 100).toFixed(1)} %`;
}
