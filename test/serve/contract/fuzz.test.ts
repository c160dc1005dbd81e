// Fuzzing the contract-driven request schemas (issue 18: "a fuzz pass over the contract-driven
// request schemas"): valid bodies for /v1/predict, /v1/events and OIP infer with one field replaced
// by something malformed (wrong types, huge numbers, NaN strings, unknown machines, deep nesting,
// over-long strings), and wholly random JSON. Never a 5xx; every refusal a problem+json with a code
// from the table, and a field-level refusal names the field it refused.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import fc from "fast-check";
import { ERROR_TABLE } from "../../../src/core/errors.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { trainedShop } from "../../helpers/contract-served.js";

const TOKEN = "feedback-token-for-fuzz";
const RUNS = Number(process.env.MW_FUZZ_RUNS ?? 150);
let app: FastifyInstance;
let log: SqliteHistoryLog;
let modelName: string;
let readings: string[];
/** Each valid body gets the next hour, so a valid reading is never refused for its time order. */
let hour = 0;
const nextTime = () => new Date(Date.UTC(2027, 0, 1) + 3600_000 * hour++).toISOString();

before(async () => {
  const shop = trainedShop("mw-fuzz-");
  const { registry, version: v } = shop;
  log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  const model = shop.model;
  modelName = model.name;
  readings = model.contract.readings.map((r) => r.name);
  app = await buildContractApp({
    service: await ContractService.open(model, registry.versionDir(v), log),
    tokens: { feedback: TOKEN },
    maxBatch: 100,
  });
});

after(async () => {
  await app.close();
  await log.close();
});

/** Deep nesting, spliced in as text when the body is sent (so neither fast-check nor the test recurses). */
const DEEP = "\u0000deep:";
const deep = (n: number): string => `${DEEP}${n}`;
const toJson = (body: unknown): string =>
  (JSON.stringify(body) ?? "null").replace(
    /"\\u0000deep:(\d+)"/g,
    (_, n) => `${"[".repeat(Number(n))}1${"]".repeat(Number(n))}`,
  );

/** Values no contract field accepts as they are (an unknown machine is one too). */
const malformed = fc.oneof(
  fc.constantFrom<unknown>(
    true,
    null,
    {},
    [],
    "NaN",
    "Infinity",
    "-Infinity",
    "",
    " ",
    "1e999",
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER * 1e6,
    -1,
    "2026-02-30T00:00:00Z",
    "M-NOT-IN-THE-MACHINE-TABLE",
    { toString: 1 },
    { $gt: "" },
    "'; DROP TABLE history; --",
  ),
  fc.integer({ min: 1, max: 12_000 }).map(deep),
  fc.integer({ min: 201, max: 200_000 }).map((n) => "x".repeat(n)),
  fc.string({ maxLength: 40 }),
  fc.double(),
  fc.jsonValue({ maxDepth: 4 }),
);

async function send(url: string, payload: unknown, token?: string) {
  return app.inject({
    method: "POST",
    url,
    payload: toJson(payload),
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

/** Never a 5xx; a refusal is problem+json with a known code; a field-level refusal names `field`. */
function checkAnswer(
  r: { statusCode: number; body: string },
  field: string | string[] | null,
  what: string,
): void {
  assert.ok(r.statusCode < 500, `${what}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  if (r.statusCode < 400) return;
  const p = JSON.parse(r.body) as { code: string; detail?: string; error?: string; field?: string };
  // OIP routes answer the protocol's {"error": …} (with the code); the rest problem+json's detail.
  const detail = p.detail ?? p.error;
  assert.equal(typeof detail, "string", `${what}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  assert.ok(p.code in ERROR_TABLE, `${what}: code ${p.code}`);
  const names = field === null ? [] : Array.isArray(field) ? field : [field];
  if (names.length > 0 && (p.code === "MW_VALIDATION" || p.code === "MW_BAD_INPUT"))
    assert.ok(
      names.some((f) => detail?.includes(f) || (p.field ?? "").includes(f)),
      `${what}: the refusal does not name ${field}: ${detail?.slice(0, 300)}`,
    );
}

const validReading = (): Record<string, unknown> => ({
  machine_id: "M01",
  timestamp: nextTime(),
  spindle_speed: 9000,
  spindle_load: 40,
  vibration: 1.2,
});

test("/v1/predict: one malformed field gets a 4xx naming it, never a 5xx", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom("machine_id", "timestamp", ...["spindle_speed", "spindle_load", "vibration"]),
      malformed,
      fc.boolean(),
      async (field, bad, batch) => {
        const body = { ...validReading(), [field]: bad };
        const r = await send("/v1/predict", batch ? [validReading(), body] : body);
        checkAnswer(r, field, `predict ${field}=${JSON.stringify(bad)?.slice(0, 80)}`);
      },
    ),
    { numRuns: RUNS, seed: 18 },
  );
  assert.ok(readings.includes("spindle_speed"));
});

test("/v1/events: one malformed field gets a 4xx naming it, never a 5xx", async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom("id", "table", "machine_id", "timestamp", "kind"),
      malformed,
      async (field, bad) => {
        const e = {
          id: `fuzz-${n++}`,
          table: "alarms",
          machine_id: "M02",
          timestamp: nextTime(),
          kind: "A1",
        };
        const r = await send("/v1/events", { events: [{ ...e, [field]: bad }] }, TOKEN);
        checkAnswer(r, field, `events ${field}=${JSON.stringify(bad)?.slice(0, 80)}`);
      },
    ),
    { numRuns: RUNS, seed: 18 },
  );
});

test("OIP infer: malformed tensors get a 4xx naming the inputs, never a 5xx", async () => {
  const tensors = () => [
    { name: "machine_id", datatype: "BYTES", shape: [1], data: ["M03"] },
    { name: "timestamp", datatype: "BYTES", shape: [1], data: [nextTime()] },
    { name: "spindle_speed", datatype: "FP64", shape: [1], data: [9000] },
    { name: "spindle_load", datatype: "FP64", shape: [1], data: [40] },
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom("name", "data", "datum", "shape", "tensor", "inputs"),
      malformed,
      async (i, where, bad) => {
        const inputs: unknown[] = tensors();
        const t = inputs[i] as Record<string, unknown>;
        if (where === "datum") t.data = [bad];
        else if (where === "tensor") inputs[i] = bad;
        else if (where !== "inputs") t[where] = bad;
        const body = where === "inputs" ? { inputs: bad } : { inputs };
        const r = await send(`/v2/models/${modelName}/infer`, body);
        // A bad value inside a tensor is named by its reading; a bad tensor by "inputs" (or its name).
        const own = typeof t.name === "string" ? [t.name] : [];
        const field = where === "datum" ? own : ["inputs", ...own];
        checkAnswer(
          r,
          where === "shape" ? null : field,
          `oip ${where}[${i}]=${JSON.stringify(bad)?.slice(0, 80)}`,
        );
      },
    ),
    { numRuns: RUNS, seed: 18 },
  );
});

test("wholly random JSON bodies on every contract route: never a 5xx, always a known code", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom("/v1/predict", "/v1/events", `/v2/models/${modelName}/infer`),
      fc.oneof(fc.jsonValue({ maxDepth: 6 }), malformed),
      async (url, body) => {
        const r = await send(url, body, TOKEN);
        checkAnswer(r, null, `${url} ${JSON.stringify(body)?.slice(0, 80)}`);
      },
    ),
    { numRuns: RUNS, seed: 18 },
  );
});
