// SIGTERM under load: readiness turns false, requests in flight finish, the log is flushed, exit 0,
// and every prediction that got a 200 is in the log. `millwright serve` of the AI4I contract (the
// contract server and its history log; issue 15 retired the AI4I app this first ran on).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { unpackReadings } from "../../src/store/history/packed.js";
import { AI4I_READING, ai4iContractShop, removeShop } from "../helpers/ai4i-contract.js";
import { startServerProcess } from "../helpers/server-process.js";

test("SIGTERM under load: no request sent before the signal fails, every 200 is logged, exit 0", async () => {
  const shop = ai4iContractShop("mw-term-shop-");
  const dataDir = mkdtempSync(join(tmpdir(), "mw-term-"));
  try {
    const srv = await startServerProcess(["serve", "--registry", shop.registryDir], {
      MILLWRIGHT_DATA_DIR: dataDir,
      MILLWRIGHT_DRAIN_DELAY_MS: "1500",
      MILLWRIGHT_RETRAIN_MODE: "off",
    });
    const ok: string[] = [];
    const failedBeforeSignal: string[] = [];
    let signalledAt = Number.POSITIVE_INFINITY;
    let stop = false;
    // A machine per worker, its counter going on: no reading is refused for its time order.
    const reading = (machine_id: string, timestamp: number) => ({ ...AI4I_READING, machine_id, timestamp });
    const worker = async (_: unknown, w: number) => {
      for (let t = 0; !stop; t += 2) {
        const started = Date.now();
        try {
          const r = await fetch(`${srv.url}/v1/predict`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify([reading(`W${w}`, t), reading(`W${w}`, t + 1)]),
          });
          if (r.status === 200)
            for (const p of ((await r.json()) as { predictions: { id: string }[] }).predictions)
              ok.push(p.id);
          else if (started < signalledAt) failedBeforeSignal.push(`status ${r.status}`);
        } catch (e) {
          if (started < signalledAt) failedBeforeSignal.push(String(e));
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    // Signal once the load is really flowing (a fixed sleep is too short on a busy machine).
    for (let i = 0; i < 300 && ok.length < 200; i++) await new Promise((r) => setTimeout(r, 50));
    signalledAt = Date.now();
    srv.child.kill("SIGTERM");
    // Readiness turns false while draining (the drain delay keeps the listener open meanwhile).
    let ready = 200;
    for (let i = 0; i < 100 && ready === 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      ready = await fetch(`${srv.url}/v2/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
    }
    assert.equal(ready, 503, "readiness is false during the drain");
    const code = await srv.exited;
    stop = true;
    await Promise.all(workers);
    assert.equal(code, 0, srv.output());
    assert.deepEqual(failedBeforeSignal, []);
    assert.ok(ok.length > 100, `only ${ok.length} predictions answered`);
    const db = new Database(join(dataDir, "history-ai4i-2020.db"), { readonly: true });
    // Each commit's readings are one packed row (layout 4): read back as a replay does.
    const rows = db.prepare("SELECT body, nums FROM log WHERE type = 'readings'").all() as {
      body: string;
      nums: Uint8Array;
    }[];
    const ids = new Set(rows.flatMap((r) => unpackReadings(r.body, r.nums).map((x) => x.id)));
    db.close();
    const missing = ok.filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], "every 200 is in the log");
  } finally {
    removeShop(shop);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
