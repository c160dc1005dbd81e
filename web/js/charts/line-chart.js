// A line chart over time: one or more series, y axis with round ticks, time axis, legend. Series
// differ by dash pattern and marker as well as colour, so colour is never the only cue.
import { chartRoot, r1, s, ticks } from "./svg.js";

const WIDTH = 640;
const HEIGHT = 220;
/** Above this many points a series is drawn as a line only (markers would be a smear). */
const MAX_MARKERS = 60;
const M = { top: 14, right: 16, bottom: 34, left: 56 };

/**
 * series: [{name, cls, points: [{t: ms, y: number|null}]}]; opts: {label, yMin, yMax, format, width, height,
 * tFormat}. Points with y null are gaps. tFormat: the time axis's labels when t is not a clock
 * (a counter's row number).
 */
export function lineChart(series, opts) {
  const W = opts.width ?? WIDTH;
  const H = opts.height ?? HEIGHT;
  const svg = chartRoot(W, H, opts.label, "chart line-chart");
  const all = series.flatMap((se) => se.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.t)));
  if (all.length === 0) {
    svg.append(
      s("text", { x: W / 2, y: H / 2, class: "chart-empty", "text-anchor": "middle" }, "No data yet"),
    );
    return svg;
  }
  const fmt = opts.format ?? ((v) => String(v));
  let t0 = Math.min(...all.map((p) => p.t));
  let t1 = Math.max(...all.map((p) => p.t));
  if (t0 === t1) {
    const pad = opts.tFormat ? 1 : 60_000;
    t0 -= pad;
    t1 += pad;
  }
  let y0 = opts.yMin ?? Math.min(...all.map((p) => p.y));
  let y1 = opts.yMax ?? Math.max(...all.map((p) => p.y));
  if (y0 === y1) {
    y0 -= 1;
    y1 += 1;
  }
  const px = (t) => r1(M.left + ((t - t0) / (t1 - t0)) * (W - M.left - M.right));
  const py = (v) => r1(H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom));

  const axes = s("g", { class: "axis" });
  for (const v of ticks(y0, y1, 5)) {
    axes.append(
      s("line", { x1: M.left, x2: W - M.right, y1: py(v), y2: py(v), class: "grid" }),
      s("text", { x: M.left - 6, y: py(v) + 4, "text-anchor": "end" }, fmt(v)),
    );
  }
  const spanH = (t1 - t0) / 3_600_000;
  for (const t of [t0, (t0 + t1) / 2, t1]) {
    const d = new Date(t);
    const text = opts.tFormat
      ? opts.tFormat(t)
      : spanH > 48
        ? d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" })
        : d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
    axes.append(
      s(
        "text",
        { x: px(t), y: H - M.bottom + 18, "text-anchor": t === t0 ? "start" : t === t1 ? "end" : "middle" },
        text,
      ),
    );
  }
  axes.append(
    s("line", { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: "axis-line" }),
  );
  svg.append(axes);

  series.forEach((se, k) => {
    const g = s("g", { class: `series ${se.cls ?? `series-${k}`}` });
    let run = [];
    const finite = se.points.filter((p) => Number.isFinite(p.y));
    const marks = finite.length <= MAX_MARKERS;
    const flush = () => {
      if (run.length > 1) g.append(s("polyline", { points: run.join(" "), class: "line" }));
      run = [];
    };
    for (const p of se.points) {
      if (!Number.isFinite(p.y)) {
        flush();
        continue;
      }
      run.push(`${px(p.t)},${py(p.y)}`);
      if (marks || p === finite[finite.length - 1])
        g.append(
          s(
            "circle",
            { cx: px(p.t), cy: py(p.y), r: 2.5, class: "marker" },
            s("title", {}, `${se.name}: ${fmt(p.y)}`),
          ),
        );
    }
    flush();
    svg.append(g);
  });
  return svg;
}

/** The legend as HTML (readable text, not colour alone): a swatch drawn in the series' style plus its name. */
export function legend(series) {
  const ul = document.createElement("ul");
  ul.className = "legend";
  series.forEach((se, k) => {
    const li = document.createElement("li");
    const sw = chartRoot(28, 10, "", `swatch series ${se.cls ?? `series-${k}`}`);
    sw.setAttribute("aria-hidden", "true");
    sw.removeAttribute("role");
    sw.append(
      s("line", { x1: 1, x2: 27, y1: 5, y2: 5, class: "line" }),
      s("circle", { cx: 14, cy: 5, r: 2.5, class: "marker" }),
    );
    li.append(sw, document.createTextNode(se.name));
    ul.append(li);
  });
  return ul;
}
