// The history-log contract against a real SQLite file in a temp dir, with the writer thread (what
// `millwright serve` uses) and without; then how shadow scores share the answers' commits.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import { isMillwrightError } from "../../src/core/errors.js";
import { SHADOW_RIDE_WAIT_MS } from "../../src/store/shadow-rides.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import type { ShadowScore } from "../../src/store/history/types.js";
import { reading, runHistoryLogContract } from "./history-contract.js";

const dir = mkdtempSync(join(tmpdir(), "mw-hlog-"));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

runHistoryLogContract("SQLite", {
  fresh: async () => join(dir, `history-${++n}.db`),
  open: (path) => new SqliteHistoryLog(path),
});

// MILLWRIGHT_SQLITE_WRITER_THREAD=0: the same log, its groups committed on the main thread.
runHistoryLogContract("SQLite, main-thread writes", {
  fresh: async () => join(dir, `history-${++n}.db`),
  open: (path) => new SqliteHistoryLog(path, { writerThread: false }),
});

// Shadow mode (shadow-rides.ts): with the writer thread, shadow scores ride in the answers' commits.
describe("SQLite history log: shadow scores ride with the answers' commits", () => {
  const score = (i: number): ShadowScore => ({
    id: reading(i).id,
    machine: reading(i).machine,
    time: reading(i).time,
    modelVersion: "2.0.0",
    failureProbability: i / 10,
    championVersion: "1.0.0",
    championProbability: reading(i).failureProbability,
    scoredAt: 1_750_000_000_000 + i,
  });

  test("an answers' group takes as many waiting scores as it has answers into its own commit", async () => {
    const log = new SqliteHistoryLog(join(dir, `history-${++n}.db`));
    await log.init();
    const rows = Array.from({ length: 5 }, (_, i) => score(i));
    let settled = false;
    const shadowDone = log.appendShadow(rows).then(() => {
      settled = true;
    });
    await log.appendReadings([reading(0), reading(1)]);
    // Committed with that group: readable at once (no wait for the fallback timer).
    assert.deepEqual(await log.shadowScores(100), rows.slice(0, 2), "two answers carried two scores");
    assert.equal(settled, false, "three still wait");
    await log.appendReadings([reading(2), reading(3), reading(4), reading(5)]);
    await shadowDone;
    assert.deepEqual(await log.shadowScores(100), rows);
    await log.close();
  });

  test("scores nobody takes are committed on their own after the wait", async () => {
    const log = new SqliteHistoryLog(join(dir, `history-${++n}.db`));
    await log.init();
    const t0 = Date.now();
    await log.appendShadow([score(1), score(2)]);
    const waited = Date.now() - t0;
    assert.ok(waited >= SHADOW_RIDE_WAIT_MS - 5, `waited ${waited} ms for an answers' group first`);
    assert.equal((await log.shadowScores(10)).length, 2);
    await log.close();
  });

  test("shadow scores of a file from before the groups (a row each in `shadow`) stay readable, first", async () => {
    const path = join(dir, `history-${++n}.db`);
    const first = new SqliteHistoryLog(path);
    await first.init();
    await first.close();
    const db = new Database(path);
    const s0 = score(0);
    db.prepare("INSERT INTO shadow VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
      s0.id,
      s0.machine,
      s0.time,
      s0.modelVersion,
      s0.failureProbability,
      s0.championVersion,
      s0.championProbability,
      s0.scoredAt,
    );
    db.close();
    const log = new SqliteHistoryLog(path);
    await log.init();
    await log.appendShadow([score(0), score(1), score(2)]); // score 0 again: counts once, first
    await log.appendReadings([reading(1), reading(2), reading(3)]);
    assert.deepEqual(await log.shadowScores(10), [score(0), score(1), score(2)]);
    assert.deepEqual(await log.shadowScores(1), [score(2)]);
    await log.close();
    const raw = new Database(path, { readonly: true });
    assert.equal((raw.prepare("SELECT COUNT(*) AS n FROM shadow_groups").get() as { n: number }).n, 1);
    raw.close();
  });

  test("shadow rows that fail to insert fail alone: the answers they rode with commit", async () => {
    const path = join(dir, `history-${++n}.db`);
    const log = new SqliteHistoryLog(path);
    await log.init();
    // A value SQLite cannot bind (an object) makes the shadow insert throw on the writer thread.
    const bad = log.appendShadow([{ ...score(1), modelVersion: { not: "a string" } as unknown as string }]);
    const seqs = await log.appendReadings([reading(1), reading(2)]);
    await assert.rejects(bad, (e: Error) => isMillwrightError(e) && e.code === "MW_STORE_UNAVAILABLE");
    assert.equal(seqs.length, 2);
    await log.close();
    const again = new SqliteHistoryLog(path);
    assert.equal((await again.entriesAfter(0)).length, 2, "the answers are on disk");
    assert.equal((await again.shadowScores(10)).length, 0);
    await again.close();
  });
});
