// "A 2xx answer means the reading is durably in the history log": the real server process, single
// readings from several clients at once (so groups commit on the log's writer thread while others
// are posted), killed with SIGKILL mid-stream. Every answered reading must be in the log file, as it
// was answered; and the restarted server must rebuild its history from that log. Both ways of
// committing: on the log's writer thread (the default) and on the main thread.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { unpackReadings } from "../../../src/store/history/packed.js";
import { readingsOf, type Trained, trainContractModel } from "../../cluster/contract-helpers.js";
import { startServerProcess } from "../../helpers/server-process.js";

let t: Trained;
const dirs: string[] = [];
before(() => {
  t = trainContractModel();
  dirs.push(t.dir);
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const MACHINES = ["M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08"];
/** Kill once this many answers are in: well past warm-up, with requests still in flight. */
const KILL_AFTER = 400;

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

for (const [mode, thread] of [
  ["writer thread", "1"],
  ["main thread", "0"],
] as const)
  test(`SIGKILL under load (log committed on the ${mode}): every answered reading is in the history log as answered; a restart rebuilds from it`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mw-hkill-"));
    dirs.push(dataDir);
    const env = {
      MILLWRIGHT_DATA_DIR: dataDir,
      MILLWRIGHT_RETRAIN_MODE: "off",
      MILLWRIGHT_SQLITE_WRITER_THREAD: thread,
    };
    const srv = await startServerProcess(["serve", "--registry", t.registry.dir], env);
    const acked = new Map<string, { machine: string; p: number }>();
    const perMachine = MACHINES.map((m) => readingsOf(t.contract, new Set([m])));
    let killed = false;
    // One client per machine, each sending its machine's readings in time order, one at a time.
    const clients = perMachine.map(async (rows) => {
      for (const body of rows) {
        if (killed) return;
        let res: Response;
        try {
          res = await post(srv.url, body);
        } catch {
          return; // the connection died with the server
        }
        if (res.status !== 200) {
          assert.ok(killed, `answered ${res.status} before the kill: ${await res.text()}`);
          return;
        }
        const a = (await res.json()) as { id: string; machine_id: string; failure_probability: number };
        acked.set(a.id, { machine: a.machine_id, p: a.failure_probability });
        if (acked.size >= KILL_AFTER && !killed) {
          killed = true;
          srv.child.kill("SIGKILL");
        }
      }
    });
    await Promise.all(clients);
    assert.ok(killed, `the clients ran out of readings after ${acked.size} answers`);
    await srv.exited;

    const db = new Database(join(dataDir, `history-${t.contract.name}.db`), { readonly: true });
    // Each request's readings are one packed row (layout 4): read back as the log replays them.
    const rows = db.prepare("SELECT body, nums FROM log WHERE type = 'readings'").all() as {
      body: string;
      nums: Buffer;
    }[];
    const logged = new Map(
      rows.flatMap((r) => unpackReadings(r.body, r.nums).map((x) => [x.id, x] as const)),
    );
    db.close();
    const lost = [...acked.keys()].filter((id) => !logged.has(id));
    assert.equal(lost.length, 0, `${lost.length} of ${acked.size} answered readings not in the log`);
    for (const [id, a] of acked) {
      const l = logged.get(id);
      assert.equal(l?.machine, a.machine, id);
      assert.equal(l?.failureProbability, a.p, `${id}: logged as answered`);
    }
    // At most the requests in flight at the kill were logged without an answer.
    assert.ok(logged.size - acked.size <= MACHINES.length, `${logged.size} logged, ${acked.size} answered`);

    // The restarted server replays the log: each machine's logged readings are its history, so the
    // first one again is out of time order (409), and the reading after its last logged one scores.
    const again = await startServerProcess(["serve", "--registry", t.registry.dir], env);
    try {
      const m = MACHINES[0];
      const rows = perMachine[0];
      const n = [...logged.values()].filter((l) => l.machine === m).length;
      assert.ok(n > 0 && n < rows.length, `machine ${m}: ${n} logged`);
      const old = await post(again.url, rows[0]);
      assert.equal(old.status, 409, await old.text());
      const next = await post(again.url, rows[n]);
      assert.equal(next.status, 200, await next.text());
    } finally {
      again.child.kill("SIGKILL");
      await again.exited;
    }
  });
