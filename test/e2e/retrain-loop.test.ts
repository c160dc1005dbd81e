// The end-to-end proof of the retraining loop, on real processes: `millwright serve` of the AI4I
// contract (examples/contracts/ai4i.yaml, the contract server), a real Prometheus scraping it every
// second with the alert rules of deploy/monitoring/rules.yml, and a real Alertmanager routing to the
// server's webhook.
//
// A calm window of the simulated AI4I fleet is sent first (a full drift window: 5,000 readings on a
// counter contract) with labels for part of it by prediction id (POST /v1/feedback): Prometheus
// scrapes no drift and the labels' realised quality, and no alert fires. Then a hot-summer window
// (ambient +6 K) and labels for part of it: the dataset drifts → MillwrightDatasetDrift fires in
// Prometheus → Alertmanager calls the webhook → one retraining starts → a challenger is trained on
// the champion's data and the labelled readings, gated and promoted or kept (with its reason) →
// /v1/retrain/history and /v1/predict show it. Alertmanager keeps re-notifying: still one retraining.
//
// The derived rule file sets the quality floors to 0, so only the drift alert can start the
// retraining this test follows (the quality alerts' expressions are promtool-tested in
// test/deploy/monitoring-rules.test.ts); everything else, the alert names, labels, routes and
// timings (but `for:`), is the shipped configuration.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseDocument } from "yaml";
import { fastAlertmanagerConfig, fastRules } from "../../scripts/gen-prometheusrule.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { AI4I_READING, ai4iContractShop, removeShop } from "../helpers/ai4i-contract.js";
import { AI4I_WINDOW, sendAi4iLabels, sendAi4iWindow } from "../helpers/ai4i-windows.js";
import { repoRoot } from "../helpers/exec.js";
import { requirePrometheusStack, startPrometheusStack, withStackLogs } from "../helpers/prometheus.js";
import { startServerProcess } from "../helpers/server-process.js";
import { FEEDBACK_TOKEN, HOOK_TOKEN, metric, retrainHistory, servedVersion, waitFor } from "./support.js";

/** A full drift window, and the quality window. */
const WINDOW = AI4I_WINDOW;
const CALM_LABELS = 2000;
const HOT_LABELS = 3000;

/** rules.yml, fast (`for: 5s`), with every quality floor at 0: only drift starts a retraining here. */
function derivedRules(): string {
  const doc = parseDocument(
    fastRules(readFileSync(join(repoRoot(), "deploy/monitoring/rules.yml"), "utf8"), "5s"),
  );
  let moved = 0;
  for (const [g, group] of (
    doc.toJS() as { groups: { rules: Record<string, unknown>[] }[] }
  ).groups.entries())
    group.rules.forEach((rule, i) => {
      if (
        rule.record === "millwright:quality_floor" ||
        rule.record === "millwright:estimated_quality_floor"
      ) {
        doc.setIn(["groups", g, "rules", i, "expr"], "vector(0)");
        moved++;
      }
    });
  assert.equal(moved, 3, "rules.yml has the recall, F1 and estimated F1 floors");
  return doc.toString({ lineWidth: 0 });
}

test("drift on the AI4I contract → alert → Alertmanager → webhook → challenger trained, gated, decided → served", {
  timeout: 150_000,
}, async (t) => {
  if (!requirePrometheusStack(t)) return;
  const t0 = Date.now();
  const mark = (what: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s  ${what}`);
  const shop = ai4iContractShop("mw-e2e-loop-");
  const registry = new ModelRegistry(shop.registryDir);
  const champion = registry.readIndex().aliases.champion as string;
  const dataDir = mkdtempSync(join(tmpdir(), "mw-e2e-"));
  mark(`champion ${champion} trained`);
  const srv = await startServerProcess(["serve", "--registry", shop.registryDir], {
    MILLWRIGHT_DATA_DIR: dataDir,
    MILLWRIGHT_HOOK_TOKEN: HOOK_TOKEN,
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK_TOKEN,
    MILLWRIGHT_MONITOR_INTERVAL_MS: "1000",
    MILLWRIGHT_MODEL_REFRESH_MS: "500",
    MILLWRIGHT_RETRAIN_MODE: "local",
    MILLWRIGHT_RETRAIN_COOLDOWN_MS: String(10 * 60_000),
    MILLWRIGHT_QUALITY_WINDOW: String(WINDOW),
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
  const scraped = async (expr: string) => {
    const v = await stack.query(expr);
    return v.length === 1 ? Number(v[0].value[1]) : undefined;
  };
  const labels = () => scraped('millwright_quality_labels{job="millwright",window="count"}');
  const recall = () =>
    scraped('millwright_quality_realised{job="millwright",metric="recall",window="count"}');
  const drift = () => scraped('millwright_dataset_drift{job="millwright"}');
  const driftAlerts = async () =>
    (await stack.alerts()).filter((a) => a.labels.alertname === "MillwrightDatasetDrift");
  const monitor = async () =>
    (await (await fetch(`${srv.url}/v1/monitor`)).json()) as {
      model_version: string;
      quality: { n: number; recall: number | null };
    };
  let udi = 20_000_000;
  const reading = () => ({ ...AI4I_READING, timestamp: ++udi });
  try {
    await withStackLogs(stack, async () => {
      // Calm: labels for part of it by prediction id; Prometheus scrapes them and no drift. Its
      // counter goes on after the training data's, as the live simulator's does (a logged reading
      // earlier than the rows before it cannot join the retraining's one-machine series).
      const calm = await sendAi4iWindow(srv.url, { seed: 11, counterFrom: 1_000_000 });
      await sendAi4iLabels(srv.url, calm.slice(0, CALM_LABELS), FEEDBACK_TOKEN);
      await waitFor(
        "Prometheus to scrape the calm window's labels and no drift",
        async () => ((await labels()) === CALM_LABELS && (await drift()) === 0 ? true : undefined),
        30_000,
      );
      const calmRecall = await recall();
      const m = await monitor();
      assert.equal(m.model_version, champion);
      assert.equal(m.quality.n, CALM_LABELS, "GET /v1/monitor shows what Prometheus scraped");
      assert.equal(calmRecall, m.quality.recall ?? undefined);
      mark(`calm: no drift, realised recall ${calmRecall} over ${CALM_LABELS} labels`);
      await new Promise((r) => setTimeout(r, 2000)); // a couple of rule evaluations on the calm window
      assert.deepEqual(await driftAlerts(), [], "no drift alert on the calm window");
      assert.equal(await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "started" }), 0);

      // Hot summer: the window now holds only its readings, so the calm labels leave it; its own
      // labels come in by prediction id and realised quality follows them.
      const hot = await sendAi4iWindow(srv.url, {
        seed: 12,
        counterFrom: 10_000_000,
        scenario: "hot-summer",
      });
      await sendAi4iLabels(srv.url, hot.slice(0, HOT_LABELS), FEEDBACK_TOKEN);
      mark(`${hot.length} hot-summer readings and ${HOT_LABELS} labels sent`);
      await waitFor(
        "Prometheus to scrape the drift and the hot window's labels",
        async () => ((await labels()) === HOT_LABELS && (await drift()) === 1 ? true : undefined),
        30_000,
      );
      const hotRecall = await recall();
      assert.equal(hotRecall, (await monitor()).quality.recall ?? undefined);
      // Seeds fixed: 0.887 on the calm labels, 0.965 on the hot ones; any move shows the labels joined.
      assert.notEqual(hotRecall, calmRecall, "realised quality follows the labels sent by prediction id");
      mark(`drift scraped; realised recall ${hotRecall} over ${HOT_LABELS} labels`);

      const firing = await waitFor(
        "MillwrightDatasetDrift firing in Prometheus",
        async () => (await driftAlerts()).find((x) => x.state === "firing"),
        40_000,
      );
      assert.equal(firing.labels.action, "retrain");
      mark("alert firing in Prometheus");

      const trigger = await waitFor(
        "the webhook to start a retraining",
        async () => (await retrainHistory(srv.url)).events.find((e) => e.kind === "trigger"),
        30_000,
      );
      assert.equal(trigger.payload.alertname, "MillwrightDatasetDrift", JSON.stringify(trigger.payload));
      assert.equal(trigger.payload.source, "alertmanager");
      mark("webhook called by Alertmanager, retraining started");

      const decision = await waitFor(
        "the retraining decision",
        async () => {
          const h = await retrainHistory(srv.url);
          return h.running ? undefined : h.events.find((e) => e.kind === "decision");
        },
        60_000,
      );
      const d = decision.payload as {
        verdict: string;
        reason: string;
        champion: { version: string };
        challenger: { version: string } | null;
        data: { base_rows: number; production_rows: number };
      };
      mark(`gate: ${d.verdict} (${d.reason}); data ${JSON.stringify(d.data)}`);
      assert.ok(["promoted", "kept"].includes(d.verdict), JSON.stringify(d));
      assert.match(d.reason, /\S/, "the decision says why");
      assert.equal(d.champion.version, champion);
      assert.ok(d.challenger && d.challenger.version !== champion, JSON.stringify(d.challenger));
      // Trained on the champion's data and every labelled reading the server logged.
      assert.ok(d.data.base_rows > 0, JSON.stringify(d.data));
      assert.equal(d.data.production_rows, CALM_LABELS + HOT_LABELS, JSON.stringify(d.data));
      const want = d.verdict === "promoted" ? d.challenger.version : champion;
      assert.equal(registry.readIndex().aliases.champion, want);
      const served = await waitFor(
        `/v1/predict to answer with ${want}`,
        async () => ((await servedVersion(srv.url, reading())) === want ? want : undefined),
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
          return j.alerts.filter((a) => a.alertname === "MillwrightDatasetDrift" && a.status === "firing")
            .length >= 3
            ? true
            : undefined;
        },
        30_000,
      );
      assert.equal(await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "started" }), 1);
      const h = await retrainHistory(srv.url);
      assert.equal(h.events.filter((e) => e.kind === "trigger").length, 1, "exactly one retraining started");
      assert.equal(h.events.filter((e) => e.kind === "promotion").length, d.verdict === "promoted" ? 1 : 0);
      mark("storm absorbed: one retraining");
    });
  } catch (e) {
    console.error(`--- millwright ---\n${srv.output().slice(-8000)}`);
    throw e;
  } finally {
    srv.child.kill("SIGTERM");
    await srv.exited;
    await stack.stop();
    removeShop(shop);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
