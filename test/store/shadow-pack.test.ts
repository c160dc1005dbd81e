// Shadow scores packed a group to a row on the SQLite log (store/sqlite/shadow-pack.ts): exact
// numbers back, a new group where a version changes, a stored blob at any byte offset; and a file
// from before the groups (schema 4, a row per score) keeps its scores readable, older first.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { SQLITE_MIGRATIONS } from "../../src/store/sqlite/schema.js";
import { packShadow, unpackShadow } from "../../src/store/sqlite/shadow-pack.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import type { ShadowScoreRecord } from "../../src/store/types.js";

const score = (i: number, championVersion = "1.0.0", p = i / 7): ShadowScoreRecord => ({
  predictionId: `019a-${i}`,
  modelVersion: "1.1.0",
  failureProbability: p,
  championVersion,
  championProbability: 1 - p,
  scoredAt: 1_764_000_000_000 + i,
});

test("packed shadow scores come back exactly; a version change starts a new group", () => {
  const rows = [score(0, "1.0.0", 2 ** -40), score(1, "1.0.0", 1e-300), score(2, "1.2.0", 1), score(3)];
  const groups = packShadow(rows);
  assert.deepEqual(
    groups.map((g) => [g.championVersion, g.n]),
    [
      ["1.0.0", 2],
      ["1.2.0", 1],
      ["1.0.0", 1],
    ],
  );
  assert.deepEqual(packShadow([]), []);
  // As SQLite hands a blob back: a Buffer at an odd offset of a larger pool.
  const back = groups.flatMap((g) => {
    const pool = Buffer.alloc(g.scores.byteLength + 3);
    Buffer.from(g.scores.buffer).copy(pool, 3);
    return unpackShadow({
      model_version: g.modelVersion,
      champion_version: g.championVersion,
      ids: g.ids,
      scores: pool.subarray(3),
    });
  });
  assert.deepStrictEqual(back, rows);
});

test("SQLite: a file from schema 4 keeps its shadow rows, read before the groups written after", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-shadow-pack-"));
  try {
    const path = join(dir, "predictions.db");
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    for (const m of SQLITE_MIGRATIONS.slice(0, 4)) db.exec(m);
    db.pragma("user_version = 4");
    const insert = db.prepare("INSERT INTO shadow_scores VALUES (?, ?, ?, ?, ?, ?)");
    for (const r of [score(0), score(1)])
      insert.run(
        r.predictionId,
        r.modelVersion,
        r.failureProbability,
        r.championVersion,
        r.championProbability,
        r.scoredAt,
      );
    db.close();
    const s = new SqliteStore({ path, writerThread: true });
    await s.init();
    // One logged again (the old table already has it): it counts once, at its first place.
    await s.logShadow([score(1), score(2), score(3)]);
    await s.logPredictions([]);
    await new Promise((r) => setTimeout(r, 120)); // nothing to ride with: committed alone after 50 ms
    assert.deepStrictEqual(await s.shadowScores(10), [score(0), score(1), score(2), score(3)]);
    assert.deepStrictEqual(await s.shadowScores(2), [score(2), score(3)]);
    await s.close();
    const after = new Database(path, { readonly: true });
    assert.equal(after.pragma("user_version", { simple: true }), SQLITE_MIGRATIONS.length);
    assert.equal(
      (after.prepare("SELECT COUNT(*) AS n FROM shadow_score_groups").get() as { n: number }).n,
      1,
    );
    after.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
