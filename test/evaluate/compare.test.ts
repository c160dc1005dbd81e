import assert from "node:assert/strict";
import { test } from "node:test";
import { gate } from "../../src/evaluate/index.js";

const opts = { metric: "pr_auc" as const, minMargin: 0.01, minimum: 0.8 };

test("promotes when the challenger beats the champion by at least the margin", () => {
  const d = gate({ pr_auc: 0.88 }, { pr_auc: 0.91 }, opts);
  assert.equal(d.promote, true);
  assert.equal(d.reason, "challenger PR-AUC 0.91 beats champion 0.88 by 0.03 ≥ margin 0.01");
  assert.ok(Math.abs(d.delta! - 0.03) < 1e-12);
});

test("a difference equal to the margin passes despite float noise", () => {
  // In doubles 0.94 − 0.93 is 0.009999999999999898, just short of 0.01.
  assert.ok(0.94 - 0.93 < 0.01);
  assert.equal(gate({ f1: 0.93 }, { f1: 0.94 }, { metric: "f1", minMargin: 0.01, minimum: 0 }).promote, true);
});

test("keeps the champion when the margin is not met, with a reason", () => {
  const d = gate({ pr_auc: 0.9 }, { pr_auc: 0.905 }, opts);
  assert.equal(d.promote, false);
  assert.equal(
    d.reason,
    "challenger PR-AUC 0.905 improves on champion 0.9 by only 0.005 < margin 0.01; keeping the champion",
  );
  const worse = gate({ pr_auc: 0.9 }, { pr_auc: 0.85 }, opts);
  assert.equal(worse.promote, false);
  assert.match(worse.reason, /is worse than champion 0.9 by 0.05/);
  assert.ok(worse.delta! < 0);
});

test("keeps the champion when the challenger is below the minimum, even if better", () => {
  const d = gate({ pr_auc: 0.5 }, { pr_auc: 0.7 }, opts);
  assert.equal(d.promote, false);
  assert.equal(d.reason, "challenger PR-AUC 0.7 is below the minimum 0.8; keeping the champion");
});

test("unknown values: challenger unknown never promotes; champion unknown needs only the minimum", () => {
  assert.equal(gate({ pr_auc: 0.9 }, { pr_auc: null }, opts).promote, false);
  assert.match(gate({ pr_auc: 0.9 }, {}, opts).reason, /unknown/);
  const d = gate({ pr_auc: null }, { pr_auc: 0.85 }, opts);
  assert.equal(d.promote, true);
  assert.equal(d.delta, null);
});

test("brier is lower-is-better: the minimum is a ceiling and delta is champion − challenger", () => {
  const d = gate({ brier: 0.03 }, { brier: 0.02 }, { metric: "brier", minMargin: 0.005, minimum: 0.05 });
  assert.equal(d.promote, true);
  assert.ok(Math.abs(d.delta! - 0.01) < 1e-12);
  assert.equal(
    gate({ brier: 0.09 }, { brier: 0.06 }, { metric: "brier", minMargin: 0, minimum: 0.05 }).promote,
    false,
  );
});

test("bad options are configuration errors", () => {
  assert.throws(() => gate({}, {}, { metric: "nope" as "f1", minMargin: 0, minimum: 0 }), {
    code: "MW_CONFIG",
  });
  assert.throws(() => gate({}, {}, { metric: "f1", minMargin: -1, minimum: 0 }), { code: "MW_CONFIG" });
});

test("a tie keeps the champion even at margin 0: nothing learned, no new champion", () => {
  const d = gate({ pr_auc: 0.9 }, { pr_auc: 0.9 }, { metric: "pr_auc", minMargin: 0, minimum: 0.5 });
  assert.equal(d.promote, false);
  assert.equal(d.delta, 0);
  assert.equal(d.reason, "challenger PR-AUC 0.9 equals champion 0.9; a tie keeps the champion");
  const brier = gate({ brier: 0.06 }, { brier: 0.06 }, { metric: "brier", minMargin: 0, minimum: 0.1 });
  assert.equal(brier.promote, false);
  // Better by any amount still promotes at margin 0.
  assert.equal(gate({ f1: 0.9 }, { f1: 0.9001 }, { metric: "f1", minMargin: 0, minimum: 0 }).promote, true);
});
