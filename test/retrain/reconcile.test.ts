// Issue 18, item 10: which undecided retrainings a new start settles, and how: a challenger the
// killed run registered is adopted (gated now), a run with nothing registered is abandoned, and a
// run whose server still lives (here, or on another machine within the training timeout) is left.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { bootId } from "../../src/registry/lock.js";
import { trainAndRegister } from "../../src/registry/training.js";
import type { RetrainDecision } from "../../src/retrain/local.js";
import { reconcileRuns } from "../../src/retrain/reconcile.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

let fx: TrainedFixture;
let store: SqliteStore;
before(async () => {
  fx = trainedRegistry({ machines: 6, days: 8 });
  store = new SqliteStore({ path: join(fx.dir, "data", "predictions.db"), writerThread: true });
  await store.init();
});
after(async () => {
  await store.close();
  fx.cleanup();
});

const deadPid = () =>
  Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout);

test("adopt what a killed run registered, abandon what it did not, leave live runs alone", async () => {
  const now = Date.now();
  const dead = { pid: deadPid(), boot: bootId(), host: hostname() };
  const trigger = (run: string, server: object, at = now - 60_000) =>
    store.appendAudit({
      at,
      kind: "trigger",
      payload: { source: "alertmanager", alertname: "X", run, server },
    });
  await trigger("r-adopt", dead);
  await trigger("r-abandon", dead);
  await trigger("r-live-here", { pid: process.pid, boot: bootId(), host: hostname() });
  await trigger("r-other-host-old", { pid: 1, boot: "b", host: "pod-gone" }, now - 20 * 60_000);
  await trigger("r-other-host-recent", { pid: 1, boot: "b", host: "pod-alive" });
  await trigger("r-decided", dead);
  await store.appendAudit({ at: now, kind: "decision", payload: { verdict: "kept", run: "r-decided" } });
  const orphan = trainAndRegister(
    fx.registry,
    { rows: fx.rows, data: { file: fx.dataFile, sha256: "test" }, lineage: { retrain_run: "r-adopt" } },
    { seed: 3, params: { nEstimators: 20 } },
  ).version;
  const decisions: (RetrainDecision & { trigger: string })[] = [];
  const settled = await reconcileRuns({
    registry: fx.registry,
    store,
    mode: "local",
    workDir: join(fx.dir, "work"),
    seed: 1,
    gate: { metric: "pr_auc", margin: 0, minimum: 0.5 },
    onDecision: async (d) => {
      decisions.push(d);
    },
    now: () => now,
  });
  assert.deepEqual(settled.sort(), ["r-abandon", "r-adopt", "r-other-host-old"]);
  const by = (run: string) => decisions.find((d) => d.run === run);
  assert.match(by("r-adopt")?.reason ?? "", new RegExp(`its challenger ${orphan} was adopted and gated now`));
  assert.equal(by("r-abandon")?.verdict, "abandoned");
  assert.match(by("r-abandon")?.reason ?? "", new RegExp(`the server \\(pid ${dead.pid}\\) stopped`));
  assert.equal(by("r-other-host-old")?.verdict, "abandoned");
  assert.equal(
    fx.registry.readIndex().aliases.champion,
    fx.version,
    "nothing promoted without labels to gate on",
  );
});
