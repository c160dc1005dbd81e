// A retraining an alert about one group of machines started (MillwrightGroupDrift with its `group`
// label, as deploy/monitoring/rules.yml sends it) is judged on that group's rows of the slice too
// (evaluate/group-guard.ts): here a weak champion the challenger beats on the whole slice, and a
// make whose three machines hold too few failures in the slice to judge the challenger on. The run
// keeps the champion, the decision says why and carries the group; a manual run, on the same data,
// promotes as it always did and carries no group.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { KIND_GATE_MIN_FAILURES } from "../../src/evaluate/kind-guard.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { parseAlertmanagerPayload } from "../../src/retrain/alerts.js";
import type { ContractRetrainDecision } from "../../src/retrain/contract-retrain.js";
import { ContractRetrainer } from "../../src/retrain/contract-service.js";
import { describeEvent, retrainHistory } from "../../src/retrain/history.js";
import { SqliteAuditStore } from "../../src/serve/contract/audit.js";
import { firingAlert } from "../helpers/alertmanager.js";
import { historianShop } from "../helpers/historian.js";

// The historian fleet's machine table groups its machines by `model` (make and model): M01, M06 and
// M11 are Haas VF-2s, behind 2 of the slice's 3 failures.
const GROUP = "model=Haas VF-2";

test("a run an alert about one group started keeps the champion when the slice holds too few of the group's failures", async () => {
  const shop = historianShop({ machines: 12, days: 45, seed: 7 }, "mw-retrain-group-");
  const { contract, text } = loadContract(shop.contract);
  const registry = new ModelRegistry(join(shop.dir, "models"));
  const data = readContractData(contract, { learn: true, labels: "require" });
  // A weak champion (one stump): the challenger beats it on the slice, so the gate alone promotes.
  const champion = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
    params: { nEstimators: 1, maxDepth: 1 },
  }).version;
  const work = join(shop.dir, "work");
  mkdirSync(work);
  const audit = new SqliteAuditStore(join(shop.dir, "audit.db"));
  let served = champion;
  const retrainer = new ContractRetrainer({
    audit,
    registry,
    served: () => served,
    entries: async () => [],
    train: trainHistoryAndRegister,
    promote: async (v) => {
      await registry.setAlias("champion", v, "test");
      served = v;
    },
    mode: "local",
    cooldownMs: 0,
    gate: { metric: "pr_auc", margin: 0, minimum: 0 },
    workDir: work,
  });
  try {
    const alert = firingAlert("MillwrightGroupDrift", { action: "retrain", group: GROUP });
    const { outcomes } = await retrainer.handleAlerts(parseAlertmanagerPayload(alert));
    assert.equal(outcomes[0].outcome, "started");
    const d = (await retrainer.inProgress()) as ContractRetrainDecision;
    assert.ok(d, String(retrainer.lastError));

    assert.equal(d.gate.promote, true, `the gate alone would promote: ${d.gate.reason}`);
    const g = d.group;
    assert.ok(g, "the decision carries the group the alert was about");
    assert.equal(g.name, GROUP);
    assert.deepEqual(g.machines, ["M01", "M06", "M11"]);
    assert.ok(g.rows > 0 && g.rows < d.slice.rows, `${g.rows} of the slice's ${d.slice.rows} rows`);
    assert.ok(
      g.failures > 0 && g.failures < KIND_GATE_MIN_FAILURES,
      `${g.failures} failures of the group in the slice`,
    );
    assert.ok(g.failures <= d.slice.failures);
    assert.equal(g.judged, false);
    // Both models' figures on the group's rows are there to read, though not judged.
    for (const m of [g.champion, g.challenger]) {
      assert.equal(typeof m.pr_auc, "number");
      assert.equal(typeof m.recall, "number");
    }
    assert.equal(d.verdict, "kept");
    assert.equal(
      d.reason,
      `${d.gate.reason}, but the slice holds ${g.rows} rows and ${g.failures} failures of ${GROUP} (the group the alert was about): too few to judge the challenger on it; keeping the champion (retrain by hand with POST /v1/retrain once it has more)`,
    );
    assert.equal(served, champion, "the champion is still served");

    // GET /v1/retrain/history and `millwright retrain history` read the decision from the audit.
    const h = await retrainHistory(audit);
    const p = h.decisions[0].payload as { verdict: string; group?: { name: string; judged: boolean } };
    assert.equal(p.verdict, "kept");
    assert.equal(p.group?.name, GROUP);
    assert.equal(p.group?.judged, false);
    assert.match(describeEvent(h.decisions[0]), /kept: .*too few to judge the challenger on it/);

    // "Retrain by hand": a manual run is not judged on any group, and the same data promotes.
    await retrainer.requestRun("the group has too few failures");
    const manual = (await retrainer.inProgress()) as ContractRetrainDecision;
    assert.ok(manual, String(retrainer.lastError));
    assert.equal(manual.group, undefined);
    assert.equal(manual.verdict, "promote", manual.reason);
    assert.equal(served, manual.challenger.version);
  } finally {
    audit.close();
  }
});
