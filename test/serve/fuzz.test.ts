// Property-based: 10,000 random and mutated bodies at every input route. No 5xx, the server stays
// up, and memory stays bounded. On the server `millwright serve` starts for the AI4I example (the
// contract server; issue 15 retired the AI4I app this first ran on).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { AI4I_READING, AI4I_TOKENS, startAi4iContractApp } from "../helpers/ai4i-contract.js";

const READING = AI4I_READING;

let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => {
  ({ app, close } = await startAi4iContractApp("mw-fuzz-", { MILLWRIGHT_MAX_BATCH: "50" }));
});
after(() => close());

const fieldValue = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(-1, 0, 1e308, -1e308, 5e-324, "L", "M", "H", "X", ""),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const mutatedReading = fc
  .record({
    drop: fc.subarray(Object.keys(READING)),
    set: fc.dictionary(
      fc.constantFrom(...Object.keys(READING), "extra", "__proto__", "constructor"),
      fieldValue,
      { maxKeys: 3 },
    ),
  })
  .map(({ drop, set }) => {
    const r: Record<string, unknown> = { ...READING };
    for (const k of drop) delete r[k];
    return Object.assign(r, set);
  });
const body = fc.oneof(
  mutatedReading,
  fc.array(mutatedReading, { maxLength: 60 }),
  fc.jsonValue(),
  fc.record({
    inputs: fc.array(
      fc.record({
        name: fc.string(),
        shape: fc.array(fc.integer({ min: -2, max: 8 })),
        datatype: fc.constantFrom("FP64", "BYTES", "BOOL", "x"),
        data: fc.array(fieldValue, { maxLength: 14 }),
      }),
      { maxLength: 7 },
    ),
  }),
  fc.record({
    feedback: fc.array(
      fc.record({ prediction_id: fc.oneof(fc.string(), fc.integer()), machine_failure: fieldValue }),
      { maxLength: 5 },
    ),
  }),
  fc.record({
    events: fc.array(
      fc.record({
        id: fieldValue,
        table: fieldValue,
        machine_id: fieldValue,
        timestamp: fieldValue,
        kind: fieldValue,
      }),
      { maxLength: 5 },
    ),
  }),
);
const raw = fc.oneof(
  body.map((b) => JSON.stringify(b) ?? "null"),
  fc.string(),
  body.map((b) => (JSON.stringify(b) ?? "").slice(0, -1)),
);
const route = fc.constantFrom(
  "/v1/predict",
  "/v1/predict?explain=true",
  "/v2/models/ai4i-2020/infer",
  "/v1/feedback",
  "/v1/events",
  "/v1/retrain",
  "/v1/plan",
  "/v1/models/shadow",
  "/v1/hooks/alertmanager",
  "/v1/admin/reload",
  "/v1/models/1.0.0/promote",
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
);
// No admin token: a valid re-plan or retraining is seconds of work, not a parsing question.
const auth = fc.constantFrom(
  undefined,
  `Bearer ${AI4I_TOKENS.feedback}`,
  `Bearer ${AI4I_TOKENS.hook}`,
  "Bearer wrong",
  "Basic abc",
  "Bearer ",
);

test("10,000 random and mutated requests: no 5xx, server up, memory bounded", async () => {
  const runs = Number(process.env.MILLWRIGHT_FUZZ_RUNS ?? 10_000);
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let count = 0;
  await fc.assert(
    fc.asyncProperty(route, raw, contentType, auth, async (url, payload, ct, authorization) => {
      const headers: Record<string, string> = {};
      if (ct) headers["content-type"] = ct;
      if (authorization) headers.authorization = authorization;
      const res = await app.inject({ method: "POST", url, payload, headers });
      count++;
      if (res.statusCode >= 500)
        throw new Error(
          `${res.statusCode} for ${url} ${ct} ${payload.slice(0, 200)}: ${res.body.slice(0, 300)}`,
        );
    }),
    { numRuns: runs, seed: 20261127 },
  );
  assert.equal(count >= runs, true);
  // A counter past anything the storm could have taken for L-01.
  const ok = await app.inject({
    method: "POST",
    url: "/v1/predict",
    payload: { ...READING, timestamp: Number.MAX_SAFE_INTEGER },
  });
  assert.equal(ok.statusCode, 200, "still serving after the storm");
  global.gc?.();
  const grown = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  assert.ok(grown < 150, `heap grew ${grown.toFixed(1)} MiB`);
});
