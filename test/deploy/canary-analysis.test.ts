// The canary AnalysisTemplates (deploy/k8s/base/rollout/analysis-templates.yaml), as rendered for prod, run
// against a real Prometheus scraping real Millwright servers (issue 19): `millwright serve` of the AI4I
// contract, the contract server (issue 15 retired the AI4I app). One stable server and three canaries,
// each canary in its own "namespace" with the stable one beside it, labelled role=stable / role=canary as the
// ServiceMonitor's relabelling labels the pods: a healthy canary, one whose prediction log's data directory is
// deleted (it answers 503 MW_DATA_DIR_GONE: a real fault, no switch), and one
// sent drifted readings. Every template's query is evaluated with its successCondition, as Argo Rollouts would.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { INSTALL, repoRoot, requireTool } from "../helpers/exec.js";
import { AI4I_READING, ai4iContractShop, removeShop } from "../helpers/ai4i-contract.js";
import {
  type PrometheusStack,
  requirePrometheusStack,
  startPrometheusStack,
  withStackLogs,
} from "../helpers/prometheus.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { evaluate, type Verdict } from "./canary-condition.js";
import { kustomize } from "./k8s-schema.js";

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped YAML
type Any = any;
interface AnalysisMetric {
  template: string;
  name: string;
  condition: string;
  query: string;
}

const SCENARIOS = ["healthy", "broken", "drifted"] as const;
type Scenario = (typeof SCENARIOS)[number];

const READING = AI4I_READING;
/** Normal readings, a little varied; stable and canary get the same ones. `i` is also the counter. */
const normal = (i: number) => ({
  ...READING,
  machine_id: `M${i % 10}`,
  timestamp: i,
  torque: 38 + (i % 9),
  tool_wear: 60 + (i % 80),
});
/** What a canary that scores differently looks like from outside: worn tools under heavy torque. */
const drifted = (i: number) => ({
  ...READING,
  machine_id: `M${i % 10}`,
  timestamp: i,
  torque: 68 + (i % 5),
  tool_wear: 230 + (i % 20),
  rotational_speed: 1250,
});

async function predict(url: string, reading: object): Promise<number> {
  const r = await fetch(`${url}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(reading),
  });
  await r.arrayBuffer();
  return r.status;
}

describe("canary analysis against a real Prometheus and real servers", () => {
  let shop: { dir: string; registryDir: string } | undefined;
  let stack: PrometheusStack | undefined;
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  const verdicts = new Map<string, Verdict>();
  const values = new Map<string, number[]>();
  let metrics: AnalysisMetric[] = [];
  let skipped = false;

  before(async (t) => {
    const ctx = t as unknown as import("node:test").TestContext;
    if (!requireTool(ctx, "kubectl", INSTALL.kubectl) || !requirePrometheusStack(ctx)) {
      skipped = true;
      return;
    }
    metrics = kustomize(join(repoRoot(), "deploy/k8s/overlays/prod"))
      .filter((o) => o.kind === "AnalysisTemplate")
      .flatMap((tpl: Any) =>
        tpl.spec.metrics.map((m: Any) => ({
          template: tpl.metadata.name,
          name: m.name,
          condition: m.successCondition,
          query: m.provider.prometheus.query,
        })),
      );
    shop = ai4iContractShop("mw-canary-shop-");
    const start = async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "mw-canary-"));
      dirs.push(dataDir);
      const srv = await startServerProcess(["serve", "--registry", shop?.registryDir ?? ""], {
        MILLWRIGHT_DATA_DIR: dataDir,
        MILLWRIGHT_RETRAIN_MODE: "off",
      });
      servers.push(srv);
      return { srv, dataDir };
    };
    const [stable, ...canaries] = await Promise.all([start(), start(), start(), start()]);
    const canary = Object.fromEntries(SCENARIOS.map((s, i) => [s, canaries[i]])) as Record<
      Scenario,
      { srv: ServerProcess; dataDir: string }
    >;
    // Warm-up before Prometheus's first scrape: rate() counts from the first sample, so the first
    // requests of a fresh process (JIT, the SQLite file's first commits) stay out of the windows, as
    // they would for a canary pod that passed its readiness probe minutes before the analysis.
    const WARM = 30;
    for (let i = 0; i < WARM; i++)
      await Promise.all([stable, ...canaries].map((s) => predict(s.srv.url, normal(i))));
    // The log-commit template reads this gauge: a server without it would read as healthy.
    assert.match(
      await (await fetch(`${stable.srv.url}/metrics`)).text(),
      /^millwright_store_degraded 0$/m,
      "the server exports millwright_store_degraded",
    );
    const host = (s: ServerProcess) => `127.0.0.1:${s.port}`;
    stack = await startPrometheusStack({
      target: host(stable.srv),
      // the labels the ServiceMonitor gives real pods: namespace (default) and role (relabelled pod label)
      targetGroups: SCENARIOS.flatMap((ns) => [
        { targets: [host(stable.srv)], labels: { namespace: ns, role: "stable" } },
        { targets: [host(canary[ns].srv)], labels: { namespace: ns, role: "canary" } },
      ]),
      rulesText: "groups: []\n",
      alertmanagerConfig: () => "route:\n  receiver: none\nreceivers:\n  - name: none\n",
    });
    const prom = stack;

    // Traffic for at least 8 s (scraped every second) and 250 requests per server. The broken canary's
    // data directory goes after 2 s.
    const t0 = Date.now();
    const statuses: Record<Scenario, number[]> = { healthy: [], broken: [], drifted: [] };
    // As fast as the servers answer, one request at a time each: a few hundred samples per window, so a
    // p99 is not just the slowest request of a box shared with other test processes.
    let broken = false;
    for (let i = WARM; Date.now() - t0 < 8000 || i < WARM + 250; i++) {
      if (!broken && Date.now() - t0 > 2000) {
        rmSync(canary.broken.dataDir, { recursive: true, force: true });
        broken = true;
      }
      const [, h, b, d] = await Promise.all([
        predict(stable.srv.url, normal(i)),
        predict(canary.healthy.srv.url, normal(i)),
        predict(canary.broken.srv.url, normal(i)),
        predict(canary.drifted.srv.url, drifted(i)),
      ]);
      statuses.healthy.push(h);
      statuses.broken.push(b);
      statuses.drifted.push(d);
    }
    // the fault is real: the broken canary answered 503 once its directory was gone
    assert.ok(statuses.broken.includes(503), `broken canary statuses ${[...new Set(statuses.broken)]}`);
    assert.ok(statuses.healthy.every((s) => s === 200));
    // two more scrapes after the last request
    await new Promise((r) => setTimeout(r, 2500));
    await withStackLogs(prom, async () => {
      for (const ns of SCENARIOS)
        for (const m of metrics) {
          const result = await prom.query(m.query.replaceAll("{{args.namespace}}", ns));
          const v = result.map((r) => Number(r.value[1]));
          values.set(`${ns}/${m.name}`, v);
          verdicts.set(`${ns}/${m.name}`, evaluate(m.condition, v));
        }
    });
  });

  after(async () => {
    await Promise.all(
      servers.map(async (s) => {
        s.child.kill("SIGKILL");
        await s.exited;
      }),
    );
    await stack?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    removeShop(shop);
  });

  const table = (ns: Scenario) =>
    metrics
      .map(
        (m) =>
          `${m.name}=${verdicts.get(`${ns}/${m.name}`)} ${JSON.stringify(values.get(`${ns}/${m.name}`))}`,
      )
      .join("\n");
  const expectVerdicts = (ns: Scenario, failing: string[]) => {
    const got = Object.fromEntries(metrics.map((m) => [m.name, verdicts.get(`${ns}/${m.name}`)]));
    const want = Object.fromEntries(
      metrics.map((m) => [m.name, failing.includes(m.name) ? "Failed" : "Successful"]),
    );
    assert.deepEqual(got, want, table(ns));
  };

  test("every template has measurements to judge: five metrics in four templates", (t) => {
    if (skipped) return t.skip("kubectl or Prometheus missing");
    assert.equal(new Set(metrics.map((m) => m.template)).size, 4);
    assert.equal(metrics.length, 5);
  });

  test("a healthy canary passes every analysis metric", (t) => {
    if (skipped) return t.skip("kubectl or Prometheus missing");
    for (const ns of SCENARIOS) t.diagnostic(`${ns} canary: ${table(ns).replaceAll("\n", "; ")}`);
    expectVerdicts("healthy", []);
    // the scores were compared, not waved through: both sides had predictions, and they agree
    assert.ok((values.get("healthy/score-mean-shift") ?? [1])[0] < 0.01, table("healthy"));
  });

  test("a canary answering 503 (its history log gone) fails the 5xx analysis, latency alone would not", (t) => {
    if (skipped) return t.skip("kubectl or Prometheus missing");
    // what measures the fault, with real numbers: most requests 503, and the log-commit template
    // (millwright_store_degraded) fails it too.
    assert.ok((values.get("broken/canary-5xx-rate") ?? [0])[0] > 0.5, table("broken"));
    assert.deepEqual(values.get("broken/canary-log-commit-errors"), [1]);
    // A refused prediction is not scored: once the canary only refuses, the score queries have nothing to
    // divide (NaN), which compares false and fails them as well. Its 503s are fast, so latency alone would
    // not have caught it.
    for (const m of ["score-mean-shift", "predicted-failure-share-shift"])
      assert.ok(Number.isNaN((values.get(`broken/${m}`) ?? [0])[0]), `${m}: ${table("broken")}`);
    expectVerdicts("broken", [
      "canary-5xx-rate",
      "canary-log-commit-errors",
      "score-mean-shift",
      "predicted-failure-share-shift",
    ]);
  });

  test("a canary whose scores drift fails the score-distribution analysis and nothing else", (t) => {
    if (skipped) return t.skip("kubectl or Prometheus missing");
    expectVerdicts("drifted", ["score-mean-shift", "predicted-failure-share-shift"]);
    assert.ok((values.get("drifted/score-mean-shift") ?? [0])[0] > 0.1, table("drifted"));
  });
});
