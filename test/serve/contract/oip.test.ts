// The Open Inference Protocol v2 model routes of a contract server: metadata and readiness per
// model and per version (the served version answers, a registered one not served and an unknown
// one are 404s naming it, and a promotion moves which one answers), infer by version, and the
// prediction_id output: each reading's id, which POST /v1/feedback takes on a real row-labelled
// server.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { readConfig } from "../../../src/cli/config.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractModels } from "../../../src/serve/contract/routes-models.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { hourlyReading, type ServedContract, serveTwoVersions } from "../../helpers/contract-served.js";
import { jsonClient } from "../../helpers/http.js";
import { rowLabelledShop, rowReading } from "../../helpers/row-labelled.js";

const ADMIN = "admin-token-for-oip";
const NAME = "historian-fleet";

describe("OIP v2 model routes, by version", () => {
  let served: ServedContract;
  let app: FastifyInstance;
  const state = { accepting: true };

  before(async () => {
    served = await serveTwoVersions("mw-oip-");
    const models = new ContractModels(served.registry, served.service);
    app = await buildContractApp({ ...served.appOptions, tokens: { admin: ADMIN }, models, state });
  });
  after(async () => {
    await app.close();
    await served.log.close();
    rmSync(served.dir, { recursive: true, force: true });
  });

  const get = (url: string) => app.inject({ url });
  /** Tensors of `rows` as the metadata lists the inputs. */
  const tensors = (inputs: { name: string; datatype: string }[], rows: Record<string, unknown>[]) =>
    inputs.map((i) => ({
      name: i.name,
      datatype: i.datatype,
      shape: [rows.length],
      data: rows.map((r) => r[i.name] ?? null),
    }));

  test("the served version: metadata, ready, and infer under /versions/{v}; prediction_id among the outputs", async () => {
    const { v1 } = served;
    const plain = await get(`/v2/models/${NAME}`);
    const byVersion = await get(`/v2/models/${NAME}/versions/${v1}`);
    assert.equal(byVersion.statusCode, 200, byVersion.body);
    assert.deepEqual(byVersion.json(), plain.json());
    const meta = byVersion.json();
    assert.deepEqual(meta.versions, [v1]);
    assert.deepEqual(meta.outputs.at(-1), { name: "prediction_id", datatype: "BYTES", shape: [-1] });

    for (const url of [`/v2/models/${NAME}/ready`, `/v2/models/${NAME}/versions/${v1}/ready`]) {
      const r = await get(url);
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
      assert.deepEqual(r.json(), { name: NAME, ready: true });
    }

    const rows = [hourlyReading("M01", 0), hourlyReading("M02", 0)];
    const r = await app.inject({
      method: "POST",
      url: `/v2/models/${NAME}/versions/${v1}/infer`,
      payload: { id: "req-1", inputs: tensors(meta.inputs, rows) },
    });
    assert.equal(r.statusCode, 200, r.body);
    const out = r.json();
    assert.equal(out.model_version, v1);
    assert.equal(out.id, "req-1");
    const ids = out.outputs.find((o: { name: string }) => o.name === "prediction_id");
    assert.equal(ids.datatype, "BYTES");
    assert.deepEqual(ids.shape, [2]);
    assert.equal(new Set(ids.data).size, 2);
    for (const id of ids.data)
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/, "a UUIDv7, as /v1/predict's id");
    const p = out.outputs.find((o: { name: string }) => o.name === "failure_probability");
    assert.ok(p.data.every((x: number) => x >= 0 && x <= 1));
  });

  test("a tensor's shape and datatype must say what its data is; outputs asked for are the outputs answered (trial 6)", async () => {
    const meta = (await get(`/v2/models/${NAME}`)).json();
    const rows = [hourlyReading("M05", 1)];
    const infer = (body: object) =>
      app.inject({ method: "POST", url: `/v2/models/${NAME}/infer`, payload: body });
    const bad = async (inputs: object[], pattern: RegExp) => {
      const r = await infer({ inputs });
      assert.equal(r.statusCode, 400, r.body);
      assert.match(r.json().error, pattern);
    };
    const good = tensors(meta.inputs, rows);
    const speed = good.findIndex((t) => t.datatype === "FP64");
    const withTensor = (i: number, t: object) => good.map((x, j) => (j === i ? { ...x, ...t } : x));
    // Shape [3] with one value scored one row; shape [1] with two values scored two.
    await bad(withTensor(0, { shape: [3] }), /tensor 'machine_id' has shape \[3\] for its 1 values/);
    await bad(
      withTensor(speed, { shape: [1, 2] }),
      /has shape \[1, 2\] for its 1 values \(shape \[1\] or \[1, 1\]/,
    );
    await bad(withTensor(speed, { datatype: "BYTES" }), /has datatype 'BYTES'; the model takes FP64/);
    await bad(
      withTensor(0, { datatype: "FP64" }),
      /tensor 'machine_id' has datatype 'FP64'; the model takes BYTES/,
    );
    // [N, 1] columns and other number types are read as [N] FP64.
    const col = good.map((t) => ({
      ...t,
      shape: [1, 1],
      datatype: t.datatype === "FP64" ? "FP32" : t.datatype,
    }));
    const ok = await infer({ inputs: col, outputs: [{ name: "failure_probability" }] });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(
      ok.json().outputs.map((o: { name: string }) => o.name),
      ["failure_probability"],
      "only the output asked for",
    );
    const unknown = await infer({
      inputs: tensors(meta.inputs, [hourlyReading("M05", 2)]),
      outputs: [{ name: "risk" }],
    });
    assert.equal(unknown.statusCode, 400, unknown.body);
    assert.match(
      unknown.json().error,
      /outputs: unknown output 'risk' \(the model answers failure_probability, /,
    );
  });

  test("a registered version not served, an unknown version and an unknown name: 404s naming them", async () => {
    const { v1, v2 } = served;
    for (const suffix of ["", "/ready"]) {
      const notServed = await get(`/v2/models/${NAME}/versions/${v2}${suffix}`);
      assert.equal(notServed.statusCode, 404, notServed.body);
      assert.equal(notServed.json().code, "MW_MODEL_NOT_FOUND");
      assert.match(
        notServed.json().error,
        new RegExp(`version ${v2} of '${NAME}' is registered but not served: this server serves ${v1}`),
      );
      const unknown = await get(`/v2/models/${NAME}/versions/9.9.9${suffix}`);
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.json().error, /has no version '9\.9\.9'/);
      const other = await get(`/v2/models/lathe-fleet${suffix}`);
      assert.equal(other.statusCode, 404);
      assert.equal(other.json().code, "MW_MODEL_NOT_FOUND");
      assert.match(other.json().error, /no model named 'lathe-fleet'/);
    }
    const infer = await app.inject({
      method: "POST",
      url: `/v2/models/${NAME}/versions/${v2}/infer`,
      payload: { inputs: [{ name: "machine_id", datatype: "BYTES", shape: [1], data: ["M03"] }] },
    });
    assert.equal(infer.statusCode, 404, "nothing is scored by a version not served");
  });

  test("a promotion moves which version answers; not ready: 503 {name, ready: false, problem}", async () => {
    const { v1, v2 } = served;
    const p = await app.inject({
      method: "POST",
      url: `/v1/models/${v2}/promote`,
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(p.statusCode, 200, p.body);
    assert.equal((await get(`/v2/models/${NAME}/versions/${v2}/ready`)).statusCode, 200);
    assert.deepEqual((await get(`/v2/models/${NAME}`)).json().versions, [v2]);
    const old = await get(`/v2/models/${NAME}/versions/${v1}`);
    assert.equal(old.statusCode, 404);
    assert.match(old.json().error, new RegExp(`this server serves ${v2}`));

    state.accepting = false;
    try {
      const r = await get(`/v2/models/${NAME}/versions/${v2}/ready`);
      assert.equal(r.statusCode, 503);
      assert.deepEqual(r.json(), {
        name: NAME,
        ready: false,
        problem: { code: "MW_NOT_READY", reason: "the server is shutting down" },
      });
    } finally {
      state.accepting = true;
    }
  });

  test("the OpenAPI document lists the model routes", async () => {
    const doc = (await get("/docs/json")).json();
    for (const path of [
      "/v2/models/{name}",
      "/v2/models/{name}/versions/{version}",
      "/v2/models/{name}/ready",
      "/v2/models/{name}/versions/{version}/ready",
      "/v2/models/{name}/infer",
      "/v2/models/{name}/versions/{version}/infer",
    ])
      assert.ok(doc.paths[path], path);
    assert.match(JSON.stringify(doc.paths["/v2/models/{name}/infer"].post), /prediction_id/);
  });
});

describe("OIP v2 prediction_id on a row-labelled server", () => {
  let shop: { dir: string; registryDir: string };
  let server: Awaited<ReturnType<typeof startContractServer>>;
  const FEEDBACK = "feedback-token-for-oip";
  const call = jsonClient(() => server.url);

  before(async () => {
    shop = rowLabelledShop("mw-oip-rows-");
    const cfg = readConfig({
      MILLWRIGHT_REGISTRY: shop.registryDir,
      MILLWRIGHT_DATA_DIR: join(shop.dir, "data"),
      MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
    });
    server = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false });
  });
  after(async () => {
    await server?.close();
    rmSync(shop.dir, { recursive: true, force: true });
  });

  test("a label posted by an infer's prediction_id is accepted for that reading", async () => {
    const name = (await call("GET", "/v1/model")).body.name as string;
    const meta = (await call("GET", `/v2/models/${name}`)).body;
    const rows = [rowReading(0, 0), rowReading(1, 0)] as Record<string, unknown>[];
    const inputs = meta.inputs.map((i: { name: string; datatype: string }) => ({
      name: i.name,
      datatype: i.datatype,
      shape: [2],
      data: rows.map((r) => r[i.name] ?? null),
    }));
    const r = await call("POST", `/v2/models/${name}/infer`, { inputs });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const ids = r.body.outputs.find((o: { name: string }) => o.name === "prediction_id").data as string[];
    const fb = await call("POST", "/v1/feedback", { prediction_id: ids[1], label: 1 }, FEEDBACK);
    assert.equal(fb.status, 200, JSON.stringify(fb.body));
    assert.equal(fb.body.status, "accepted");
    const again = await call("POST", "/v1/feedback", { prediction_id: ids[1], label: 0 }, FEEDBACK);
    assert.equal(again.status, 409, "the same reading's label: the id is the reading's, as /v1/predict's");
  });
});
