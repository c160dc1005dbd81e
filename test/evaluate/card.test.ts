import assert from "node:assert/strict";
import { test } from "node:test";
import { cardJson, renderCardMarkdown } from "../../src/evaluate/index.js";
import { sampleCard } from "./sample-card.js";

test("cardJson: tagged schema, snake_case lineage, features by importance, default caveats", () => {
  const c = cardJson(sampleCard());
  assert.equal(c.schema, "millwright.model-card/v1");
  assert.equal(c.lineage.git_commit, "0123456789abcdef0123456789abcdef01234567");
  assert.equal(c.lineage.data.failures, 339);
  assert.deepEqual(
    c.features.map((f) => f.name),
    ["power <W> | x", "tool_wear", "torque"],
  );
  assert.equal(c.metrics.machine_failure.n, 10);
  assert.ok(c.caveats.some((s) => /RNF/.test(s) && /not learnable/.test(s)));
  assert.equal(c.threshold.method, "f1");
  assert.ok(!("cost_miss" in c.threshold));
  // Round-trips through JSON unchanged (no NaN, no undefined, no typed arrays).
  assert.deepEqual(JSON.parse(JSON.stringify(c)), c);
});

test("cost thresholds record both costs", () => {
  const input = sampleCard();
  input.threshold = { value: 0.2, method: "cost", costMiss: 50, costFalseAlarm: 1 };
  const c = cardJson(input);
  assert.deepEqual(c.threshold, { value: 0.2, method: "cost", cost_miss: 50, cost_false_alarm: 1 });
  assert.match(renderCardMarkdown(input), /minimum expected cost \(cost of a miss 50, of a false alarm 1\)/);
});

test("Markdown card: sections, key numbers, escaped table cells", () => {
  const input = sampleCard();
  const md = renderCardMarkdown(input);
  const e = input.metrics.main;
  for (const h of [
    "# Model card: machine-failure 1.2.0",
    "## Intended use",
    "## Training data and lineage",
    "## Decision threshold",
    "## Features",
    "## Limitations",
    "## Caveats",
  ]) {
    assert.ok(md.includes(h), h);
  }
  assert.ok(md.includes("| Failures | 339 (3.39 %) |"));
  assert.ok(md.includes(`| machine_failure | ${String(Math.round(e.roc_auc! * 1e4) / 1e4)}`));
  assert.ok(
    md.includes(`| Actual failure | ${e.confusion_matrix.tp} (TP) | ${e.confusion_matrix.fn} (FN) |`),
  );
  assert.ok(md.includes("| RNF | 0 | n/a |"));
  assert.ok(md.includes("| power &lt;W&gt; \\| x | 0.5 |"), "pipe and angle brackets escaped");
  assert.ok(md.includes("`0123456789abcdef0123456789abcdef01234567`"));
});
