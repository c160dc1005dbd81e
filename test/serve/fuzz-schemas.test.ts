// Property-based, driven by the request schemas (issue 18's closing fuzz pass): readings are built
// from the contract's readingSchema (each field's type, bounds, enum, length and format, at and just
// past every limit), hook payloads from alertmanagerPayloadSchema with objects where strings belong,
// OIP tensors nested deeper than their shape, and every route with its path, query and token
// variants. A schema that grows a field grows the fuzz with it. Never a 5xx, errors are problem+json
// (or JSON on /v2), and no answer names a server path. On the server `millwright serve` starts for
// the AI4I example (the contract server; issue 15 retired the AI4I app this first ran on).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { AI4I_CONTRACT } from "../../src/cli/commands/train.js";
import { loadContract } from "../../src/contract/load.js";
import { readingSchema as contractReadingSchema } from "../../src/pipeline/readings.js";
import { alertmanagerPayloadSchema } from "../../src/serve/hook-schema.js";
import { AI4I_READING, AI4I_TOKENS, startAi4iContractApp } from "../helpers/ai4i-contract.js";

let app: FastifyInstance;
let dir: string;
let close: () => Promise<void>;

before(async () => {
  ({ app, dir, close } = await startAi4iContractApp("mw-fuzz-schemas-", { MILLWRIGHT_MAX_BATCH: "50" }));
});
after(() => close());

const readingSchema = contractReadingSchema(loadContract(AI4I_CONTRACT).contract) as {
  properties: Record<string, unknown>;
};
const EXAMPLE: Record<string, unknown> = AI4I_READING;

type Prop = {
  type?: string | readonly string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  enum?: readonly unknown[];
  format?: string;
};

const evil = fc.constantFrom<unknown>(
  { toString: 1 },
  { valueOf: 1 },
  [],
  {},
  null,
  true,
  -0,
  1e308,
  "__proto__",
);

/** Values for one schema property: valid ones, the limits and just past them, and wrong types. */
function valuesFor(p: Prop): fc.Arbitrary<unknown> {
  const parts: fc.Arbitrary<unknown>[] = [evil];
  if (p.enum) parts.push(fc.constantFrom(...p.enum), fc.string({ maxLength: 3 }));
  if (p.type === "number" || p.type === "integer") {
    const lo = p.minimum ?? -1e6;
    const hi = p.maximum ?? 1e6;
    parts.push(
      fc.double({ min: lo, max: hi, noNaN: true }),
      fc.constantFrom(lo, hi, lo - 1e-9, hi + 1e-9, Number.MAX_VALUE),
    );
  }
  if (p.type === "string" && !p.enum) {
    const n = p.maxLength ?? 64;
    parts.push(
      fc.string({ maxLength: 8 }),
      fc.constantFrom("x".repeat(n), "x".repeat(n + 1), "é".repeat(n), "😀".repeat(n), "a\u0000b", "=SUM(1)"),
    );
    if (p.format === "date-time")
      parts.push(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constantFrom("1", "2026", "2026-02-30T00:00:00Z"),
      );
  }
  return fc.oneof(...parts);
}

/** A reading from readingSchema: every property present, absent or mutated. */
const reading = fc.record(
  Object.fromEntries(
    Object.entries(readingSchema.properties).map(([k, p]) => [
      k,
      fc.oneof(
        {
          // A counter that moves on, so some readings get past the machine's newest (else a 409).
          arbitrary: k === "timestamp" ? fc.nat() : fc.constant(EXAMPLE[k]),
          weight: 12,
        },
        valuesFor(p as Prop),
      ),
    ]),
  ),
  { requiredKeys: [] },
);

const hookProps = alertmanagerPayloadSchema.properties;
/** Mostly the sample's value, so most payloads get past the first check; sometimes any mutation. */
const likely = (sample: Record<string, unknown>, k: string, p: unknown) =>
  fc.oneof({ weight: 10, arbitrary: fc.constant(sample[k]) }, valuesFor(p as Prop));
const ALERT = {
  status: "firing",
  labels: { alertname: "X" },
  startsAt: "2026-11-27T12:00:00Z",
  fingerprint: "f",
};
const PAYLOAD = { version: "4", groupKey: "g", status: "firing", receiver: "millwright" };
const alert = fc.record(
  Object.fromEntries(
    Object.entries(hookProps.alerts.items.properties).map(([k, p]) => [k, likely(ALERT, k, p)]),
  ),
  { requiredKeys: [] },
);
const hookPayload = fc.record(
  {
    ...Object.fromEntries(Object.entries(hookProps).map(([k, p]) => [k, likely(PAYLOAD, k, p)])),
    alerts: fc.oneof({ weight: 10, arbitrary: fc.array(alert, { maxLength: 4 }) }, evil),
  },
  { requiredKeys: [] },
);

const nested = (depth: number, leaf: string) => `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`;
const FIELDS = Object.keys(EXAMPLE);
const tensor = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: 3000 }),
      fc.constantFrom(...FIELDS),
      fc.constantFrom("[1]", "[]", "[1,6]"),
    )
    .map(([d, deep, shape]) => {
      const inputs = FIELDS.map((name) => {
        const v = JSON.stringify(EXAMPLE[name]);
        const data = name === deep ? `[${nested(d, v)}]` : `[${v}]`;
        const datatype = typeof EXAMPLE[name] === "string" ? "BYTES" : "FP64";
        return `{"name":"${name}","shape":${shape},"datatype":"${datatype}","data":${data}}`;
      });
      return `{"inputs":[${inputs.join(",")}]}`;
    }),
  fc
    .array(
      fc.record({
        name: fc.oneof(fc.constantFrom(...FIELDS), fc.string()),
        shape: fc.array(fc.integer({ min: -1, max: 3 })),
        datatype: fc.string(),
        data: fc.anything(),
      }),
      { maxLength: 8 },
    )
    .map((inputs) => JSON.stringify({ inputs, id: "x" })),
);

const readings = fc.oneof(
  reading.map((r) => JSON.stringify(r)),
  fc.array(reading, { maxLength: 8 }).map((r) => JSON.stringify(r)),
);
// The AI4I contract has no machine table: no attribute is known, so mostly none is sent.
const machine = fc.oneof(
  { weight: 3, arbitrary: fc.constant('{"attributes":{}}') },
  fc
    .record(
      { type: valuesFor({ type: "string", enum: ["L", "M", "H"] }), note: valuesFor({ type: "string" }) },
      { requiredKeys: [] },
    )
    .map((attributes) => JSON.stringify({ attributes })),
);
const events = fc
  .array(
    fc.record(
      {
        id: valuesFor({ type: "string", maxLength: 128 }),
        table: fc.constantFrom("failures", "maintenance", "x"),
        machine_id: valuesFor({ type: "string", maxLength: 128 }),
        timestamp: fc.oneof(fc.nat(), valuesFor({ type: "string" })),
        kind: valuesFor({ type: "string" }),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  )
  .map((e) => JSON.stringify({ events: e }));
const anyBody: fc.Arbitrary<string> = fc.oneof(
  readings,
  hookPayload.map((h) => JSON.stringify(h)),
  tensor,
  machine,
  events,
  fc.integer({ min: 1, max: 5000 }).map((d) => nested(d, "1")),
  fc.string({ maxLength: 30 }),
);
/** Mostly the body the route reads (to get past its first check), sometimes any body. */
function bodyFor(url: string): fc.Arbitrary<string> {
  const own = url.startsWith("/v1/predict")
    ? readings
    : url.startsWith("/v1/hooks")
      ? hookPayload.map((h) => JSON.stringify(h))
      : url.endsWith("/infer")
        ? tensor
        : url.startsWith("/v1/machines/")
          ? machine
          : url === "/v1/events"
            ? events
            : anyBody;
  return fc.oneof({ weight: 3, arbitrary: own }, anyBody);
}

const segment = fc.oneof(
  fc.constantFrom("M01", "%", "%zz", "%2F", "..", "1.0.0", "champion", "m".repeat(200)),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const route = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(
      ["POST", "/v1/predict"],
      ["POST", "/v1/predict?explain=true"],
      ["POST", "/v1/feedback"],
      ["POST", "/v1/hooks/alertmanager"],
      ["POST", "/v1/events"],
      ["POST", "/v1/plan"],
      ["POST", "/v1/admin/reload"],
      ["POST", "/v1/models/shadow"],
      ["POST", "/v2/models/ai4i-2020/infer"],
    ),
  },
  segment.map((s) => ["GET", `/v1/machines/${s}`]),
  segment.map((s) => ["PUT", `/v1/machines/${s}`]),
  segment.map((s) => ["POST", `/v1/plan/tasks/${s}/skipped`]),
  segment.map((s) => ["GET", `/v1/models/${s}/report`]),
  segment.map((s) => ["POST", `/v1/models/${s}/promote`]),
  segment.map((s) => ["GET", `/v2/models/${s}`]),
  fc
    .tuple(
      fc.oneof(fc.integer({ min: 1, max: 200 }).map(String), fc.string({ maxLength: 6 })),
      fc.option(segment),
    )
    .map(([l, c]) => ["GET", `/v1/fleet?limit=${encodeURIComponent(l)}${c === null ? "" : `&cursor=${c}`}`]),
  segment.map((s) => ["GET", `/${s}`]),
) as fc.Arbitrary<[string, string]>;
// No admin token on /v1/plan: a valid re-plan is a solve of seconds, not a parsing question.
const ADMIN = `Bearer ${AI4I_TOKENS.admin}`;
const auth = fc.constantFrom(
  undefined,
  ADMIN,
  `Bearer ${AI4I_TOKENS.feedback}`,
  `Bearer ${AI4I_TOKENS.hook}`,
  "Bearer wrong",
  "Basic abc",
);

test("schema-driven requests on every route: no 5xx, problem+json errors, no server paths", async () => {
  const runs = Number(process.env.MILLWRIGHT_FUZZ_RUNS ?? 2000);
  await fc.assert(
    fc.asyncProperty(
      route.chain(([method, url]) => fc.tuple(fc.constant(method), fc.constant(url), bodyFor(url))),
      auth,
      async ([method, url, payload], authorization) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (authorization && !(url === "/v1/plan" && authorization === ADMIN))
          headers.authorization = authorization;
        const res = await app.inject({
          method: method as "GET",
          url,
          payload: method === "GET" ? undefined : payload,
          headers,
        });
        const where = `${res.statusCode} for ${method} ${url.slice(0, 80)} ${payload.slice(0, 120)}: ${res.body.slice(0, 300)}`;
        if (res.statusCode >= 500) throw new Error(where);
        if (res.statusCode >= 400) {
          const type = String(res.headers["content-type"]);
          if (url.startsWith("/v2/")) assert.match(type, /json/, where);
          else assert.match(type, /^application\/problem\+json/, where);
          assert.ok(!res.body.includes(dir), where);
        }
      },
    ),
    { numRuns: runs, seed: 20261202 },
  );
});
