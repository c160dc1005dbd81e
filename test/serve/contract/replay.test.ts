// The promise of one feature module: a training file replayed through the server one reading at a
// time, in time order, scores exactly (===) what `millwright predict` scores on the same file; and
// a restarted server, rebuilt from its history log, goes on scoring as if it had never stopped.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadContract } from "../../../src/contract/load.js";
import { readContractData } from "../../../src/data/contract-data.js";
import { parseCsv } from "../../../src/data/csv.js";
import { HISTORIAN_DEFAULTS } from "../../../src/data/historian.js";
import { ModelRegistry } from "../../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../../src/registry/train-history.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import type { HistoryModel } from "../../../src/train/history-model.js";
import { runCli } from "../../helpers/cli.js";
import { historianShop } from "../../helpers/historian.js";

const TOKEN = "feedback-token-for-tests";
let dir: string;
let registry: ModelRegistry;
let version: string;
let telemetry: { header: string[]; rows: string[][] };
let predicted: Map<string, number[]>;
let kinds: string[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "mw-replay-"));
  registry = new ModelRegistry(join(dir, "models"));
  // A fleet big enough for a model with real spread: 24 machines × 60 days.
  const shop = historianShop({ ...HISTORIAN_DEFAULTS }, "mw-replay-data-");
  const { contract, text } = loadContract(shop.contract);
  const data = readContractData(contract, { learn: true, labels: "require" });
  version = trainHistoryAndRegister(registry, data, text, {
    seed: 42,
    split: { by: "time", testFrom: null },
  }).version;
  const file = contract.telemetry[0];
  telemetry = parseCsv(readFileSync(file, "utf8"));
  const out = join(dir, "scored.csv");
  const r = await runCli(["predict", "--data", file, "--out", out, "--registry", registry.dir]);
  assert.equal(r.code, 0, r.stderr);
  const scored = parseCsv(readFileSync(out, "utf8"));
  const p = scored.header.indexOf("failure_probability");
  kinds = scored.header
    .filter((h) => h.endsWith("_probability") && h !== "failure_probability")
    .map((h) => h.slice(0, -12));
  const cols = [p, ...kinds.map((k) => scored.header.indexOf(`${k}_probability`))];
  predicted = new Map(scored.rows.map((row) => [`${row[1]}|${row[0]}`, cols.map((j) => Number(row[j]))]));
});

after(() => {});

function readingOf(row: string[], contract: HistoryModel["contract"]): Record<string, unknown> {
  const h = telemetry.header;
  const o: Record<string, unknown> = {
    machine_id: row[h.indexOf("machine_id")],
    timestamp: row[h.indexOf("timestamp")],
  };
  for (const r of contract.readings) {
    const s = row[h.indexOf(r.column)];
    o[r.name] = s === "" ? null : Number(s);
  }
  return o;
}

async function eventsOf(file: string, table: string, kindCol: string | null) {
  const t = parseCsv(readFileSync(file, "utf8"));
  return t.rows.map((r, i) => ({
    id: `${table}-${i}`,
    table,
    machine_id: r[t.header.indexOf("machine_id")],
    timestamp: r[t.header.indexOf("timestamp")],
    ...(kindCol ? { kind: r[t.header.indexOf(kindCol)] } : {}),
  }));
}

test("one reading at a time through the server = millwright predict on the file, exactly; a restart rebuilds the history", async () => {
  const model = registry.historyModel(version);
  const c = model.contract;
  const logPath = join(dir, "history.db");
  let log = new SqliteHistoryLog(logPath);
  let app = await buildContractApp({
    service: await ContractService.open(model, registry.versionDir(version), log),
    tokens: { feedback: TOKEN },
  });
  const events = [
    ...(await eventsOf(c.events[0].file as string, "alarms", "code")),
    ...(await eventsOf(c.events[1].file as string, "maintenance", "component")),
    ...(await eventsOf(c.failures?.file as string, "failures", "component")),
  ];
  const posted = await app.inject({
    method: "POST",
    url: "/v1/events",
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: { events },
  });
  assert.equal(posted.statusCode, 200, posted.body);
  assert.ok(
    (posted.json() as { results: { outcome: string }[] }).results.every((r) => r.outcome === "accepted"),
  );
  const again = await app.inject({
    method: "POST",
    url: "/v1/events",
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: { events: events.slice(0, 3) },
  });
  assert.deepEqual(
    (again.json() as { results: { outcome: string }[] }).results.map((r) => r.outcome),
    ["duplicate", "duplicate", "duplicate"],
  );

  // The file is sorted by time, then machine: that order is time order within each machine. Two
  // machines' rows keep the test short (each answer waits for its fsync).
  const mc = telemetry.header.indexOf("machine_id");
  const pick = new Set(["M01", "M02"]);
  const rows = telemetry.rows.filter((r) => pick.has(r[mc]));
  const half = Math.floor(rows.length / 2);
  let compared = 0;
  const distinct = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    if (i === half) {
      // Restart mid-way: a new service from the same log must carry on exactly.
      await app.close();
      await log.close();
      log = new SqliteHistoryLog(logPath);
      app = await buildContractApp({
        service: await ContractService.open(model, registry.versionDir(version), log),
        tokens: { feedback: TOKEN },
      });
    }
    const body = readingOf(rows[i], c);
    const res = await app.inject({ method: "POST", url: "/v1/predict", payload: body });
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json() as { failure_probability: number; heads: Record<string, number | null> };
    const got = answer.failure_probability;
    const want = predicted.get(`${body.machine_id}|${body.timestamp}`) as number[];
    assert.deepEqual(
      [got, ...kinds.map((k) => answer.heads[k])],
      want,
      `reading ${i} (${body.machine_id} ${body.timestamp})`,
    );
    compared++;
    distinct.add(got);
  }
  assert.equal(compared, rows.length);
  assert.ok(
    compared > 2000 && distinct.size > 40,
    `${compared} readings, ${distinct.size} distinct probabilities`,
  );
  await app.close();
  await log.close();
});
