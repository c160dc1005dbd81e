// A head whose test ROC-AUC cannot be told from chance is said so on the model card (trial 7: a kind
// of pure chance read 0.63 on 8 failures and looked like weak skill). The bar is the Mann–Whitney
// statistic's standard error under no skill, √((n1 + n0 + 1) / (12 n1 n0)), as scipy.stats.mannwhitneyu's
// normal approximation has it (without ties), counted in failures rather than rows.
import assert from "node:assert/strict";
import { test } from "node:test";
import { skillWords } from "../../src/evaluate/history-card.js";

test("the chance bar: 8 failures behind 184 of 8,200 rows need a ROC-AUC above 0.7026", () => {
  // n1 = 8, n0 = 8,016 × 8 / 184 = 348.52; √(357.52 / (12 × 8 × 348.52)) = 0.10338; 0.5 + 1.96 × it.
  const m = { n: 8200, positives: 184, roc_auc: 0.6344 };
  const words = skillWords(m, 8);
  assert.ok(words);
  assert.match(
    words,
    /^ROC-AUC 0\.6344 on 8 failures cannot be told from chance \(it would need more than 0\.7026\)/,
  );
  assert.equal(skillWords({ ...m, roc_auc: 0.703 }, 8), null, "just above the bar");
  assert.match(skillWords({ ...m, roc_auc: 0.702 }, 8) ?? "", /cannot be told/);
  // Many failures make a smaller bar: 0.63 on 200 failures is skill.
  assert.equal(skillWords({ n: 100_000, positives: 4_800, roc_auc: 0.63 }, 200), null);
  // Nothing to judge.
  assert.equal(skillWords({ ...m, roc_auc: null }, 8), null);
  assert.equal(skillWords({ ...m, positives: 0 }, 0), null);
});
