// Trial 6 (a bridge engineer): a compressed body was read as JSON and answered "not valid JSON", and
// an event batch over the limit was a 400 where a reading batch is a 413. Over real HTTP to the
// server `millwright serve` starts for the AI4I example: gzip, deflate and br bodies are read as the
// same JSON, an unknown encoding is a 415 that names it, a broken one a 400, and a small body that
// inflates past the body limit a 413; nothing of a refused body is logged.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { AI4I_READING, AI4I_TOKENS, startAi4iContractApp } from "../helpers/ai4i-contract.js";

const reading = (machine: string, t: number) => ({ ...AI4I_READING, machine_id: machine, timestamp: t });

describe("request bodies: Content-Encoding and batch limits", () => {
  let url: string;
  let close: () => Promise<void>;

  before(async () => {
    ({ url, close } = await startAi4iContractApp("mw-encoding-", { MILLWRIGHT_MAX_BATCH: "50" }));
  });
  after(() => close());

  const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: "POST",
      body: typeof body === "string" ? body : new Uint8Array(body),
      headers: { "content-type": "application/json", ...headers },
    });

  test("gzip, deflate and br bodies are read as the JSON they hold, and answered as it", async () => {
    let t = 1;
    const plain = await post("/v1/predict", JSON.stringify([reading("Z-00", t++)]));
    assert.equal(plain.status, 200, await plain.text());
    const codecs: [string, (b: Buffer) => Buffer][] = [
      ["gzip", gzipSync],
      ["deflate", deflateSync],
      ["br", brotliCompressSync],
    ];
    for (const [enc, zip] of codecs) {
      const batch = [reading(`Z-${enc}`, t++), reading(`Z-${enc}`, t++)];
      const r = await post("/v1/predict", zip(Buffer.from(JSON.stringify(batch))), {
        "content-encoding": enc,
      });
      const body = await r.text();
      assert.equal(r.status, 200, `${enc}: ${body.slice(0, 300)}`);
      const answers = JSON.parse(body).predictions;
      assert.equal(answers.length, 2, enc);
      assert.equal(answers[1].machine_id, `Z-${enc}`);
      assert.ok(answers[0].failure_probability >= 0 && answers[0].failure_probability <= 1);
    }
    // A single reading, and an event batch, the same way.
    const one = await post("/v1/predict", gzipSync(JSON.stringify(reading("Z-one", 1))), {
      "content-encoding": "gzip",
    });
    assert.equal(one.status, 200, await one.text());
  });

  test("an unknown encoding is a 415 naming it; a broken gzip a 400; neither is a 500", async () => {
    const body = JSON.stringify([reading("Z-bad", 1)]);
    const unknown = await post("/v1/predict", body, { "content-encoding": "compress" });
    assert.equal(unknown.status, 415);
    const p = (await unknown.json()) as { code: string; detail: string };
    assert.equal(p.code, "MW_UNSUPPORTED_MEDIA");
    assert.match(p.detail, /Content-Encoding 'compress'/);
    const broken = await post("/v1/predict", body, { "content-encoding": "gzip" });
    assert.equal(broken.status, 400);
    assert.match(((await broken.json()) as { detail: string }).detail, /not valid gzip/);
    // Nothing of them was taken: Z-bad has no reading.
    assert.equal((await fetch(`${url}/v1/machines/Z-bad`)).status, 404);
  });

  test("a small gzip that inflates past the body limit (16 MB) is a 413, not read into memory", async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 100_000, `${bomb.length} bytes`);
    const r = await post("/v1/predict", bomb, { "content-encoding": "gzip" });
    assert.equal(r.status, 413);
    assert.equal(((await r.json()) as { code: string }).code, "MW_BATCH_TOO_LARGE");
  });

  test("an event batch over MILLWRIGHT_MAX_BATCH is a 413 MW_BATCH_TOO_LARGE, as a reading batch is", async () => {
    const events = Array.from({ length: 51 }, (_, i) => ({
      id: `e${i}`,
      table: "failures",
      machine_id: "Z-00",
      timestamp: 1,
      kind: "twf",
    }));
    const auth = { authorization: `Bearer ${AI4I_TOKENS.feedback}` };
    const ev = await post("/v1/events", JSON.stringify({ events }), auth);
    const p = (await ev.json()) as { code: string; detail: string; field: string };
    assert.equal(ev.status, 413, JSON.stringify(p));
    assert.equal(p.code, "MW_BATCH_TOO_LARGE");
    assert.equal(p.field, "events");
    assert.match(p.detail, /at most 50/);
    const readings = Array.from({ length: 51 }, (_, i) => reading("Z-many", i + 1));
    const rd = await post("/v1/predict", JSON.stringify(readings));
    assert.equal(rd.status, 413);
    assert.equal(((await rd.json()) as { code: string }).code, "MW_BATCH_TOO_LARGE");
  });
});
