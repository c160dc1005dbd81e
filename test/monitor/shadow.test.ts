// The shadow comparison's figures by hand, and the gate's verdicts after a shadow period.
import assert from "node:assert/strict";
import { test } from "node:test";
import { averagePrecision } from "../../src/evaluate/ranking.js";
import { compareShadow, scoreDistance, type ShadowPair, shadowVerdict } from "../../src/monitor/shadow.js";

const H = 24;
// Machine A fails at t=30: its readings at 10 and 20 are positives. B never fails and was seen at 100.
const pairs: ShadowPair[] = [
  { machine: "A", time: 10, champion: 0.2, shadow: 0.9 },
  { machine: "A", time: 20, champion: 0.6, shadow: 0.8 },
  { machine: "B", time: 10, champion: 0.7, shadow: 0.1 },
  { machine: "B", time: 20, champion: 0.1, shadow: 0.2 },
  // Unlabelled: B's horizon after 90 has not passed (seen until 100).
  { machine: "B", time: 90, champion: 0.9, shadow: 0.9 },
];
const seen = new Map([
  ["A", 40],
  ["B", 100],
]);
const th = { champion: 0.5, shadow: 0.5 };

test("agreement, distance and both models' realised quality on the same labelled requests", () => {
  const c = compareShadow(pairs, [{ machine: "A", time: 30 }], H, seen, th);
  assert.equal(c.n, 5);
  // Same decision at 0.5: (A,20) both warn, (B,20) both quiet, (B,90) both warn; (A,10) and (B,10) differ.
  assert.equal(c.agreement, 3 / 5);
  assert.equal(c.labelled, 4);
  assert.equal(c.positives, 2);
  const y = [1, 1, 0, 0];
  assert.equal(c.champion.pr_auc, averagePrecision(y, [0.2, 0.6, 0.7, 0.1]));
  assert.equal(c.shadow.pr_auc, 1);
  assert.equal(c.champion.recall, 0.5);
  assert.equal(c.shadow.recall, 1);
  assert.equal(c.distance.stat, "jensenshannon");
  assert.equal(c.distance.value, null, "five pairs: too few for a distance");
  // A hundred copies of the same pairs: the distance is the samples' own.
  const many = Array.from({ length: 20 }, () => pairs).flat();
  const d = compareShadow(many, [], H, seen, th).distance.value;
  assert.equal(
    d,
    scoreDistance(
      many.map((p) => p.champion),
      many.map((p) => p.shadow),
    ),
  );
  assert.ok((d as number) > 0);
});

test("score distance: zero for the same scores, larger for further-apart ones, null on nothing", () => {
  const a = Array.from({ length: 200 }, (_, i) => i / 200);
  assert.equal(scoreDistance(a, a), 0);
  const near = scoreDistance(
    a,
    a.map((x) => Math.min(1, x + 0.05)),
  ) as number;
  const far = scoreDistance(
    a,
    a.map((x) => x / 4),
  ) as number;
  assert.ok(near > 0 && far > near, `near ${near}, far ${far}`);
  assert.ok(far <= Math.sqrt(Math.log(2)) + 1e-12);
  assert.equal(scoreDistance([], a), null);
  const none = compareShadow([], [], H, seen, th);
  assert.deepEqual([none.agreement, none.distance.value, none.labelled], [null, null, 0]);
});

test("the gate waits for the evidence, promotes a better challenger and rejects a worse one", () => {
  const better = compareShadow(pairs, [{ machine: "A", time: 30 }], H, seen, th);
  const t0 = 1_000_000;
  const hour = 3_600_000;
  assert.equal(shadowVerdict(better, t0, t0, { minLabels: 5, minHours: 0 }).verdict, "wait");
  assert.match(shadowVerdict(better, t0, t0, { minLabels: 5, minHours: 0 }).reason, /4 of 5 labelled/);
  assert.equal(shadowVerdict(better, t0, t0 + hour, { minLabels: 4, minHours: 2 }).verdict, "wait");
  assert.equal(shadowVerdict(better, t0, t0 + 2 * hour, { minLabels: 4, minHours: 2 }).verdict, "promote");
  // The same requests with the roles swapped: the challenger is the worse one.
  const swapped = pairs.map((p) => ({ ...p, champion: p.shadow, shadow: p.champion }));
  const worse = compareShadow(swapped, [{ machine: "A", time: 30 }], H, seen, th);
  const v = shadowVerdict(worse, t0, t0 + 3 * hour, { minLabels: 4, minHours: 2 });
  assert.equal(v.verdict, "reject");
  assert.match(v.reason, /realised PR-AUC .* \(challenger\) vs 1\.0000 \(champion\) on 4 labelled/);
  // Labelled but no failure among them: no PR-AUC, so no promotion whatever the hours.
  const quiet = compareShadow(pairs, [], H, seen, th);
  assert.equal(quiet.champion.pr_auc, null);
  assert.equal(shadowVerdict(quiet, t0, t0 + 100 * hour, { minLabels: 1, minHours: 0 }).verdict, "wait");
});
