import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../src/core/rng.js";
import { evaluateBinary, fmt, renderReportHtml } from "../../src/evaluate/index.js";
import { sampleCard } from "./sample-card.js";

function testSplit(n: number, seed: number): { y: Uint8Array; p: Float64Array } {
  const rng = createRng(seed);
  const y = new Uint8Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.next() < 0.05 ? 1 : 0;
    p[i] = 1 / (1 + Math.exp(-(-3 + 3.5 * y[i] + 1.2 * rng.normal())));
  }
  return { y, p };
}

test("report: self-contained page with the key numbers, curves, tables and accessible SVGs", () => {
  const card = sampleCard();
  const split = testSplit(5000, 3);
  card.metrics.main = evaluateBinary(split.y, split.p, 0.4);
  const html = renderReportHtml({ card, test: split });
  const m = card.metrics.main;
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.match(html, /<title>machine-failure 1\.2\.0: evaluation report<\/title>/);
  assert.ok(html.includes(`ROC-AUC = ${fmt(m.roc_auc)}`), "ROC-AUC in the legend");
  assert.ok(html.includes(`PR-AUC (AP) = ${fmt(m.pr_auc)}`), "AP in the legend");
  assert.ok(html.includes(`${m.confusion_matrix.tp} (TP)`) && html.includes(`${m.confusion_matrix.tn} (TN)`));
  assert.ok(html.includes(`<td class="num">${fmt(m.f1)}</td>`));
  assert.ok(html.includes("False positive rate") && html.includes("Recall"));
  assert.ok(html.includes("n/a (no failures)"), "mode without failures says so");
  // Offline: no URLs, scripts, external styles or fonts.
  assert.doesNotMatch(html, /https?:\/\//);
  assert.doesNotMatch(html, /<script|<link|@import|url\(/i);
  // Every SVG has a title and description.
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  assert.equal(svgs.length, 3);
  for (const s of svgs)
    assert.match(
      s,
      /^<svg role="img" aria-labelledby="[^"]+"[^>]*>\n<title id=[^>]+>[^<]+<\/title>\n<desc id=/,
    );
  // Curve paths are decimated to pixels, not one vertex per row.
  const longest = Math.max(...(html.match(/ d="[^"]*"/g) ?? []).map((d) => d.split(" L").length));
  assert.ok(longest > 10 && longest < 5000, `path vertices ${longest}`);
});

test("report escapes every text it is given", () => {
  const card = sampleCard();
  card.name = '<img src=x onerror="alert(1)">';
  card.features.push({ name: "<script>alert(1)</script>", importance: 0.1 });
  const html = renderReportHtml({ card, test: testSplit(200, 1) });
  assert.ok(!html.includes("<img src=x"));
  assert.ok(!html.includes("<script>"));
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"));
});

test("report with a one-class test split says the curves are undefined", () => {
  const card = sampleCard();
  const html = renderReportHtml({ card, test: { y: [0, 0, 0], p: [0.1, 0.2, 0.3] } });
  assert.match(html, /only one class/);
  assert.equal((html.match(/<svg/g) ?? []).length, 1, "only the importance chart");
});
