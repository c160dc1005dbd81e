// A failed append leaves a contract server (one server, SQLite) as it was before the request: its
// log is made to fail for real (a full tmpfs), and the server is compared with a reference server
// that only ever saw what the failing one logged. After the disk has room again the refused
// readings (and events) are taken as if new, and every answer is the reference's to the bit; the
// monitor counted none of the refused ones. Readings of several machines are sent at once, so
// requests scored while one append is in flight share its group commit and its failure.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { machineIds, trainedShop } from "../../helpers/contract-served.js";
import { fullDisk, fullDiskSkip } from "../../helpers/full-disk.js";
import { jsonClient } from "../../helpers/http.js";
import { ROW_MACHINES, rowLabelledShop, rowReading } from "../../helpers/row-labelled.js";

type Server = Awaited<ReturnType<typeof startContractServer>>;
const TOKEN = "feedback-token-failed-append";
const skip = fullDiskSkip() ?? false;
let rowShop: { dir: string; registryDir: string };

before(() => {
  if (!skip) rowShop = rowLabelledShop("mw-cfail-");
});
after(() => {
  if (rowShop) rmSync(rowShop.dir, { recursive: true, force: true });
});

const serve = (registryDir: string, dataDir: string): Promise<Server> =>
  startContractServer(
    readConfig({
      MILLWRIGHT_REGISTRY: registryDir,
      MILLWRIGHT_DATA_DIR: dataDir,
      MILLWRIGHT_RETRAIN_MODE: "off",
      MILLWRIGHT_MONITOR_INTERVAL_MS: "600000",
      MILLWRIGHT_FEEDBACK_TOKEN: TOKEN,
    }),
    { host: "127.0.0.1", port: 0, logger: false },
  );

async function until(what: string, cond: () => Promise<boolean>, ms = 8000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) assert.fail(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An answer as it depends on the history: everything but its id. */
const scores = (a: { id: string; [k: string]: unknown }) => ({ ...a, id: undefined });

test("a reading whose append failed is taken again after recovery, scored as if never seen; the monitor did not count it", {
  skip,
}, async () => {
  const disk = fullDisk("mw-cfail-full-");
  const refDir = mkdtempSync(join(tmpdir(), "mw-cfail-ref-"));
  const s = await serve(rowShop.registryDir, disk.dataDir);
  const ref = await serve(rowShop.registryDir, refDir);
  const call = jsonClient(() => s.url);
  const refCall = jsonClient(() => ref.url);
  const rows = async (c: typeof call) => (await c("GET", "/v1/monitor")).body.current_rows as number;
  try {
    let logged = 0;
    let i = 0;
    const refused: { m: number; i: number }[] = [];
    disk.fill();
    // Each round: every machine's next part at once, one request each (one group commit).
    for (; i < 5000 && refused.length === 0; i++) {
      const sent = await Promise.all(
        ROW_MACHINES.map((_, m) => call("POST", "/v1/predict", rowReading(m, i))),
      );
      for (const [m, r] of sent.entries()) {
        if (r.status !== 200) {
          assert.equal(r.status, 503, JSON.stringify(r.body));
          assert.equal(r.body.code, "MW_DISK_FULL");
          refused.push({ m, i });
          continue;
        }
        logged++;
        const want = await refCall("POST", "/v1/predict", rowReading(m, i));
        assert.deepEqual(scores(r.body), scores(want.body), `machine ${m} part ${i}`);
      }
    }
    assert.ok(refused.length > 0, "the disk never filled up");
    const last = i - 1;
    // While the disk is full: refused before anything is scored.
    const more = await call("POST", "/v1/predict", rowReading(0, last + 1));
    assert.equal(more.status, 503, JSON.stringify(more.body));
    assert.equal(await rows(call), logged, "the monitor counted only the logged readings");

    disk.free();
    await until("ready again", async () => (await call("GET", "/v2/health/ready")).status === 200);
    // The refused readings again: taken (not 409 as out of order), scored as the reference scores them.
    for (const { m, i } of refused) {
      const again = await call("POST", "/v1/predict", rowReading(m, i));
      assert.equal(again.status, 200, `machine ${m} part ${i}: ${JSON.stringify(again.body)}`);
      const want = await refCall("POST", "/v1/predict", rowReading(m, i));
      assert.deepEqual(scores(again.body), scores(want.body), `machine ${m} part ${i} again`);
    }
    // And the round after, whichever machines had failed.
    for (const [m] of ROW_MACHINES.entries()) {
      const next = await call("POST", "/v1/predict", rowReading(m, last + 1));
      const want = await refCall("POST", "/v1/predict", rowReading(m, last + 1));
      assert.deepEqual(scores(next.body), scores(want.body), `machine ${m} part ${last + 1}`);
    }
    assert.equal(await rows(call), await rows(refCall), "the monitors hold the same readings");
  } finally {
    await s.close().catch(() => {});
    await ref.close().catch(() => {});
    disk.dispose();
    rmSync(refDir, { recursive: true, force: true });
  }
});

test("events whose append failed are new again after recovery, not duplicates of what the log never got", {
  skip,
}, async () => {
  const shop = trainedShop("mw-cfail-events-");
  const disk = fullDisk("mw-cfail-efull-");
  const refDir = mkdtempSync(join(tmpdir(), "mw-cfail-eref-"));
  const s = await serve(shop.registry.dir, disk.dataDir);
  const ref = await serve(shop.registry.dir, refDir);
  const call = jsonClient(() => s.url);
  const refCall = jsonClient(() => ref.url);
  const [m] = machineIds(1);
  const ev = (k: number, j: number) => ({
    id: `maint-${k}-${j}`,
    table: "maintenance",
    machine_id: m,
    timestamp: new Date(Date.UTC(2026, 5, 1) + (k * 20 + j) * 60_000).toISOString(),
    kind: "spindle_bearing",
  });
  const reading = (h: number) => ({
    machine_id: m,
    timestamp: new Date(Date.UTC(2026, 5, 20) + h * 3600_000).toISOString(),
    spindle_speed: 8000,
    spindle_load: 40,
    vibration: 1.5,
  });
  try {
    disk.fill(128 * 1024);
    let k = 0;
    let refused: ReturnType<typeof ev>[] | null = null;
    for (; k < 5000 && !refused; k++) {
      const events = Array.from({ length: 20 }, (_, j) => ev(k, j));
      const r = await call("POST", "/v1/events", { events }, TOKEN);
      if (r.status === 200) await refCall("POST", "/v1/events", { events }, TOKEN);
      else {
        assert.equal(r.body.code, "MW_DISK_FULL", JSON.stringify(r.body));
        refused = events;
      }
    }
    assert.ok(refused, "the disk never filled up");
    disk.free();
    await until("ready again", async () => (await call("GET", "/v2/health/ready")).status === 200);
    const again = await call("POST", "/v1/events", { events: refused }, TOKEN);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(
      new Set(again.body.results.map((x: { outcome: string }) => x.outcome)),
      new Set(["accepted"]),
      "the log never got them: new, not duplicates",
    );
    await refCall("POST", "/v1/events", { events: refused }, TOKEN);
    const a = await call("POST", "/v1/predict", reading(0));
    const b = await refCall("POST", "/v1/predict", reading(0));
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(scores(a.body), scores(b.body), "the next reading's features hold the events once");
  } finally {
    await s.close().catch(() => {});
    await ref.close().catch(() => {});
    disk.dispose();
    rmSync(refDir, { recursive: true, force: true });
    rmSync(shop.dir, { recursive: true, force: true });
  }
});
