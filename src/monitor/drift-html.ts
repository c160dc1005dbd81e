// The drift report as one self-contained HTML page: inline CSS and SVG, no scripts, fonts or external
// assets, so it opens offline and can be mailed. Every text from the data is escaped. Accessibility:
// the verdict is written out (never colour alone), charts are role="img" with a title and description
// and have the same numbers in a table, and colours are the Okabe–Ito pair that colour-blind readers
// tell apart. Pure: it returns a string; the CLI writes the file.
import { esc, htmlPage } from "../evaluate/html.js";
import type { DriftReport, FeatureDrift, Histogram } from "./drift-report.js";

export interface DriftHtmlMeta {
  title?: string;
  /** Describes the reference data, e.g. "train.csv (10,000 rows)". */
  reference: string;
  /** Describes the current data. */
  current: string;
  /** When it was made (ISO 8601); passed in so rendering stays pure. */
  generatedAt: string;
}

const REF_COLOUR = "#0072B2";
const CUR_COLOUR = "#E69F00";

export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  if (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e6) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

const pct = (x: number) => `${formatNumber(Math.round(x * 10000) / 100)} %`;

function verdict(f: { drifted: boolean }): string {
  return f.drifted ? '<strong class="drift">Drift detected</strong>' : '<span class="ok">No drift</span>';
}

function rule(f: FeatureDrift): string {
  return f.p_value !== undefined
    ? `p-value &lt; ${formatNumber(f.threshold)}`
    : `score ≥ ${formatNumber(f.threshold)}`;
}

function summaryTable(report: DriftReport): string {
  const rows = report.features
    .map(
      (f, i) => `<tr>
<th scope="row"><a href="#f-${i}">${esc(f.feature)}</a></th><td>${f.kind}</td><td>${f.test}</td>
<td class="num">${formatNumber(f.statistic)}</td><td class="num">${f.p_value === undefined ? "—" : formatNumber(f.p_value)}</td>
<td class="num">${formatNumber(f.score)}</td><td>${rule(f)}</td><td>${verdict(f)}</td></tr>`,
    )
    .join("\n");
  return `<table>
<caption>Per-feature drift tests</caption>
<thead><tr><th scope="col">Feature</th><th scope="col">Kind</th><th scope="col">Test</th><th scope="col">Statistic</th>
<th scope="col">p-value</th><th scope="col">Score</th><th scope="col">Drift when</th><th scope="col">Verdict</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/** Grouped bars, reference then current, on shared bins; a few x labels so they never overlap. */
function chart(h: Histogram, id: string, feature: string): string {
  const width = 720;
  const height = 240;
  const m = { top: 12, right: 12, bottom: 48, left: 52 };
  const plotWidth = width - m.left - m.right;
  const plotHeight = height - m.top - m.bottom;
  const n = h.labels.length;
  const max = Math.max(1e-12, ...h.reference, ...h.current);
  const gw = plotWidth / Math.max(n, 1);
  const bw = Math.max(1, gw * 0.4);
  const y = (v: number) => m.top + plotHeight - (v / max) * plotHeight;
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    const x0 = m.left + i * gw + gw * 0.1;
    const r = h.reference[i];
    const c = h.current[i];
    bars.push(
      `<rect x="${x0.toFixed(1)}" y="${y(r).toFixed(1)}" width="${bw.toFixed(1)}" height="${(m.top + plotHeight - y(r)).toFixed(1)}" fill="${REF_COLOUR}"/>`,
      `<rect x="${(x0 + bw).toFixed(1)}" y="${y(c).toFixed(1)}" width="${bw.toFixed(1)}" height="${(m.top + plotHeight - y(c)).toFixed(1)}" fill="${CUR_COLOUR}"/>`,
    );
  }
  const step = Math.max(1, Math.ceil(n / 8));
  const xLabels: string[] = [];
  for (let i = 0; i < n; i += step) {
    // Leave room for the closing edge label.
    if (h.edges && i > 0 && n - i < step * 0.6) continue;
    const text = h.edges ? formatNumber(h.edges[i]) : h.labels[i];
    const x = h.edges ? m.left + i * gw : m.left + (i + 0.5) * gw;
    xLabels.push(
      `<text x="${x.toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="middle">${esc(text)}</text>`,
    );
  }
  if (h.edges) {
    xLabels.push(
      `<text x="${(m.left + plotWidth).toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="end">${formatNumber(h.edges[n])}</text>`,
    );
  }
  const yTicks = [0, max / 2, max]
    .map(
      (v) =>
        `<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${pct(v)}</text><line x1="${m.left}" x2="${m.left + plotWidth}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`,
    )
    .join("");
  const desc = `Share of rows per ${h.edges ? "bin" : "value"} of ${feature}, reference in blue (left bar), current in orange (right bar); the highest share is ${pct(max)}.`;
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-t">Reference vs current distribution of ${esc(feature)}</title>
<desc id="${id}-d">${esc(desc)}</desc>
${yTicks}
${bars.join("\n")}
<line x1="${m.left}" x2="${m.left + plotWidth}" y1="${m.top + plotHeight}" y2="${m.top + plotHeight}" class="axis"/>
${xLabels.join("\n")}
<text x="${m.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" class="axis-title">${h.edges ? "value (bin start)" : "value"}</text>
</svg>`;
}

function dataTable(h: Histogram, feature: string): string {
  const rows = h.labels
    .map(
      (l, i) =>
        `<tr><th scope="row">${esc(l)}</th><td class="num">${pct(h.reference[i])}</td><td class="num">${pct(h.current[i])}</td></tr>`,
    )
    .join("\n");
  return `<details><summary>Shares as a table</summary>
<table><caption>Share of rows per ${h.edges ? "bin" : "value"} of ${esc(feature)}</caption>
<thead><tr><th scope="col">${h.edges ? "Bin" : "Value"}</th><th scope="col">Reference</th><th scope="col">Current</th></tr></thead>
<tbody>
${rows}
</tbody></table></details>`;
}

function section(f: FeatureDrift, i: number): string {
  const id = `f-${i}`;
  return `<section id="${id}" aria-labelledby="${id}-h">
<h2 id="${id}-h">${esc(f.feature)} — ${verdict(f)}</h2>
<p>${f.kind} feature, test <code>${f.test}</code>: score ${formatNumber(f.score)}, drift when ${rule(f)}
(${f.n_reference} reference rows, ${f.n_current} current rows).</p>
<p class="legend"><span class="key" style="background:${REF_COLOUR}"></span> Reference
<span class="key" style="background:${CUR_COLOUR}"></span> Current</p>
${chart(f.histogram, `${id}-c`, f.feature)}
${dataTable(f.histogram, f.feature)}
</section>`;
}

const CSS = `body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:#fff;margin:0}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
table{border-collapse:collapse;margin:1rem 0;width:100%}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.drift{color:#a40000}.ok{color:#1d5e20}section{border-top:2px solid #ddd;margin-top:2rem}
.legend .key{display:inline-block;width:.9rem;height:.9rem;vertical-align:middle;margin:0 .3rem 0 .8rem}
svg text{font-size:11px;fill:#333}svg .axis{stroke:#333}svg .grid{stroke:#e5e5e5}svg .axis-title{font-size:12px}
a{color:#005a9c}a:focus,summary:focus{outline:3px solid #E69F00}`;

export function renderDriftHtml(report: DriftReport, meta: DriftHtmlMeta): string {
  const title = meta.title ?? "Millwright data drift report";
  const drifted = report.features.filter((f) => f.drifted).length;
  return htmlPage(
    title,
    CSS,
    `<h1>${esc(title)}</h1>
<p>Reference: ${esc(meta.reference)}<br>Current: ${esc(meta.current)}<br>Generated: ${esc(meta.generatedAt)}</p>
<p role="status">Dataset drift: ${verdict({ drifted: report.dataset_drift })} — ${drifted} of ${report.features.length} features drifted
(share ${formatNumber(report.drift_share)}; dataset drift when the share ≥ ${formatNumber(report.share_threshold)}).</p>
${summaryTable(report)}
${report.features.map(section).join("\n")}`,
  );
}
