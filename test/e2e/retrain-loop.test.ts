// The end-to-end proof of the retraining loop, on real processes: Millwright (`millwright serve`)
// serving a model trained on simulated data, a real Prometheus scraping it every second with the
// alert rules of deploy/monitoring/rules.yml, and a real Alertmanager routing to Millwright's webhook.
//
// The simulator first sends baseline readings and their labels (quality fine, no alert), then a
// fleet under the `new-tool-supplier` scenario (tools wear faster and fail at a wear the model never
// saw as dangerous) and, later, its labels. Asserted, in order: realised recall crosses its floor →
// MillwrightQualityLow fires in Prometheus → Alertmanager calls the webhook → one retraining starts →
// a challenger is trained, gated on the recent labelled holdout and promoted → /v1/predict answers
// with the new version. Alertmanager keeps re-notifying the firing alert: still one retraining.
//
// Measured with these seeds (champion trained on 12 machines × 14 days, seed 7): recall on the
// baseline window 0.83, on the drifted window 0.52; on the 540-row holdout the challenger's PR-AUC
// is ~0.72 against the champion's 0.58. The recall floor of rules.yml is 0.5, too close to 0.52 for
// a deterministic test, so the derived rule file sets it to 0.7 (between the two); everything else,
// the alert names, labels, routes and min-label rule, is the shipped configuration.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseDocument } from "yaml";
import { fastAlertmanagerConfig, fastRules } from "../../scripts/gen-prometheusrule.js";
import { createFleet, type FleetReading } from "../../src/data/simulate.js";
import { toWire } from "../../src/sim/wire.js";
import { repoRoot } from "../helpers/exec.js";
import { READING, trainedRegistry } from "../helpers/model.js";
import { requirePrometheusStack, startPrometheusStack, withStackLogs } from "../helpers/prometheus.js";
import { startServerProcess } from "../helpers/server-process.js";
import { FEEDBACK_TOKEN, HOOK_TOKEN, metric, retrainHistory, servedVersion, waitFor } from "./support.js";

const MACHINES = 20;
const BASELINE_TICKS = 30; // 600 readings = the count window
const DRIFT_TICKS = 60; // 1,200 readings; 30 % of all 1,800 labels (the gate's holdout) is 27 whole ticks
const WINDOW = MACHINES * BASELINE_TICKS;
const RECALL_FLOOR = 0.7;

/** rules.yml, fast (`for: 5s`), with the recall floor moved to RECALL_FLOOR. */
function derivedRules(): string {
  const doc = parseDocument(
    fastRules(readFileSync(join(repoRoot(), "deploy/monitoring/rules.yml"), "utf8"), "5s"),
  );
  let moved = 0;
  for (const group of (doc.toJS() as { groups: { rules: Record<string, unknown>[] }[] }).groups.entries()) {
    group[1].rules.forEach((rule, i) => {
      if (
        rule.record === "millwright:quality_floor" &&
        (rule.labels as Record<string, string>)?.metric === "recall"
      ) {
        doc.setIn(["groups", group[0], "rules", i, "expr"], `vector(${RECALL_FLOOR})`);
        moved++;
      }
    });
  }
  assert.equal(moved, 1, "rules.yml has one recall floor");
  return doc.toString({ lineWidth: 0 });
}

interface Sent {
  id: string;
  reading: FleetReading;
}

async function sendTicks(url: string, ticks: () => FleetReading[], n: number): Promise<Sent[]> {
  const out: Sent[] = [];
  // One request per tick, in order: predicted_at (the log's order) then follows simulated time.
  for (let t = 0; t < n; t++) {
    const readings = ticks();
    const r = await fetch(`${url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(readings.map(toWire)),
    });
    assert.equal(r.status, 200, await r.clone().text());
    const j = (await r.json()) as { predictions: { id: string }[] };
    for (const [i, p] of j.predictions.entries()) out.push({ id: p.id, reading: readings[i] });
  }
  return out;
}

async function sendLabels(url: string, sent: Sent[]): Promise<void> {
  const r = await fetch(`${url}/v1/feedback`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${FEEDBACK_TOKEN}` },
    body: JSON.stringify(
      sent.map((s) => ({
        prediction_id: s.id,
        machine_failure: s.reading.machine_failure,
        twf: s.reading.twf,
        hdf: s.reading.hdf,
        pwf: s.reading.pwf,
        osf: s.reading.osf,
        rnf: s.reading.rnf,
      })),
    ),
  });
  assert.equal(r.status, 200, await r.text());
}

test("drift that hurts the model → alert → Alertmanager → webhook → challenger trained, gated, promoted → served", {
  timeout: 170_000,
}, async (t) => {
  if (!requirePrometheusStack(t)) return;
  const t0 = Date.now();
  const mark = (what: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s  ${what}`);
  const fx = trainedRegistry({ machines: 12, days: 14, seed: 7 });
  const dataDir = mkdtempSync(join(tmpdir(), "mw-e2e-"));
  mark(`champion ${fx.version} trained`);
  const srv = await startServerProcess(["serve", "--registry", fx.registry.dir], {
    MILLWRIGHT_DATA_DIR: dataDir,
    MILLWRIGHT_HOOK_TOKEN: HOOK_TOKEN,
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK_TOKEN,
    MILLWRIGHT_MONITOR_INTERVAL_MS: "1000",
    MILLWRIGHT_MODEL_REFRESH_MS: "500",
    MILLWRIGHT_RETRAIN_MODE: "local",
    MILLWRIGHT_RETRAIN_COOLDOWN_MS: String(10 * 60_000),
    MILLWRIGHT_GATE_METRIC: "pr_auc",
    MILLWRIGHT_GATE_MARGIN: "0.05",
    MILLWRIGHT_GATE_MINIMUM: "0.5",
    MILLWRIGHT_QUALITY_WINDOW: String(WINDOW),
    MILLWRIGHT_QUALITY_MIN_LABELS: "50",
  });
  const stack = await startPrometheusStack({
    target: `127.0.0.1:${srv.port}`,
    rulesText: derivedRules(),
    alertmanagerConfig: (dir) => {
      const credentialsFile = join(dir, "hook-token");
      writeFileSync(credentialsFile, HOOK_TOKEN);
      const text = readFileSync(join(repoRoot(), "deploy/monitoring/alertmanager.yml"), "utf8");
      // Re-notify every 2 s while firing: the storm the webhook must absorb.
      return fastAlertmanagerConfig(text, {
        webhookUrl: `${srv.url}/v1/hooks/alertmanager`,
        credentialsFile,
        wait: "1s",
        repeatInterval: "2s",
      });
    },
  });
  mark("server, Prometheus and Alertmanager ready");
  const recall = async () => {
    const v = await stack.query(
      'millwright_quality_realised{job="millwright",metric="recall",window="count"}',
    );
    return v.length === 1 ? Number(v[0].value[1]) : undefined;
  };
  const qualityAlerts = async () =>
    (await stack.alerts()).filter((a) => a.labels.alertname === "MillwrightQualityLow");
  try {
    await withStackLogs(stack, async () => {
      // Baseline: the model is right; Prometheus sees recall above the floor and no quality alert.
      const baseline = createFleet({ machines: MACHINES, seed: 7, start: "2026-03-01T00:00:00Z" });
      const sentBase = await sendTicks(srv.url, () => baseline.tick(), BASELINE_TICKS);
      await sendLabels(srv.url, sentBase);
      const before = await waitFor(
        "Prometheus to scrape the baseline recall",
        async () => {
          const labels = await stack.query('millwright_quality_labels{job="millwright",window="count"}');
          return labels.length === 1 && Number(labels[0].value[1]) === WINDOW ? recall() : undefined;
        },
        30_000,
      );
      mark(`baseline: realised recall ${before.toFixed(3)} over ${WINDOW} labels`);
      assert.ok(before >= RECALL_FLOOR, `baseline recall ${before} is above the floor ${RECALL_FLOOR}`);
      await new Promise((r) => setTimeout(r, 2000)); // a couple of rule evaluations on the baseline
      assert.deepEqual(await qualityAlerts(), [], "no quality alert on baseline data");
      assert.equal(await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "started" }), 0);
      const state = (await (await fetch(`${srv.url}/v1/monitor`)).json()) as {
        model_version: string;
        quality: { realised: { count: { status: string; n: number } } };
      };
      assert.equal(state.model_version, fx.version);
      assert.deepEqual(
        [state.quality.realised.count.status, state.quality.realised.count.n],
        ["ok", WINDOW],
        "GET /v1/monitor shows what Prometheus scraped",
      );

      // Drift: a new tool supplier; readings now, labels later (after inspection).
      const drifted = createFleet({
        machines: MACHINES,
        seed: 5,
        scenario: "new-tool-supplier",
        start: "2026-03-01T15:00:00Z",
      });
      const sentDrift = await sendTicks(srv.url, () => drifted.tick(), DRIFT_TICKS);
      mark(`${sentDrift.length} drifted readings sent`);
      await sendLabels(srv.url, sentDrift);
      mark("their labels sent");

      const after = await waitFor(
        "realised recall below the floor in Prometheus",
        async () => {
          const v = await recall();
          return v !== undefined && v < RECALL_FLOOR ? v : undefined;
        },
        30_000,
      );
      mark(`metric crossed: realised recall ${after.toFixed(3)} < ${RECALL_FLOOR}`);

      const firing = await waitFor(
        "MillwrightQualityLow firing in Prometheus",
        async () => {
          const a = (await qualityAlerts()).find((x) => x.state === "firing");
          return a;
        },
        40_000,
      );
      mark(`alert firing in Prometheus: ${JSON.stringify(firing.labels)}`);
      assert.equal(firing.labels.metric, "recall");
      assert.equal(firing.labels.action, "retrain");

      const trigger = await waitFor(
        "the webhook to start a retraining",
        async () => {
          const h = await retrainHistory(srv.url);
          return h.events.find((e) => e.kind === "trigger");
        },
        30_000,
      );
      mark(`webhook called by Alertmanager, retraining started: ${JSON.stringify(trigger.payload)}`);
      assert.equal(
        trigger.payload.alertname,
        "MillwrightQualityLow",
        "the quality alert is what triggered it",
      );
      assert.equal(trigger.payload.source, "alertmanager");

      const decision = await waitFor(
        "the retraining decision",
        async () => {
          const h = await retrainHistory(srv.url);
          return h.events.find((e) => e.kind === "decision");
        },
        90_000,
      );
      const d = decision.payload as {
        verdict: string;
        reason: string;
        champion: { version: string; metrics: { pr_auc: number } };
        challenger: { version: string; metrics: { pr_auc: number } } | null;
        data: { base_rows: number; production_rows: number; holdout_rows: number };
      };
      mark(
        `gate: ${d.verdict} (${d.reason}); champion PR-AUC ${d.champion.metrics?.pr_auc?.toFixed(3)}, challenger ${d.challenger?.metrics?.pr_auc?.toFixed(3)}`,
      );
      mark(`retraining data: ${JSON.stringify(d.data)}`);
      assert.equal(d.verdict, "promoted", JSON.stringify(d));
      assert.equal(d.champion.version, fx.version);
      assert.ok(d.challenger && d.challenger.version !== fx.version);
      assert.ok(
        d.challenger.metrics.pr_auc >= d.champion.metrics.pr_auc + 0.05,
        "the challenger beat the champion by the margin",
      );
      // Trained on the champion's data plus labelled production data, gated on the most recent 30 %.
      assert.ok(d.data.base_rows > 0, "the champion's training data was used");
      assert.equal(d.data.holdout_rows, Math.round((WINDOW + sentDrift.length) * 0.3));
      assert.equal(d.data.production_rows, WINDOW + sentDrift.length - d.data.holdout_rows);
      const challenger = d.challenger.version;
      assert.equal(
        fx.registry.readIndex().aliases.champion,
        challenger,
        "the challenger is the champion now",
      );

      const served = await waitFor(
        "/v1/predict to answer with the new version",
        async () => {
          const v = await servedVersion(srv.url, READING);
          return v === challenger ? v : undefined;
        },
        20_000,
      );
      mark(`/v1/predict answers ${served}`);

      // The storm: Alertmanager re-notifies the still-firing alert; one retraining, no more.
      await waitFor(
        "Alertmanager to re-notify the alert at least twice more",
        async () => {
          const j = (await (await fetch(`${srv.url}/v1/alerts`)).json()) as {
            alerts: { alertname: string; status: string }[];
          };
          return j.alerts.filter((a) => a.alertname === "MillwrightQualityLow" && a.status === "firing")
            .length >= 3
            ? true
            : undefined;
        },
        30_000,
      );
      assert.equal(await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "started" }), 1);
      const absorbed =
        (await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "deduplicated" })) +
        (await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "cooldown" }));
      assert.ok(absorbed >= 2, `repeats were deduplicated (${absorbed})`);
      const h = await retrainHistory(srv.url);
      assert.equal(h.events.filter((e) => e.kind === "trigger").length, 1, "exactly one retraining started");
      assert.equal(h.events.filter((e) => e.kind === "promotion").length, 1);
      mark(`storm absorbed: ${absorbed} repeats, one retraining`);
    });
  } catch (e) {
    console.error(`--- millwright ---\n${srv.output().slice(-8000)}`);
    throw e;
  } finally {
    srv.child.kill("SIGTERM");
    await srv.exited;
    await stack.stop();
    fx.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
