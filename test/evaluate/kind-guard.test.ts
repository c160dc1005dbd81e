import assert from "node:assert/strict";
import { test } from "node:test";
import { KIND_GATE_MIN_FAILURES, kindGuard } from "../../src/evaluate/kind-guard.js";

const s = (pr_auc: number | null) => ({ pr_auc });

test("a judged kind that loses more than the tolerance keeps the champion, named with its figures", () => {
  // Trial 3's promotion: die_crack 0.393 → 0.199, main_bearing 0.157 → 0.023, on 6 and 5 failures.
  const g = kindGuard(
    { die_crack: s(0.393), main_bearing: s(0.157), hydraulic_leak: s(0.2) },
    { die_crack: s(0.199), main_bearing: s(0.023), hydraulic_leak: s(0.4) },
    { die_crack: 6, main_bearing: 5, hydraulic_leak: 9 },
    0.1,
  );
  assert.equal(g.pass, false);
  // The worst loss is the one named (die_crack lost 0.194, main_bearing 0.134).
  assert.equal(
    g.reason,
    "challenger's 'die_crack' head PR-AUC 0.199 is below champion's 0.393 by 0.194 > kind tolerance 0.1 (6 die_crack failures in the slice); keeping the champion",
  );
  assert.deepEqual(
    g.kinds.map((k) => [k.kind, k.judged]),
    [
      ["die_crack", true],
      ["hydraulic_leak", true],
      ["main_bearing", true],
    ],
  );
  assert.ok(Math.abs((g.kinds[1].delta as number) - 0.2) < 1e-12);
});

test("a kind with too few failures in the slice, or unscored by either model, is listed and not judged", () => {
  const few = KIND_GATE_MIN_FAILURES - 1;
  const g = kindGuard(
    { a: s(0.9), b: s(0.8), c: s(null) },
    { a: s(0.1), b: s(0.1), d: s(0.5) },
    { a: few, b: 50, c: 50, d: 50 },
    0.1,
  );
  assert.equal(g.pass, false, "b has enough failures and lost 0.7");
  assert.match(g.reason as string, /'b' head/);
  const judged = Object.fromEntries(g.kinds.map((k) => [k.kind, k.judged]));
  assert.deepEqual(judged, { a: false, b: true, c: false, d: false });
  assert.equal(g.kinds.find((k) => k.kind === "d")?.champion, null);
  // Without b the same models pass: a's loss is on too few failures to tell.
  assert.equal(kindGuard({ a: s(0.9) }, { a: s(0.1) }, { a: few }, 0.1).pass, true);
});

test("a loss of exactly the tolerance passes despite float noise; 1 turns the guard off; a bad tolerance is refused", () => {
  // In doubles 0.293 − 0.393 is −0.10000000000000003.
  assert.ok(0.393 - 0.293 > 0.1);
  assert.equal(kindGuard({ k: s(0.393) }, { k: s(0.293) }, { k: 10 }, 0.1).pass, true);
  assert.equal(kindGuard({ k: s(0.393) }, { k: s(0.292) }, { k: 10 }, 0.1).pass, false);
  assert.equal(kindGuard({ k: s(1) }, { k: s(0) }, { k: 10 }, 1).pass, true);
  assert.equal(kindGuard({}, {}, {}, 0.1).pass, true);
  assert.throws(
    () => kindGuard({}, {}, {}, -0.1),
    (e: Error & { code?: string }) =>
      e.code === "MW_CONFIG" && /MILLWRIGHT_GATE_KIND_TOLERANCE/.test(e.message),
  );
});
