// Drift per group of machines (`monitor: { drift_by: [model] }`) end to end on a small shop: check
// lists the groups, training keeps a reference per group with enough rows and says why it skips the
// rest, and the served monitor answers each group's drift on GET /v1/monitor and /metrics, a group
// label per trained group only; a contract without drift_by writes the reference.json it always did.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Registry as PromRegistry } from "prom-client";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { ContractMonitor } from "../../../src/monitor/live/monitor.js";
import { ModelRegistry } from "../../../src/registry/registry.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { CONTRACT, MACHINES, shopFiles, writeShop } from "../../contract/helpers.js";
import { runCli } from "../../helpers/cli.js";

const TOKEN = "feedback-token";
const HOURS = 1100;
const BY_MODEL = CONTRACT.replace("\nderived:", "\nmonitor: { drift_by: [model] }\nderived:");
/** M1 and M2 hourly for HOURS hours (helpers.ts), and M3, a third model, for 200 hours only. */
function files() {
  const f = shopFiles(HOURS);
  const m3 = Array.from({ length: 200 }, (_, h) => {
    const t = new Date(Date.UTC(2026, 0, 1, h)).toISOString().replace(".000Z", "Z");
    return `${t},M3,${40 + ((h * 11) % 13)},${(2 + ((h * 3) % 4) / 10).toFixed(2)}`;
  });
  // A failure every 3 days, on M1 and M2 in turn: each part of the time split has some.
  const failures = Array.from({ length: 15 }, (_, k) => {
    const t = new Date(Date.UTC(2026, 0, 3 + 3 * k, 12)).toISOString().slice(0, 19).replace("T", " ");
    return `${t},M${1 + (k % 2)},spindle`;
  });
  return {
    ...f,
    "failures.csv": `${f["failures.csv"].split("\n")[0]}\n${failures.join("\n")}\n`,
    "telemetry.csv": `${f["telemetry.csv"]}${m3.join("\n")}\n`,
    "machines.csv": `${MACHINES}M3,Mazak QT-200,6\n`,
  };
}
const shop = writeShop(files(), BY_MODEL);
const plain = writeShop(files());
const registry = join(shop.dir, "models");
let app: FastifyInstance;
let log: SqliteHistoryLog;
let trained: { stdout: string; stderr: string; code: number | null };
after(async () => {
  await app?.close();
  await log?.close();
  rmSync(shop.dir, { recursive: true, force: true });
  rmSync(plain.dir, { recursive: true, force: true });
});

before(async () => {
  trained = await runCli(["train", "--contract", shop.contract, "--registry", registry]);
  assert.equal(trained.code, 0, trained.stderr + trained.stdout);
  const reg = new ModelRegistry(registry);
  const v = reg.resolve("champion");
  const model = reg.historyModel(v);
  log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  const metricsRegistry = new PromRegistry();
  const monitor = new ContractMonitor(model, reg.versionDir(v), metricsRegistry);
  const service = await ContractService.open(model, reg.versionDir(v), log, [monitor]);
  app = await buildContractApp({ service, monitor, metricsRegistry, tokens: { feedback: TOKEN } });
});

test("check lists the groups, and says which are too small for a test of their own", async () => {
  const r = await runCli(["check", "--contract", shop.contract]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /drift groups \(monitor\.drift_by: model\): 2 of 3 tested on their own, beside the fleet/,
  );
  assert.match(r.stdout, /model=Haas VF-2 +1 machine, 1100 rows\n/);
  assert.match(r.stdout, /model=Mazak QT-200 +1 machine, 200 rows: not tested \(fewer than 1000 rows/);
  const p = await runCli(["check", "--contract", plain.contract]);
  assert.doesNotMatch(p.stdout, /drift groups/);
});

test("training keeps a reference per group with enough rows, additively, and says why it skipped one", () => {
  assert.equal(trained.code, 0);
  assert.match(
    trained.stdout,
    /drift tested per group \(monitor\.drift_by\): 2 groups; skipped model=Mazak QT-200: 200 training rows, fewer than 1000/,
  );
  const dir = new ModelRegistry(registry).versionDir(new ModelRegistry(registry).resolve("champion"));
  const ref = JSON.parse(readFileSync(join(dir, "reference.json"), "utf8"));
  assert.deepEqual(
    ref.groups.map((g: { value: string; machines: string[] }) => [g.value, g.machines]),
    [
      ["Haas VF-2", ["M1"]],
      ["Okuma LB3000", ["M2"]],
    ],
  );
  for (const g of ref.groups) {
    assert.ok(g.calibration.windows >= 24, `${g.value}: ${g.calibration.windows} windows`);
    assert.ok(g.calibration.features.load.threshold >= 0.1, JSON.stringify(g.calibration.features.load));
  }
  assert.equal(ref.groups_skipped[0].value, "Mazak QT-200");
});

test("GET /v1/monitor answers each group's drift; /metrics has a gauge per trained group only", async () => {
  // 40 hours of each machine after the training data; M2's vibration sensor reads 3× from the start.
  const rows = [];
  for (let h = HOURS; h < HOURS + 40; h++)
    for (const m of ["M1", "M2", "M3"])
      rows.push({
        machine_id: m,
        timestamp: new Date(Date.UTC(2026, 0, 1, h)).toISOString(),
        load: 50 + ((h * 13) % 17),
        vib: (1 + ((h * 7) % 5) / 10) * (m === "M2" ? 3 : 1),
      });
  const post = await app.inject({
    method: "POST",
    url: "/v1/predict",
    payload: rows,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(post.statusCode, 200, post.body.slice(0, 300));
  const mon = (await app.inject({ url: "/v1/monitor" })).json();
  const by = new Map(mon.groups.map((g: { value: string }) => [g.value, g]));
  assert.deepEqual([...by.keys()], ["Haas VF-2", "Okuma LB3000"]);
  // biome-ignore lint/suspicious/noExplicitAny: the answer's JSON
  const okuma = by.get("Okuma LB3000") as any;
  // biome-ignore lint/suspicious/noExplicitAny: the answer's JSON
  const haas = by.get("Haas VF-2") as any;
  assert.deepEqual(okuma.machines, ["M2"]);
  assert.equal(okuma.attribute, "model");
  assert.equal(okuma.drift_window.full, true);
  assert.equal(okuma.drift.dataset_drift, true);
  assert.ok(okuma.drift.features.find((f: { feature: string }) => f.feature === "vib").drifted);
  assert.equal(haas.drift.dataset_drift, false, JSON.stringify(haas.drift.features));
  assert.deepEqual(
    mon.groups_skipped.map((g: { value: string; reason: string }) => [g.value, g.reason]),
    [["Mazak QT-200", "200 training rows, fewer than 1000"]],
  );
  const metrics = (await app.inject({ url: "/metrics" })).body;
  assert.match(metrics, /^millwright_group_dataset_drift\{group="model=Okuma LB3000"\} 1$/m);
  assert.match(metrics, /^millwright_group_dataset_drift\{group="model=Haas VF-2"\} 0$/m);
  assert.match(metrics, /^millwright_group_feature_drifted\{group="model=Okuma LB3000",feature="vib"\} 1$/m);
  const labels = new Set([...metrics.matchAll(/group="([^"]+)"/g)].map((m) => m[1]));
  assert.deepEqual([...labels].sort(), ["model=Haas VF-2", "model=Okuma LB3000"], "M3's model has no group");
  // The fleet's gauges carry no group label, as before.
  assert.match(metrics, /^millwright_dataset_drift [01]$/m);
});

test("a contract without drift_by writes no groups; its server answers groups: []", async () => {
  const r = await runCli(["train", "--contract", plain.contract, "--registry", join(plain.dir, "models")]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /drift tested per group/);
  const reg = new ModelRegistry(join(plain.dir, "models"));
  const ref = JSON.parse(
    readFileSync(join(reg.versionDir(reg.resolve("champion")), "reference.json"), "utf8"),
  );
  assert.deepEqual(Object.keys(ref).sort(), [
    "calibration",
    "columns",
    "failure_label",
    "failure_probability",
    "rows",
  ]);
  const monitor = new ContractMonitor(
    reg.historyModel(reg.resolve("champion")),
    reg.versionDir(reg.resolve("champion")),
    new PromRegistry(),
  );
  const rep = monitor.report();
  assert.deepEqual([rep.groups, rep.groups_skipped], [[], []]);
});
