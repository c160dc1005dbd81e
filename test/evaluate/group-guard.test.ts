import assert from "node:assert/strict";
import { test } from "node:test";
import { groupGuard, groupSlice } from "../../src/evaluate/group-guard.js";
import { KIND_GATE_MIN_FAILURES } from "../../src/evaluate/kind-guard.js";

const okuma = (failures: number, rows = 400) => ({
  name: "make=Okuma",
  machines: ["M04", "M09"],
  rows,
  positive_rows: failures * 20,
  failures,
});
const s = (pr_auc: number | null, recall: number | null = null) => ({ pr_auc, recall });

test("a group with too few failures in the slice is listed, not judged, and keeps the champion in the alert's words", () => {
  const few = KIND_GATE_MIN_FAILURES - 1;
  // The challenger looks better on the group: on 4 failures that says nothing, and the alert was about it.
  const g = groupGuard(okuma(few, 37), s(0.2, 0.5), s(0.9, 1), 0.1);
  assert.equal(g.pass, false);
  assert.equal(
    g.reason,
    "the slice holds 37 rows and 4 failures of make=Okuma (the group the alert was about): too few to judge the challenger on it; keeping the champion (retrain by hand with POST /v1/retrain once it has more)",
  );
  assert.equal(g.group.judged, false);
  assert.equal(g.group.name, "make=Okuma");
  assert.deepEqual(g.group.machines, ["M04", "M09"]);
  assert.equal(g.group.failures, few);
  assert.equal(g.group.rows, 37);
  assert.deepEqual(g.group.champion, { pr_auc: 0.2, recall: 0.5 });
  assert.deepEqual(g.group.challenger, { pr_auc: 0.9, recall: 1 });
  assert.ok(Math.abs((g.group.delta as number) - 0.7) < 1e-12);
  // No row of the group at all: still kept, still said.
  const none = groupGuard(okuma(0, 0), s(null), s(null), 0.1);
  assert.equal(none.pass, false);
  assert.match(none.reason as string, /^the slice holds 0 rows and 0 failures of make=Okuma/);
  assert.equal(none.group.delta, null);
});

test("a judged group the challenger loses more than the tolerance on keeps the champion, named with both figures", () => {
  // The trial's make: recall 0.82 → 0.29 after a promotion on a better fleet PR-AUC.
  const g = groupGuard(okuma(9), s(0.655, 0.82), s(0.412, 0.29), 0.1);
  assert.equal(g.pass, false);
  assert.equal(g.group.judged, true);
  assert.equal(
    g.reason,
    "challenger's PR-AUC on make=Okuma (the group the alert was about) 0.412 is below champion's 0.655 by 0.243 > kind tolerance 0.1 (9 failures of make=Okuma in the slice; recall at each model's threshold 0.29 against 0.82); keeping the champion",
  );
});

test("a judged group within the tolerance passes; exactly the tolerance passes despite float noise; 1 judges no loss", () => {
  assert.equal(groupGuard(okuma(5), s(0.6), s(0.65), 0.1).pass, true);
  const same = groupGuard(okuma(KIND_GATE_MIN_FAILURES), s(0.393, 0.5), s(0.293, 0.4), 0.1);
  assert.equal(same.pass, true);
  assert.equal(same.reason, null);
  assert.equal(same.group.judged, true);
  assert.equal(groupGuard(okuma(5), s(0.393), s(0.292), 0.1).pass, false);
  assert.equal(groupGuard(okuma(5), s(1), s(0), 1).pass, true);
  // The tolerance turns off the loss, not the count: too few failures still keep the champion.
  assert.equal(groupGuard(okuma(1), s(1), s(1), 1).pass, false);
});

test("enough failures but one class, or a group no machine is in, keeps the champion and says why", () => {
  const one = groupGuard(okuma(6), s(null), s(0.5), 0.1);
  assert.equal(one.pass, false);
  assert.equal(one.group.judged, false);
  assert.match(
    one.reason as string,
    /of one class only: the challenger cannot be judged on it; keeping the champion/,
  );
  const empty = groupGuard({ ...okuma(0, 0), name: "make=Nobody", machines: [] }, s(null), s(null), 0.1);
  assert.equal(empty.pass, false);
  assert.match(
    empty.reason as string,
    /^no machine of the machine table is in make=Nobody \(the group the alert was about\)/,
  );
  assert.throws(
    () => groupGuard(okuma(5), s(0.5), s(0.5), Number.NaN),
    (e: Error & { code?: string }) =>
      e.code === "MW_CONFIG" && /MILLWRIGHT_GATE_KIND_TOLERANCE/.test(e.message),
  );
});

test("a model's group figures: PR-AUC of its scores and recall at its own threshold", () => {
  const y = [0, 1, 0, 1, 1, 0];
  const p = [0.1, 0.9, 0.4, 0.35, 0.6, 0.2];
  const g = groupSlice(y, p, 0.5);
  // Ranked: 0.9 (1), 0.6 (1), 0.4 (0), 0.35 (1): AP = (1 + 1 + 3/4) / 3.
  assert.ok(Math.abs((g.pr_auc as number) - 2.75 / 3) < 1e-12);
  assert.ok(Math.abs((g.recall as number) - 2 / 3) < 1e-12, "0.9 and 0.6 are at or above 0.5");
  assert.equal(groupSlice(y, p, 0.35).recall, 1, "at the threshold counts");
  assert.deepEqual(groupSlice([], [], 0.5), { pr_auc: null, recall: null });
  assert.deepEqual(groupSlice([0, 0], [0.9, 0.1], 0.5), { pr_auc: null, recall: null });
});
