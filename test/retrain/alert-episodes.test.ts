// Trial 8 (an SRE with a real Alertmanager): the dedupe window ran from an alert's LAST sighting, so
// an alert Alertmanager re-sent every 5 minutes was "deduplicated" for ever, past the cooldown (F3);
// and an alert met by the cooldown left no outcome in the audit, only in the webhook's answer, which
// Alertmanager throws away (F4). On a real SQLite audit and a clock the test moves; github mode, so
// a trigger only dispatches (recorded here: GitHub cannot run on this machine) and runs nothing.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseAlertmanagerPayload } from "../../src/retrain/alerts.js";
import { ContractRetrainer } from "../../src/retrain/contract-service.js";
import { describeEvent, retrainHistory } from "../../src/retrain/history.js";
import { SqliteAuditStore } from "../../src/serve/contract/audit.js";
import { ModelRegistry } from "../../src/registry/registry.js";

const MIN = 60_000;
const dir = mkdtempSync(join(tmpdir(), "mw-alert-episodes-"));
const audit = new SqliteAuditStore(join(dir, "audit.db"));
after(() => {
  audit.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a still-firing alert re-sent every 5 minutes retrains again once the cooldown has passed since its first sighting; every alert's outcome is in the audit", async () => {
  let now = Date.UTC(2026, 11, 5, 12, 0);
  const t0 = now;
  const dispatched: string[] = [];
  const retrainer = new ContractRetrainer({
    audit,
    registry: new ModelRegistry(join(dir, "models")),
    served: () => "1.0.0",
    entries: async () => [],
    train: () => assert.fail("github mode trains nothing here"),
    promote: () => assert.fail("github mode promotes nothing here"),
    mode: "github",
    dispatch: async (p) => {
      dispatched.push(String((p as { reason?: string }).reason ?? ""));
    },
    cooldownMs: 30 * MIN,
    gate: { metric: "pr_auc", margin: 0, minimum: 0 },
    workDir: dir,
    now: () => now,
  });
  const send = async (alertname: string, fingerprint: string, group?: string) => {
    const payload = parseAlertmanagerPayload({
      version: "4",
      status: "firing",
      alerts: [
        {
          status: "firing",
          labels: { alertname, action: "retrain", ...(group ? { group } : {}) },
          annotations: {},
          startsAt: new Date(t0).toISOString(),
          fingerprint,
        },
      ],
    });
    return (await retrainer.handleAlerts(payload)).outcomes[0].outcome;
  };
  const seen: string[] = [];
  for (let m = 0; m <= 25; m += 5) {
    now = t0 + m * MIN;
    seen.push(await send("MillwrightGroupDrift", "okuma", "make=Okuma"));
  }
  assert.deepEqual(seen, ["started", ...new Array(5).fill("deduplicated")]);
  // 31 minutes after its first sighting (and after the trigger): a new episode of the same alert,
  // which the old sliding window still called a duplicate.
  now = t0 + 31 * MIN;
  assert.equal(await send("MillwrightGroupDrift", "okuma", "make=Okuma"), "started");
  // Another alert 4 minutes later meets the cooldown of that trigger, which ends at t0 + 61 min.
  now = t0 + 35 * MIN;
  assert.equal(await send("MillwrightQualityLow", "quality"), "cooldown");
  await new Promise((r) => setImmediate(r)); // the dispatches run after the decision returns
  assert.equal(dispatched.length, 2);

  const alerts = (await audit.pageAudit({ kinds: ["alert"], limit: 100 })).reverse();
  const outcomes = alerts.map((e) => (e.payload as { outcome: string }).outcome);
  assert.deepEqual(outcomes, [...seen, "started", "cooldown"]);
  const triggers = await audit.pageAudit({ kinds: ["trigger"], limit: 10 });
  const runs = new Set(triggers.map((e) => (e.payload as { run: string }).run));
  const started = alerts.filter((e) => (e.payload as { outcome: string }).outcome === "started");
  assert.equal(started.length, 2);
  for (const e of started)
    assert.ok(runs.has((e.payload as { run: string }).run), "a started alert names the run it started");
  const cooled = alerts.at(-1)?.payload as { retry_after: string; group?: string };
  assert.equal(cooled.retry_after, new Date(t0 + 61 * MIN).toISOString());
  assert.equal((alerts[0].payload as { group: string }).group, "make=Okuma");
  // `millwright retrain history --alerts` prints the outcome.
  const h = await retrainHistory(audit, { alerts: true, limit: 5 });
  assert.match(
    describeEvent(h.events[0]),
    /MillwrightQualityLow firing: cooldown until 2026-12-05T13:01:00\.000Z$/,
  );
  assert.match(h.events.map(describeEvent).join("\n"), /MillwrightGroupDrift \{make=Okuma\} firing: started/);
});
