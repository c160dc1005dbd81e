// The contract server's explanation budget (MILLWRIGHT_EXPLAIN_PER_SECOND): TreeSHAP runs on the
// event loop, so the readings explained per second by all clients together are limited, as the AI4I
// app's were (500 a second by default). A refused request logs nothing; a bad one costs no budget.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { AI4I_READING, type Ai4iContractApp, startAi4iContractApp } from "../../helpers/ai4i-contract.js";

let served: Ai4iContractApp;
before(async () => {
  served = await startAi4iContractApp("mw-explain-budget-", { MILLWRIGHT_EXPLAIN_PER_SECOND: "100" });
});
after(() => served?.close());

const readings = (from: number, n = 100) =>
  Array.from({ length: n }, (_, i) => ({ ...AI4I_READING, machine_id: "L-77", timestamp: from + i }));
const post = (url: string, payload: object) => served.app.inject({ method: "POST", url, payload });

test("a budget below one request's most is refused at start, naming the variable", () => {
  assert.throws(
    () => readConfig({ MILLWRIGHT_EXPLAIN_PER_SECOND: "50" }),
    (e: Error & { code?: string }) =>
      e.code === "MW_CONFIG" && /MILLWRIGHT_EXPLAIN_PER_SECOND: '50' must be a number ≥ 100/.test(e.message),
  );
  assert.equal(readConfig({}).explainPerSecond, 500);
});

test("explanations over the budget get 429 with Retry-After; readings without them are not limited", async () => {
  const bad = readings(1);
  bad[40] = { ...bad[40], torque: "strong" as unknown as number };
  const refusedBad = await post("/v1/predict?explain=true", bad);
  assert.equal(refusedBad.statusCode, 400, refusedBad.body);
  assert.match(refusedBad.json().detail, /\[40\]\.torque/);

  // The bad request took nothing: the whole second's budget is still there for 100 readings.
  const first = await post("/v1/predict?explain=true", readings(1));
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().predictions.length, 100);
  assert.ok(first.json().predictions.every((p: { explanation?: unknown[] }) => p.explanation?.length));

  const over = await post("/v1/predict?explain=true", readings(101));
  assert.equal(over.statusCode, 429, over.body);
  assert.equal(over.json().code, "MW_RATE_LIMITED");
  assert.match(over.json().detail, /100 readings per second for all clients/);
  assert.equal(over.headers["retry-after"], "1");

  // Not explained, the same second: answered.
  const plain = await post("/v1/predict", readings(201));
  assert.equal(plain.statusCode, 200, plain.body);

  // The refused request logged nothing: after the wait its readings are new (not 409), explained.
  await new Promise((r) => setTimeout(r, 1100));
  const later = await post("/v1/predict?explain=true", readings(301));
  assert.equal(later.statusCode, 200, later.body);
  const retried = await post("/v1/predict", readings(101));
  assert.equal(
    retried.statusCode,
    409,
    "readings 101–200 are before the machine's newest (300+): refused whole",
  );
});
