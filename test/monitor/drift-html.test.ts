import assert from "node:assert/strict";
import { test } from "node:test";
import { renderDriftHtml } from "../../src/monitor/drift-html.js";
import { driftReport } from "../../src/monitor/drift-report.js";

const base = Float64Array.from({ length: 300 }, (_, i) => 290 + (i % 97) / 5);
const report = driftReport(
  { air_temperature: base, '<script>alert("x")</script>': ["L", "M", "H", "L"] },
  { air_temperature: base.map((v) => v + 3), '<script>alert("x")</script>': ["L", "L", "M", "M"] },
);
const meta = { reference: "train.csv & co", current: "week 47", generatedAt: "2026-11-27T12:00:00Z" };
const html = renderDriftHtml(report, meta);

test("the page is self-contained: no scripts, links, external sources or url() fetches", () => {
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.match(html, /<html lang="en">/);
  for (const bad of [
    /<script/i,
    /<link/i,
    /\ssrc=/i,
    /url\(/i,
    /@import/i,
    /https?:\/\/(?!www\.w3\.org\/2000\/svg)/,
  ]) {
    assert.doesNotMatch(html, bad);
  }
});

test("every text from the data is escaped", () => {
  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  assert.match(html, /train\.csv &amp; co/);
});

test("each feature shows test, score, threshold, verdict and an accessible chart with a data table", () => {
  const sections = html.match(/<section /g) ?? [];
  assert.equal(sections.length, 2);
  const svgs = html.match(/<svg [^>]*role="img"[^>]*aria-labelledby="[^"]+"/g) ?? [];
  assert.equal(svgs.length, 2);
  const t = report.features[0];
  assert.equal(t.test, "ks");
  assert.ok(t.drifted);
  assert.match(html, /Drift detected/);
  assert.match(html, /p-value &lt; 0\.05/);
  // 30 bins × 2 bars for the numeric feature, 3 values × 2 for the categorical one.
  const rects = html.match(/<rect /g) ?? [];
  assert.equal(rects.length, 30 * 2 + 3 * 2);
  assert.match(html, /<caption>Per-feature drift tests<\/caption>/);
  assert.match(html, /<th scope="col">Verdict<\/th>/);
  assert.match(html, /Dataset drift: .*Drift detected/);
});
