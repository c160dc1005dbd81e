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
 * tFormat, marks}. Points with y null are gaps. tFormat: the time axis's labels when t is not a clock
 * (a counter's row number). marks: [{t, text, cls}], a vertical line each at its time with its text
 * as the title (a failure, a maintenance: trial 9 found a risk line falling across a repair unmarked).
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
  for (const t of timeTicks(t0, t1, spanH, !opts.tFormat)) {
    const d = new Date(t);
    const text = opts.tFormat
      ? opts.tFormat(t)
      : spanH > 48
        ? d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" })
        : d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
    axes.append(
      s(
        "text",
        {
          x: px(t),
          y: H - M.bottom + 18,
          // A label near an end is kept inside the chart.
          "text-anchor": px(t) - M.left < 24 ? "start" : W - M.right - px(t) < 24 ? "end" : "middle",
        },
        text,
      ),
    );
  }
  axes.append(
    s("line", { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: "axis-line" }),
  );
  svg.append(axes);
  const marks = s("g", { class: "marks" });
  for (const m of opts.marks ?? []) {
    if (!(m.t >= t0 && m.t <= t1)) continue;
    marks.append(
      s(
        "line",
        { x1: px(m.t), x2: px(m.t), y1: M.top, y2: H - M.bottom, class: `mark ${m.cls ?? ""}`.trim() },
        s("title", {}, m.text),
      ),
    );
  }
  svg.append(marks);

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

/**
 * The time axis's ticks: over two days on a clock, UTC midnights (at most 7 labelled, so a label
 * stands where its day begins: trial 9 read "30 Nov" at 30 Nov 15:00 as a day off); otherwise the
 * ends and the middle.
 */
function timeTicks(t0, t1, spanH, clock) {
  if (!(clock && spanH > 48)) return [t0, (t0 + t1) / 2, t1];
  const DAY = 86_400_000;
  const step = Math.ceil(spanH / 24 / 7) * DAY;
  const out = [];
  for (let t = Math.ceil(t0 / DAY) * DAY; t <= t1; t += step) out.push(t);
  return out;
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
