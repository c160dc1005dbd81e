// `millwright predictions export` and `monitor --once` reading a contract server's history log: a
// real contract server on 127.0.0.1 (the AI4I contract, its SQLite log in the data directory) is
// sent a calm window of readings and labels for some of them by prediction id, then a hot-summer
// window; the commands run as real processes beside it (the log opened read-only while it serves).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseCsv } from "../../src/data/csv.js";
import {
  type Ai4iContractServed,
  ai4iContractShop,
  removeShop,
  serveAi4iContract,
} from "../helpers/ai4i-contract.js";
import { AI4I_WINDOW, type SentReading, sendAi4iLabels, sendAi4iWindow } from "../helpers/ai4i-windows.js";
import { runCli } from "../helpers/cli.js";
import { jsonClient } from "../helpers/http.js";
import { trainedRegistry } from "../helpers/model.js";

const WINDOW = AI4I_WINDOW;
const LABELLED = 300;

let shop: { dir: string; registryDir: string } | undefined;
let served: Ai4iContractServed | undefined;
let env: Record<string, string>;
const call = jsonClient(() => served?.url ?? "");

/** What was sent and answered, in order. */
const sent: SentReading[] = [];
const send = async (o: Parameters<typeof sendAi4iWindow>[1]) => {
  sent.push(...(await sendAi4iWindow(served?.url ?? "", o)));
};

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { env: { ...env, ...extra } });

interface Report {
  model_version: string;
  current_rows: number;
  drift_window: { rows: number; full: boolean } | null;
  drift: { dataset_drift: boolean; features: { feature: string; drifted: boolean }[] } | null;
  quality: { n: number; positives: number; f1: number | null };
  estimated: { n: number } | null;
}
const air = (r: Report) => r.drift?.features.find((f) => f.feature === "air_temperature");

async function monitorOnce(): Promise<Report> {
  const r = await cli(["monitor", "--once", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

describe("predictions export and monitor --once on a contract server's history log", {
  timeout: 240_000,
}, () => {
  before(async () => {
    shop = ai4iContractShop("mw-ops-history-");
    served = await serveAi4iContract(shop, { dataDir: "data", simulate: false });
    env = { MILLWRIGHT_REGISTRY: shop.registryDir, MILLWRIGHT_DATA_DIR: join(shop.dir, "data") };
  });
  after(async () => {
    await served?.close();
    removeShop(shop);
  });

  test("no log, or a log with no reading yet: exit 2 naming the file", async () => {
    const empty = mkdtempSync(join(tmpdir(), "mw-ops-nolog-"));
    try {
      for (const args of [
        ["monitor", "--once"],
        ["predictions", "export", "--out", join(empty, "x.csv")],
      ]) {
        const none = await cli(args, { MILLWRIGHT_DATA_DIR: empty });
        assert.equal(none.code, 2, none.stderr);
        assert.match(none.stderr, /history-ai4i-2020\.db: no history log/);
        const blank = await cli(args);
        assert.equal(blank.code, 2, blank.stderr);
        assert.match(blank.stderr, /data\/history-ai4i-2020\.db: no predictions logged yet/);
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test("a calm window and labels by prediction id: monitor --once sees no drift and the labels' quality", async () => {
    await send({ seed: 11, counterFrom: 0 });
    assert.equal(sent.length, WINDOW);
    await sendAi4iLabels(served?.url ?? "", sent.slice(0, LABELLED));
    const calm = await monitorOnce();
    assert.equal(calm.model_version, "1.0.0");
    assert.equal(calm.current_rows, WINDOW);
    assert.equal(calm.drift_window?.full, true, JSON.stringify(calm.drift_window));
    assert.equal(air(calm)?.drifted, false, JSON.stringify(air(calm)));
    assert.equal(calm.quality.n, LABELLED);
    assert.equal(calm.quality.positives, sent.slice(0, LABELLED).filter((s) => s.label === 1).length);
    // The server's own monitor says the same: the command is its computation, not a copy.
    const server = (await call("GET", "/v1/monitor")).body as Report;
    assert.deepEqual({ ...calm, at: 0 }, { ...server, at: 0 });
    const text = await cli(["monitor", "--once"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(
        `^model 1\\.0\\.0, at \\S+: quality on the last 5000 predictions, drift on a window of ${calm.drift_window?.rows} readings over `,
      ),
    );
    assert.match(text.stdout, /dataset drift: no/);
    assert.match(text.stdout, new RegExp(`realised quality: .* on ${LABELLED} labels`));
  });

  test("predictions export: a row per reading sent, as sent and answered, the labels joined", async () => {
    const out = join(shop?.dir ?? "", "export.csv");
    let r = await cli(["predictions", "export", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`exported ${WINDOW} predictions from .*history-ai4i-2020\\.db`));
    const { header, rows } = parseCsv(readFileSync(out, "utf8"));
    assert.deepEqual(header, [
      "prediction_id",
      "predicted_at",
      "model_version",
      "machine_id",
      "timestamp",
      "type",
      "air_temperature",
      "process_temperature",
      "rotational_speed",
      "torque",
      "tool_wear",
      "failure_probability",
      "twf_probability",
      "hdf_probability",
      "pwf_probability",
      "osf_probability",
      "label",
      "twf_label",
      "hdf_label",
      "pwf_label",
      "osf_label",
    ]);
    assert.equal(rows.length, WINDOW);
    const col = (name: string) => header.indexOf(name);
    rows.forEach((row, i) => {
      const s = sent[i];
      assert.equal(row[col("prediction_id")], s.id, `row ${i}`);
      assert.equal(Number(row[col("failure_probability")]), s.failure_probability, `row ${i}`);
      for (const k of ["machine_id", "timestamp", "type", "torque"])
        assert.equal(row[col(k)], String(s.reading[k]), `row ${i} ${k}`);
      assert.equal(row[col("label")], i < LABELLED ? String(s.label) : "", `row ${i} label`);
    });
    assert.ok(!Number.isNaN(Date.parse(rows[0][col("predicted_at")])));
    const labelled = join(shop?.dir ?? "", "labelled.csv");
    r = await cli(["predictions", "export", "--labelled", "--out", labelled]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseCsv(readFileSync(labelled, "utf8")).rows.length, LABELLED);
    r = await cli(["predictions", "export", "--out", labelled, "--since", "2999-01-01T00:00:00Z"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseCsv(readFileSync(labelled, "utf8")).rows.length, 0);
    r = await cli(["predictions", "export", "--out", labelled, "--since", "yesterday"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--since: 'yesterday'/);
  });

  test("after a hot-summer window monitor --once reports the drift, and export has every reading", async () => {
    await send({ seed: 12, counterFrom: 10_000_000, scenario: "hot-summer" });
    const hot = await monitorOnce();
    assert.equal(hot.current_rows, WINDOW);
    assert.equal(air(hot)?.drifted, true, JSON.stringify(air(hot)));
    assert.equal(hot.drift?.dataset_drift, true, JSON.stringify(hot.drift?.features));
    const text = await cli(["monitor", "--once"]);
    assert.match(text.stdout, /dataset drift: YES/);
    assert.match(text.stdout, /air_temperature .* DRIFTED/);
    const out = join(shop?.dir ?? "", "all.csv");
    const r = await cli(["predictions", "export", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseCsv(readFileSync(out, "utf8")).rows.length, 2 * WINDOW);
  });

  test("an AI4I app registry: exit 2 naming how to train the AI4I contract", async () => {
    const fx = trainedRegistry({ machines: 4, days: 3 });
    try {
      for (const args of [
        ["monitor", "--once"],
        ["predictions", "export", "--out", join(fx.dir, "x.csv")],
      ]) {
        const r = await cli(args, { MILLWRIGHT_REGISTRY: fx.registry.dir });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /is a model of the retired AI4I app/);
        assert.match(r.stderr, /millwright train --contract examples\/contracts\/ai4i\.yaml/);
      }
    } finally {
      fx.cleanup();
    }
  });
});
