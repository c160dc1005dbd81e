// The one /v1/predict pipeline over columns (scan-readings.ts or reading.ts → predict-columns.ts →
// answers.ts → the store's logBatch) gives exactly what predicting reading objects one by one gives:
// the scanner the parser's readings or a hand-back to it; the same answer bytes (explanations
// included), log records and journal bytes as the plain object-per-reading way (plainPredictions
// below, what the server did before the pipeline was one); and, end to end, the same answers.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { MODE_HEADS, PHYSICAL_LIMITS, RAW_FEATURES, type Reading } from "../../src/data/schema.js";
import { featureMatrix, N_FEATURES } from "../../src/features/physics.js";
import { batchAnswer, singleAnswer } from "../../src/serve/answers.js";
import { buildApp } from "../../src/serve/app.js";
import { uuidv7, uuidv7Many } from "../../src/serve/ids.js";
import { predictColumns } from "../../src/serve/predict-columns.js";
import { parseReadings } from "../../src/serve/reading.js";
import type { ReadingColumns } from "../../src/serve/reading-rules.js";
import { scanReadings } from "../../src/serve/scan-readings.js";
import { batchRecords } from "../../src/store/batch.js";
import { likeliestKey } from "../../src/store/record-layout.js";
import { checkBatch, encodeBatch, encodeGroup } from "../../src/store/sqlite/journal-codec.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import type { PredictionRecord } from "../../src/store/types.js";
import { explainRow } from "../../src/train/ai4i-explain.js";
import { type ModelBundle, predictBundle } from "../../src/train/bundle.js";
import type { AnswerObject } from "../helpers/answers.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

const MAX = 50;

/** What the general path makes of the same bytes: its readings, or null when it answers 4xx. */
function general(bytes: Buffer): Reading[] | null {
  try {
    return readingsOf(parseReadings(JSON.parse(bytes.toString("utf8")), MAX).cols);
  } catch {
    return null;
  }
}

/** The columns as reading objects (same keys, same order as a log record's reading). */
function readingsOf(c: ReadingColumns): Reading[] {
  return Array.from({ length: c.n }, (_, i) => {
    const r = { type: (["L", "M", "H"] as const)[c.type[i]] } as Reading;
    RAW_FEATURES.forEach((f, k) => {
      r[f] = c.raw[i * 5 + k];
    });
    if (c.machineId?.[i] !== undefined) r.machine_id = c.machineId[i];
    if (c.machineModel?.[i] !== undefined) r.machine_model = c.machineModel[i];
    if (c.timestamp?.[i] !== undefined) r.timestamp = c.timestamp[i];
    return r;
  });
}

/** Same as the general path's readings, -0 included, or a hand-back; never a value of its own. */
function assertEquivalent(bytes: Buffer): "fast" | "handed back" {
  const want = general(bytes);
  const got = scanReadings(bytes, MAX);
  if (got === null) return "handed back";
  assert.ok(want !== null, `scanner accepted what the general path refuses: ${bytes.toString()}`);
  const have = readingsOf(got);
  assert.deepStrictEqual(have, want);
  for (let i = 0; i < want.length; i++)
    for (const f of RAW_FEATURES) assert.ok(Object.is(have[i][f], want[i][f]), `${f}: -0 kept`);
  return "fast";
}

const value = (f: (typeof RAW_FEATURES)[number]) => {
  const max = PHYSICAL_LIMITS[f].max;
  return fc.oneof(
    { arbitrary: fc.double({ min: 0, max, noNaN: true }), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max }), weight: 4 },
    fc.constantFrom(-0, 0, 1e-7, 298.15, 1551, 5e-324, max, max + 1e-9, -1),
  );
};
/** Text forms of a number that JSON allows: shortest, exponent, fixed, many digits. */
const numberText = (x: number) =>
  fc.constantFrom(
    JSON.stringify(x),
    x.toExponential(),
    x.toExponential(3),
    x.toExponential(3).toUpperCase(),
    x.toExponential(3).replace("e+", "e"),
    x.toFixed(2),
    x.toFixed(20),
    x.toPrecision(17),
    x.toPrecision(21),
    x.toPrecision(5),
  );
const id = fc.oneof(
  fc.constantFrom(
    "M01",
    "Drehbank-Ä-機械-🛠",
    'quote"d',
    "back\\slash",
    "del\u007f",
    "",
    "x".repeat(129),
    "tab\t",
  ),
  fc.string({ maxLength: 20 }),
);
const stamp = fc.oneof(
  fc.constantFrom("2026-11-27T08:00:00Z", "not a date", "2026-11-27"),
  fc.string({ maxLength: 70 }),
);
/** Mostly one of `plain` (the fast path), sometimes anything. */
const likely = (a: fc.Arbitrary<string>, ...plain: string[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...plain), weight: 12 }, a);
const ws = fc.constantFrom("", " ", "\n", "\r\n\t ");

/** A body: readings with keys in any order, optional and null fields, any JSON spacing and number forms. */
const body = fc
  .array(
    fc.record(
      {
        type: fc.oneof({ arbitrary: fc.constantFrom("L", "M", "H"), weight: 40 }, fc.constantFrom("X", "LL")),
        air_temperature: value("air_temperature").chain(numberText),
        process_temperature: value("process_temperature").chain(numberText),
        rotational_speed: value("rotational_speed").chain(numberText),
        torque: value("torque").chain(numberText),
        tool_wear: value("tool_wear").chain(numberText),
        machine_id: fc.option(likely(id, "M01", "Drehbank-Ä-7")),
        machine_model: fc.option(likely(id, "Haas VF-2")),
        timestamp: fc.option(likely(stamp, "2026-11-27T08:00:00.000Z")),
      },
      { requiredKeys: ["type", ...RAW_FEATURES] },
    ),
    { minLength: 0, maxLength: 8 },
  )
  .chain((readings) =>
    fc.tuple(
      fc.constant(readings),
      fc.array(ws, { minLength: 64, maxLength: 64 }),
      fc.infiniteStream(fc.boolean()),
    ),
  )
  .map(([readings, spaces, flips]) => {
    let w = 0;
    const sp = () => spaces[w++ % spaces.length];
    const obj = (r: Record<string, string | null | undefined>) => {
      const keys = Object.keys(r).filter((k) => r[k] !== undefined);
      if (flips.next().value) keys.reverse();
      const field = (k: string) => {
        const v = r[k];
        const text =
          v === null ? "null" : k === "type" || !RAW_FEATURES.includes(k as never) ? JSON.stringify(v) : v;
        return `${sp()}"${k}"${sp()}:${sp()}${text}`;
      };
      return `{${keys.map(field).join(",")}${sp()}}`;
    };
    return `${sp()}[${readings.map((r) => `${sp()}${obj(r)}`).join(",")}${sp()}]${sp()}`;
  });

describe("scanReadings: the general path's readings, or a hand-back", () => {
  test("numbers in every JSON form read as JSON.parse reads them (correctly rounded)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }).chain((x) => numberText(x)),
        (text) => {
          const b = Buffer.from(
            `[{"type":"L","air_temperature":${text},"process_temperature":300,"rotational_speed":1,"torque":1,"tool_wear":1}]`,
          );
          const c = scanReadings(b, MAX);
          assert.ok(c, `plain number refused: ${text}`);
          assert.ok(Object.is(c.raw[0], JSON.parse(text)), `${text}: ${c.raw[0]} vs ${JSON.parse(text)}`);
        },
      ),
      { numRuns: 5000 },
    );
  });

  test("random bodies: equal readings when it accepts, a hand-back whenever the general path refuses", () => {
    const seen = { fast: 0, "handed back": 0 };
    fc.assert(
      fc.property(body, (text) => {
        seen[assertEquivalent(Buffer.from(text))]++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(seen.fast > 300, `the fast path was taken ${seen.fast} times`);
    if (process.env.MW_TEST_VERBOSE) console.log(seen);
    assert.ok(seen["handed back"] > 300, `hand-backs: ${seen["handed back"]}`);
  });

  test("mutated bodies (a byte deleted, inserted or changed): never a reading of its own", () => {
    fc.assert(
      fc.property(
        body,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom("del", "ins", "set"),
        (t, at, byte, op) => {
          const b = Buffer.from(t);
          if (b.length === 0) return;
          const k = at % b.length;
          const m =
            op === "del"
              ? Buffer.concat([b.subarray(0, k), b.subarray(k + 1)])
              : op === "ins"
                ? Buffer.concat([b.subarray(0, k), Buffer.from([byte]), b.subarray(k)])
                : Buffer.from(b.map((x, j) => (j === k ? byte : x)));
          assertEquivalent(m);
        },
      ),
      { numRuns: 4000 },
    );
  });

  test("hands back what only the general path should answer", () => {
    const ok = {
      type: "L",
      air_temperature: 300,
      process_temperature: 310,
      rotational_speed: 1500,
      torque: 40,
      tool_wear: 5,
    };
    const cases = [
      "[]",
      JSON.stringify(Array.from({ length: MAX + 1 }, () => ok)),
      '[{"type":"L","type":"M"}]',
      JSON.stringify([{ ...ok, __proto__x: 1 }]).replace("__proto__x", "__proto__"),
      JSON.stringify([{ ...ok, torque: -1 }]),
      JSON.stringify([{ ...ok, torque: "40" }]),
      JSON.stringify([{ ...ok, machine_id: 'M"1' }]),
      `${JSON.stringify([ok])}x`,
      "[1e999]",
      JSON.stringify([{ ...ok, air_temperature: 1 }]).replace(":1,", ":1e400,"),
    ];
    for (const c of cases) assert.equal(scanReadings(Buffer.from(c), MAX), null, c);
    assert.ok(scanReadings(Buffer.from(JSON.stringify(Array.from({ length: MAX }, () => ok))), MAX));
  });
});

describe("the pipeline's answers, records and journal bytes: the plain way's", () => {
  let fx: TrainedFixture;
  before(() => {
    fx = trainedRegistry();
  });
  after(() => fx.cleanup());

  const readingsFrom = (
    n: number,
    machineIds: (i: number) => string | undefined,
  ): Record<string, unknown>[] =>
    fx.rows.slice(0, n).map((r, i) => {
      const x: Record<string, unknown> = {
        type: r.type,
        ...Object.fromEntries(RAW_FEATURES.map((f) => [f, r[f]])),
      };
      const m = machineIds(i);
      if (m !== undefined) x.machine_id = m;
      if (i % 3 === 0) x.timestamp = r.timestamp;
      return x;
    });

  /** Columns from the general parser (the scanner would hand some of the odd ids back). */
  const columnsOf = (readings: unknown[]): ReadingColumns => parseReadings(readings, 10_000).cols;

  /**
   * The plain way: an object per reading, predicted through featureMatrix (not the columns'
   * featureMatrixOfColumns), each answer and log record built as an object.
   */
  function plainPredictions(
    bundle: ModelBundle,
    readings: Reading[],
    ids: string[],
    requestId: string,
    explain: boolean,
  ) {
    const X = featureMatrix(readings);
    const p = predictBundle(bundle, X);
    const model = { name: bundle.name, version: bundle.version };
    const answers: AnswerObject[] = [];
    const records: PredictionRecord[] = [];
    readings.forEach((reading, i) => {
      const modes: Record<string, number | null> = {};
      for (const m of MODE_HEADS) modes[m] = p.modes[m]?.[i] ?? null;
      const predicted = p.failure[i] >= bundle.threshold.value;
      const a: AnswerObject = {
        id: ids[i],
        failure_probability: p.failure[i],
        failure_predicted: predicted,
        modes,
        likeliest_mode: likeliestKey(modes, MODE_HEADS),
        model,
      };
      if (reading.machine_id) a.machine_id = reading.machine_id;
      if (explain)
        a.explanation = explainRow(bundle, X.data.subarray(i * N_FEATURES, (i + 1) * N_FEATURES)).top;
      answers.push(a);
      records.push({
        id: ids[i],
        requestId,
        modelName: bundle.name,
        modelVersion: bundle.version,
        predictedAt: NOW,
        reading,
        failureProbability: p.failure[i],
        failurePredicted: predicted,
        modes,
      });
    });
    return { answers, records, failures: records.filter((r) => r.failurePredicted).length };
  }
  const NOW = 1_800_000_000_000;

  test("same answer bytes, records and journal group as the plain way, hostile machine ids included", () => {
    const bundle = fx.registry.load(fx.version);
    for (const ids of [
      (i: number) => `M${i % 7}`,
      (i: number) => (i % 2 ? undefined : ["Drehbank-Ä-機械-🛠", "</script>", "\u2028"][i % 3]),
      () => undefined,
    ]) {
      const readings = readingsFrom(400, ids);
      const cols = columnsOf(readings);
      const idList = uuidv7Many(cols.n, NOW);
      const { batch, failures, explanations } = predictColumns(bundle, cols, "req-7", NOW, () => idList);
      assert.equal(explanations, null);
      const plain = plainPredictions(bundle, readingsOf(cols), idList, "req-7", false);
      assert.equal(failures, plain.failures);
      assert.equal(
        batchAnswer(batch).toString("utf8"),
        JSON.stringify({ predictions: plain.answers }),
        "answer bytes",
      );
      assert.deepStrictEqual(batchRecords(batch), plain.records);
      checkBatch(batch);
      const a = encodeBatch(batch);
      const b = encodeGroup(plain.records);
      assert.ok(Buffer.from(a.buf).equals(Buffer.from(b.buf)), "journal bytes");
      assert.deepEqual([a.n, a.numsBytes, a.textBytes], [b.n, b.numsBytes, b.textBytes]);
    }
  });

  test("an object body: the one answer's bytes; explanations: the plain way's, for one and for many", () => {
    const bundle = fx.registry.load(fx.version);
    const readings = readingsFrom(30, (i) => (i % 4 ? `M${i}` : undefined));
    const one = parseReadings(readings[1], 10);
    assert.equal(one.batch, false);
    const idList = uuidv7Many(30, NOW);
    const single = predictColumns(bundle, one.cols, "req-9", NOW, () => idList.slice(0, 1));
    const plainOne = plainPredictions(bundle, readingsOf(one.cols), idList, "req-9", false);
    assert.equal(singleAnswer(single.batch), JSON.stringify(plainOne.answers[0]));
    const cols = columnsOf(readings);
    const why = predictColumns(bundle, cols, "req-9", NOW, () => idList, true);
    assert.equal(why.explanations?.length, 30);
    const plain = plainPredictions(bundle, readingsOf(cols), idList, "req-9", true);
    const bytes = batchAnswer(why.batch, why.explanations);
    assert.equal(bytes.toString("utf8"), JSON.stringify({ predictions: plain.answers }));
    assert.ok(plain.answers[0].explanation?.length, "explained");
    const explainedOne = predictColumns(bundle, one.cols, "req-9", NOW, () => idList.slice(0, 1), true);
    const plainExplained = plainPredictions(bundle, readingsOf(one.cols), idList, "req-9", true);
    assert.equal(
      singleAnswer(explainedOne.batch, explainedOne.explanations),
      JSON.stringify(plainExplained.answers[0]),
    );
  });

  test("same answer bytes with a non-ASCII model name (the answer is then written as UTF-8, not latin1)", () => {
    const bundle = { ...fx.registry.load(fx.version), name: "Fräse-Modell ✓" };
    const cols = columnsOf(readingsFrom(150, (i) => `M${i % 5}`));
    const idList = uuidv7Many(cols.n, NOW);
    const { batch } = predictColumns(bundle, cols, "req-8", NOW, () => idList);
    const plain = plainPredictions(bundle, readingsOf(cols), idList, "req-8", false);
    const bytes = batchAnswer(batch);
    assert.ok(bytes.equals(Buffer.from(JSON.stringify({ predictions: plain.answers }))), "answer bytes");
    assert.equal(JSON.parse(bytes.toString("utf8")).predictions[0].model.name, "Fräse-Modell ✓");
  });

  test("uuidv7Many: the layout of uuidv7, unique, flat strings", () => {
    const t = Date.UTC(2026, 10, 27, 12, 0, 0);
    const ids = uuidv7Many(5000, t);
    const one = uuidv7(t);
    const re = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const x of ids) {
      assert.match(x, re);
      assert.equal(x.slice(0, 13), one.slice(0, 13), "same time prefix");
    }
    assert.equal(new Set(ids).size, 5000);
  });

  test("checkBatch names the record and field the table would refuse", () => {
    const bundle = fx.registry.load(fx.version);
    const cols = scanReadings(Buffer.from(JSON.stringify(readingsFrom(5, () => "M1"))), MAX);
    assert.ok(cols);
    const { batch } = predictColumns(bundle, cols, "r");
    batch.ids[3] = "";
    assert.throws(() => checkBatch(batch), /prediction record 3: id must be a non-empty string/);
  });
});

describe("POST /v1/predict batches end to end (real SQLite writer thread)", () => {
  let fx: TrainedFixture;
  let dir: string;
  let app: FastifyInstance;
  let store: SqliteStore;
  before(async () => {
    fx = trainedRegistry();
    dir = mkdtempSync(join(tmpdir(), "mw-columnar-"));
    store = new SqliteStore({ path: join(dir, "p.db"), writerThread: true });
    await store.init();
    // Only known machines reach the fleet board: the training fleet's are.
    const knownMachines = [...new Set(fx.rows.map((r) => r.machine_id))].map((machine_id) => ({
      machine_id,
    }));
    app = await buildApp({ registry: fx.registry, store, knownMachines });
  });
  after(async () => {
    await app.close();
    await store.close();
    fx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the columnar answer equals the general path's, every answer is logged, the fleet sees it", async () => {
    const readings: Record<string, unknown>[] = fx.rows.slice(0, 300).map((r) => ({
      type: r.type,
      ...Object.fromEntries(RAW_FEATURES.map((f) => [f, r[f]])),
      machine_id: r.machine_id,
    }));
    const post = (payload: string) =>
      app.inject({
        method: "POST",
        url: "/v1/predict",
        payload,
        headers: { "content-type": "application/json" },
      });
    const fast = await post(JSON.stringify(readings));
    // A quote in one machine id sends the same readings the general way.
    const slow = await post(
      JSON.stringify(readings.map((r, i) => (i === 299 ? { ...r, machine_id: 'M"x' } : r))),
    );
    assert.equal(fast.statusCode, 200);
    assert.equal(slow.statusCode, 200);
    const a = fast.json().predictions;
    const b = slow.json().predictions;
    assert.equal(a.length, 300);
    const strip = (p: Record<string, unknown>) => ({ ...p, id: undefined, machine_id: undefined });
    assert.deepStrictEqual(a.map(strip), b.map(strip));
    assert.equal(b[299].machine_id, 'M"x');
    assert.equal(await store.countPredictions(), 600);
    for (const [i, p] of a.entries()) {
      if (i % 37 !== 0 && i !== 299) continue;
      const logged = await store.getPrediction(p.id);
      assert.ok(logged, `answer ${i} is in the log`);
      assert.equal(logged.failureProbability, p.failure_probability);
      assert.equal(logged.reading.torque, readings[i].torque);
      assert.equal(logged.reading.machine_id, readings[i].machine_id);
      assert.equal(logged.requestId, fast.headers["x-request-id"] ?? logged.requestId);
    }
    const fleet = await app.inject({ method: "GET", url: "/v1/fleet" });
    assert.equal(fleet.statusCode, 200);
    assert.ok(JSON.stringify(fleet.json()).includes(readings[0].machine_id as string));
    const metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
    const counted = [...metrics.matchAll(/^millwright_predictions_total\{[^}]*\} (\d+)/gm)].reduce(
      (s, m) => s + Number(m[1]),
      0,
    );
    assert.equal(counted, 600);
  });
});
