// Issue 18 item 9: client input that answered 500: OIP tensors nested 8,000 deep, a 12 MB tensor
// before its 413, and hook payloads whose strings are objects with a bad toString. On the server
// `millwright serve` starts for the AI4I example (the contract server; issue 15 retired the AI4I app,
// whose [N, 6] tensor reader had its own test of when it stops copying).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { AI4I_TOKENS, startAi4iContractApp } from "../helpers/ai4i-contract.js";

const HOOK = AI4I_TOKENS.hook;
const infer = "/v2/models/ai4i-2020/infer";

/** One process of the AI4I contract as tensors of shape [1], one per field. */
const tensors = (over: Record<string, unknown> = {}) => {
  const one: Record<string, [string, unknown]> = {
    machine_id: ["BYTES", "L-01"],
    timestamp: ["FP64", 1],
    type: ["BYTES", "L"],
    air_temperature: ["FP64", 298.1],
    process_temperature: ["FP64", 308.6],
    rotational_speed: ["FP64", 1551],
    torque: ["FP64", 42.8],
    tool_wear: ["FP64", 108],
  };
  return {
    inputs: Object.entries(one).map(([name, [datatype, v]]) => ({
      name,
      shape: [1],
      datatype,
      data: name in over ? over[name] : [v],
    })),
  };
};

describe("OIP tensors and hook payloads", () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;

  before(async () => {
    ({ app, close } = await startAi4iContractApp("mw-shapes-"));
  });
  after(() => close());

  const post = (url: string, payload: string, token?: string) =>
    app.inject({
      method: "POST",
      url,
      payload,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  test("data nested 8,000 deep: a 400, not a RangeError", async () => {
    const deep = `[${"[".repeat(8000)}1${"]".repeat(8000)}]`;
    for (const field of ["type", "torque", "machine_id"]) {
      const res = await post(infer, JSON.stringify(tensors({ [field]: "DEEP" })).replace('"DEEP"', deep));
      assert.equal(res.statusCode, 400, `${field}: ${res.body.slice(0, 300)}`);
    }
    // Flat, as its shape says, is fine.
    const ok = await post(infer, JSON.stringify(tensors()));
    assert.equal(ok.statusCode, 200, ok.body);
  });

  test("a 12 MB tensor of 1M rows is refused (413) before a reading is made of it", async () => {
    const flat = `[${new Array(1_000_000).fill('"L-01"').join(",")}]`;
    const body = `{"inputs":[{"name":"machine_id","shape":[1000000],"datatype":"BYTES","data":${flat}}]}`;
    const t0 = performance.now();
    const res = await post(infer, body);
    const ms = performance.now() - t0;
    assert.equal(res.statusCode, 413, res.body.slice(0, 200));
    assert.equal(res.json().code, "MW_BATCH_TOO_LARGE");
    assert.ok(ms < 10_000, `${ms.toFixed(0)} ms`); // a sanity bound
    // The other tensors must have as many values as machine_id: a long one is a 400, not read.
    const torque = new Array(1_000_000).fill(1);
    const long = await post(infer, JSON.stringify(tensors({ torque })));
    assert.equal(long.statusCode, 400, long.body.slice(0, 200));
  });

  test("hook payload: objects where strings belong are a 400, not a 500", async () => {
    const alert = {
      status: "firing",
      labels: { alertname: "X" },
      startsAt: "2026-11-27T12:00:00Z",
      fingerprint: "f",
    };
    const base = { version: "4", groupKey: "g", status: "firing", receiver: "millwright", alerts: [alert] };
    const evil = { toString: 1 };
    for (const body of [
      { ...base, alerts: [{ ...alert, startsAt: evil }] },
      { ...base, groupKey: evil },
      { ...base, receiver: evil },
      { ...base, alerts: [{ ...alert, labels: { alertname: evil } }] },
      { ...base, alerts: [{ ...alert, fingerprint: evil }] },
      // (A number 4 is read as "4": the contract server's schemas coerce types, as its querystrings need.)
      { ...base, version: "5" },
      { ...base, alerts: [{ ...alert, status: "maybe" }] },
    ]) {
      const res = await post("/v1/hooks/alertmanager", JSON.stringify(body), HOOK);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().code, "MW_VALIDATION");
    }
    const ok = await post("/v1/hooks/alertmanager", JSON.stringify(base), HOOK);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().outcomes[0].outcome, "ignored");
  });
});
