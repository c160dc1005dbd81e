// Issue 18 item 9: client input that answered 500: OIP tensors nested 8,000 deep, a 12 MB tensor
// flattened before its 413, and hook payloads whose strings are objects with a bad toString.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { monitorRoutes } from "../../src/serve/routes/monitor.js";
import { readingsFromTensors } from "../../src/serve/routes/oip.js";
import { startAi4iApp } from "../helpers/ai4i-app.js";

const HOOK = "hook-secret";

describe("OIP tensors and hook payloads", () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let infer: string;

  before(async () => {
    ({ app, close } = await startAi4iApp({ machines: 4, days: 6 }, () => ({
      tokens: { hook: HOOK },
      plugins: [monitorRoutes(null, null)],
    })));
    infer = `/v2/models/${app.millwright.models.require().bundle.name}/infer`;
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
    const deep = `${"[".repeat(8000)}1${"]".repeat(8000)}`;
    for (const body of [
      `{"inputs":[{"name":"input","shape":[1,6],"datatype":"FP64","data":${deep}}]}`,
      `{"inputs":[{"name":"type","shape":[1],"datatype":"BYTES","data":${deep}}]}`,
    ]) {
      const res = await post(infer, body);
      assert.equal(res.statusCode, 400, res.body.slice(0, 300));
      assert.match(res.json().error, /nested deeper than its shape/);
    }
    // Nested as its shape says is fine.
    const ok = await post(
      infer,
      JSON.stringify({
        inputs: [
          { name: "input", shape: [1, 6], datatype: "FP64", data: [[0, 298.1, 308.6, 1551, 42.8, 108]] },
        ],
      }),
    );
    assert.equal(ok.statusCode, 200, ok.body);
  });

  test("a 12 MB tensor of 1M rows is refused (413) before it is flattened, whatever shape it claims", async () => {
    const flat = `[${new Array(1_000_000).fill("0").join(",")}]`;
    const wide = `[${new Array(6_000_000).fill("0").join(",")}]`; // 12 MB, as in the issue
    for (const [shape, rows, name] of [
      ["[1000000]", flat, "type"],
      ["[1]", flat, "type"],
      ["[1000000,6]", wide, "input"],
      ["[1,6]", wide, "input"],
    ]) {
      const body = `{"inputs":[{"name":"${name}","shape":${shape},"datatype":"INT64","data":${rows}}]}`;
      const t0 = performance.now();
      const res = await post(infer, body);
      const ms = performance.now() - t0;
      assert.equal(res.statusCode, 413, `${shape}: ${res.body.slice(0, 200)}`);
      assert.equal(res.json().code, "MW_BATCH_TOO_LARGE");
      assert.ok(ms < 10_000, `${shape}: ${ms.toFixed(0)} ms`); // sanity only: the next test counts the work
    }
  });

  test("the row limit is checked before a value is copied, and flattening stops at the limit", () => {
    // A counting view of 6,000,000 values: how many does the reader touch before its 413?
    let touched = 0;
    const values = (n: number) =>
      new Proxy(new Array(n).fill(0), {
        get(t, k, r) {
          if (typeof k === "string" && /^[0-9]+$/.test(k)) touched++;
          return Reflect.get(t, k, r);
        },
      });
    const tensor = (shape: number[]) => ({
      inputs: [{ name: "input", shape, datatype: "FP64", data: values(6_000_000) }],
    });
    assert.throws(() => readingsFromTensors(tensor([1_000_000, 6]), 10_000), { code: "MW_BATCH_TOO_LARGE" });
    assert.equal(touched, 0, "the declared rows are checked first");
    // A shape that lies: the reader stops after the limit's worth of values (10,000 rows × 6).
    assert.throws(() => readingsFromTensors(tensor([1, 6]), 10_000), { code: "MW_BATCH_TOO_LARGE" });
    assert.ok(touched <= 60_001, `${touched} values read`);
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
      { ...base, version: 4 },
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
