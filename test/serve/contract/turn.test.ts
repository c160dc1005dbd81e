// Single readings that arrive in one turn of the event loop are scored together, as one group
// (ContractService.together): one scoring, one telling of the observers, one slot in the log's
// commit. Each is still answered as its own, exactly as if it had come alone; and when the group is
// refused (one reading out of order, too far ahead), each is scored alone, so each gets the answer
// or the error it would have had by itself (worded for one reading, not for an index in a batch).
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { MAX_AHEAD_MS } from "../../../src/core/limits.js";
import type { HistoryObserver } from "../../../src/monitor/live/history-observer.js";
import { singleAnswerJson } from "../../../src/serve/contract/answer-json.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { type TrainedShop, trainedShop } from "../../helpers/contract-served.js";

let shop: TrainedShop;
before(() => {
  shop = trainedShop("mw-cturn-");
});
after(() => rmSync(shop.dir, { recursive: true, force: true }));

const MACHINES = Array.from({ length: 12 }, (_, i) => `M${String(i + 1).padStart(2, "0")}`);
const reading = (machine: string, timestamp: string, k = 0) => ({
  machine_id: machine,
  timestamp,
  spindle_speed: 9000 - 300 * k,
  spindle_load: 40 + 12 * k,
  vibration: 1.2 + 0.6 * k,
});

/** A service on its own log file, with an observer that records the size of every group it is told. */
async function open(file: string) {
  const log = new SqliteHistoryLog(join(shop.dir, file));
  const groups: number[] = [];
  const spy: HistoryObserver = { group: (g) => void groups.push(g.n), event: () => {} };
  const svc = await ContractService.open(shop.model, shop.registry.versionDir(shop.version), log, [spy]);
  svc.maxAheadMs = MAX_AHEAD_MS;
  return { svc, log, groups };
}

/** Predicts one reading as an object body does, and its answer's JSON as the route writes it. */
async function single(svc: ContractService, r: object): Promise<string> {
  let json = "";
  await svc.predict([r], true, false, (b) => {
    json = singleAnswerJson(b);
  });
  return json;
}

/** An answer as it depends on the history: all but its id. */
const scores = (json: string) => ({ ...JSON.parse(json), id: undefined });

test("single readings of one turn are one group, each answered as if it had come alone; the log replays them alike", async () => {
  const a = await open("together.db");
  const b = await open("alone.db");
  const t = "2026-06-01T00:00:00Z";
  // Different values, so a mixed-up row would show in the answers.
  const sent = MACHINES.map((m, i) => reading(m, t, i));
  try {
    const together = await Promise.all(sent.map((r) => single(a.svc, r)));
    const alone: string[] = [];
    for (const r of sent) alone.push(await single(b.svc, r));
    assert.deepEqual(a.groups, [MACHINES.length], "the turn's readings told as one group");
    assert.deepEqual(
      b.groups,
      MACHINES.map(() => 1),
    );
    assert.deepEqual(together.map(scores), alone.map(scores));
    const ids = together.map((j) => JSON.parse(j).id as string);
    assert.equal(new Set(ids).size, ids.length);
    together.forEach((j, i) => {
      assert.equal(JSON.parse(j).machine_id, MACHINES[i]);
      assert.equal(JSON.parse(j).timestamp, t);
    });
    // The answers differ (the values do), so rows mixed up would not have matched: in the reverse
    // order the probabilities are not the same.
    const probabilities = (js: string[]) => js.map((j) => JSON.parse(j).heads);
    assert.notDeepEqual(probabilities(together), probabilities([...alone].reverse()));
  } finally {
    await a.log.close();
    await b.log.close();
  }
  // Restarted on each log: the next reading of every machine scores the same on both.
  const a2 = await open("together.db");
  const b2 = await open("alone.db");
  try {
    const next = MACHINES.map((m, i) => reading(m, "2026-06-01T01:00:00Z", 11 - i));
    const fromA = await Promise.all(next.map((r) => single(a2.svc, r)));
    const fromB = await Promise.all(next.map((r) => single(b2.svc, r)));
    assert.deepEqual(fromA.map(scores), fromB.map(scores));
  } finally {
    await a2.log.close();
    await b2.log.close();
  }
});

test("a turn with a refused reading: each is scored alone, each refused one gets its own error, the rest are taken", async () => {
  const a = await open("refused.db");
  const t = "2026-06-02T00:00:00Z";
  try {
    const outcomes = await Promise.allSettled([
      single(a.svc, reading("M01", t)),
      single(a.svc, reading("M01", t)), // the same time again: out of order
      single(a.svc, reading("M02", "2099-01-01T00:00:00Z")), // far past the fleet's clock
      single(a.svc, { ...reading("M04", t), spindle_load: 250 }), // outside the contract's range
      single(a.svc, reading("M03", t)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["fulfilled", "rejected", "rejected", "rejected", "fulfilled"],
    );
    const err = (k: number) =>
      (outcomes[k] as PromiseRejectedResult).reason as { code: string; message: string };
    assert.equal(err(1).code, "MW_CONFLICT");
    assert.equal(err(2).code, "MW_VALIDATION");
    // Worded as a single reading's errors are (no index into a batch).
    assert.match(err(1).message, /^timestamp: machine 'M01' already has a reading/);
    assert.match(err(2).message, /^timestamp: /);
    assert.equal(err(3).code, "MW_VALIDATION");
    assert.match(err(3).message, /^spindle_load: 250 % is outside/);
    assert.deepEqual(a.groups, [1, 1], "M01 and M03, each alone after the group was refused");
    assert.equal(a.svc.fleet.lastTime("M01"), Date.parse(t));
    assert.equal(a.svc.fleet.lastTime("M02"), null);
  } finally {
    await a.log.close();
  }
});
