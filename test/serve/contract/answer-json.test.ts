// The contract server's /v1/predict answer, written by hand (answer-json.ts), is exactly
// JSON.stringify of the documented answer objects (ContractAnswer, built here as the route built
// them before); and through the route, a batch read by the byte scanner and the same batch read
// by the general path (JSON.parse, toColumns) get identical bytes: single, batch, ?explain=true,
// written and counted timestamps. A plain batch takes the scanner (a spy on the real service).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Registry as PromRegistry } from "prom-client";
import type { ReadingColumns } from "../../../src/pipeline/readings.js";
import { batchAnswerJson, singleAnswerJson } from "../../../src/serve/contract/answer-json.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import type { ContractAnswer, ScoredBatch } from "../../../src/serve/contract/score-batch.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import {
  at,
  hourlyReading,
  machineIds,
  type TrainedShop,
  trainedShop,
} from "../../helpers/contract-served.js";

/** The answer objects as scoreBatch built them before the answer was written by hand. */
function answerObjects(b: ScoredBatch): ContractAnswer[] {
  return b.ids.map((id, i) => {
    const heads: Record<string, number | null> = {};
    let best: string | null = null;
    b.kinds.forEach((k, j) => {
      const p = b.heads[j];
      heads[k] = p ? p[i] : null;
      if (p && (best === null || p[i] > (heads[best] as number))) best = k;
    });
    const raw = b.cols.stamp?.[i];
    const a: ContractAnswer = {
      id,
      machine_id: b.cols.machine[i],
      timestamp: typeof raw === "string" || typeof raw === "number" ? raw : b.cols.time[i],
      failure_probability: b.failure[i],
      failure_predicted: b.failure[i] >= b.threshold,
      heads,
      likeliest_kind: best,
      model: b.model,
    };
    if (b.explanations) a.explanation = b.explanations[i];
    return a;
  });
}

test("the answer written by hand is JSON.stringify of the answer objects, byte for byte", () => {
  const n = 150; // more than one chunk of answers
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
  const ids = ['q"uote', "back\\slash", "Drehbank-Ä-機械-🛠", "lone\ud800", "tab\t", "M01"];
  const cols: ReadingColumns = {
    n,
    machine: Array.from({ length: n }, (_, i) => ids[i % ids.length]),
    time: f((i) => (i % 3 === 0 ? -0 : 1e21 + i)),
    values: [],
    stamp: Array.from({ length: n }, (_, i) => [undefined, "2026-06-01 00:00:00", 5e-7, -0, "ü\n"][i % 5]),
  };
  const batch = (explain: boolean, ascii: boolean): ScoredBatch => ({
    cols: ascii ? { ...cols, machine: cols.machine.map(() => "M01"), stamp: undefined } : cols,
    ids: Array.from({ length: n }, (_, i) => `0190aaaa-bbbb-7ccc-8ddd-${String(i).padStart(12, "0")}`),
    failure: f((i) => (i % 7 === 0 ? Number.NaN : i / n)),
    threshold: 0.5,
    kinds: ["twf", "ölpumpe", "nohead", "same"],
    heads: [f((i) => (i % 5) / 5), f((i) => (i % 4) / 4), null, f((i) => (i % 4) / 4)],
    model: { name: "fleet-\u2603", version: "1.2.0" },
    explanations: explain
      ? Array.from({ length: n }, (_, i) => [
          {
            feature: "load",
            value: i % 2 ? "auto" : null,
            unit: "%",
            contribution: 0.1,
            risk_without: 0.2,
            text: "load – 3 %",
          },
        ])
      : null,
  });
  for (const [explain, ascii] of [
    [false, false],
    [true, false],
    [false, true],
  ]) {
    const b = batch(explain, ascii);
    const objects = answerObjects(b);
    assert.equal(batchAnswerJson(b).toString("utf8"), JSON.stringify({ predictions: objects }));
    assert.equal(singleAnswerJson(b), JSON.stringify(objects[0]));
  }
});

let shop: TrainedShop;
const apps: FastifyInstance[] = [];
const logs: SqliteHistoryLog[] = [];
/** Per app, how many requests reached the service as columns (scanned) and as objects. */
const paths: { scanned: number; objects: number }[] = [];

before(async () => {
  shop = trainedShop("mw-answer-json-");
  for (const k of [0, 1]) {
    const log = new SqliteHistoryLog(join(shop.dir, `h${k}.db`));
    const service = await ContractService.open(shop.model, shop.registry.versionDir(shop.version), log);
    const seen = { scanned: 0, objects: 0 };
    const predict = service.predict.bind(service);
    service.predict = (readings, ...rest) => {
      if (Array.isArray(readings)) seen.objects++;
      else seen.scanned++;
      return predict(readings, ...rest);
    };
    paths.push(seen);
    logs.push(log);
    apps.push(await buildContractApp({ service, metricsRegistry: new PromRegistry(), maxBatch: 500 }));
  }
});

after(async () => {
  for (const a of apps) await a.close();
  for (const l of logs) await l.close();
});

const mask = (s: string) => s.replace(/"id":"[0-9a-f-]{36}"/g, '"id":"…"');
/** `plain` to app 0 and `general` (the same readings, written so the scanner hands them back) to app 1. */
async function sameBytes(url: string, plain: string, general: string, scanned: boolean): Promise<string> {
  const before = paths.map((p) => ({ ...p }));
  const [a, b] = await Promise.all(
    [plain, general].map((payload, k) =>
      apps[k].inject({ method: "POST", url, payload, headers: { "content-type": "application/json" } }),
    ),
  );
  assert.equal(a.statusCode, 200, a.body);
  assert.equal(a.headers["content-type"], b.headers["content-type"]);
  assert.equal(a.headers["content-type"], "application/json; charset=utf-8");
  assert.equal(mask(a.body), mask(b.body));
  assert.equal(paths[0].scanned - before[0].scanned, scanned ? 1 : 0, "app 0 read the batch from its bytes");
  assert.equal(paths[1].scanned - before[1].scanned, 0, "app 1 took the general path");
  return a.body;
}

test("a batch read from its bytes and the same batch parsed give identical answers; the plain one is scanned", async () => {
  const readings = machineIds(12).flatMap((m, k) =>
    [0, 1, 2].map((h) => ({ ...hourlyReading(m, h), ...(k % 2 ? { vibration: null } : {}) })),
  );
  const plain = JSON.stringify(readings);
  // "\u0030" is "0": the same ids, but an escape the scanner leaves to JSON.parse.
  const escaped = plain.replace(/"M0/g, '"M\\u0030');
  const body = await sameBytes("/v1/predict", plain, escaped, true);
  const answers = JSON.parse(body).predictions as ContractAnswer[];
  assert.equal(answers.length, readings.length);
  assert.equal(answers[0].timestamp, at(0), "the time as written");
  // Explanations and a single reading always take the general path: both apps answer them alike.
  const later = machineIds(3).map((m) => hourlyReading(m, 5));
  await sameBytes("/v1/predict?explain=true", JSON.stringify(later), JSON.stringify(later), false);
  const one = JSON.stringify({ ...hourlyReading("M04", 6), timestamp: "2027-01-01 06:00:00" });
  const single = await sameBytes("/v1/predict", one, one, false);
  assert.equal(JSON.parse(single).timestamp, "2027-01-01 06:00:00");
});
