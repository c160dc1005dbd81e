// The one contract every PredictionStore implementation passes (SQLite file, PostgreSQL server).
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import fc from "fast-check";
import { EXPORT_COLUMNS, exportRows } from "../../src/store/export.js";
import type { PredictionRecord, PredictionStore, QueryOptions } from "../../src/store/types.js";
import { batchRecords, logBatch } from "../../src/store/batch.js";
import { collect, makeBatch, makeRecord, range } from "./records.js";

export interface StoreFactory {
  /** A new, empty location: a file path or a database URL. */
  fresh(): Promise<string>;
  /** A store on that location, not yet initialised. */
  open(location: string, opts?: { pageSize?: number }): PredictionStore;
  /** Skip reason (printed), or false. */
  skip?: string | false;
}

export function runStoreContract(name: string, f: StoreFactory): void {
  describe(`PredictionStore contract: ${name}`, { skip: f.skip }, () => {
    const open: PredictionStore[] = [];
    const store = async (opts?: { pageSize?: number }, location?: string): Promise<PredictionStore> => {
      const s = f.open(location ?? (await f.fresh()), opts);
      open.push(s);
      await s.init();
      return s;
    };
    after(async () => {
      for (const s of open) await s.close().catch(() => {});
    });

    test("logs and reads back exactly: floats, unicode ids, absent optional fields", async () => {
      const s = await store();
      const recs = range(12).map((i) => makeRecord(i));
      await s.logPredictions(recs);
      for (const r of recs) assert.deepStrictEqual(await s.getPrediction(r.id), { ...r, label: null });
      assert.equal(await s.getPrediction("no-such-id"), null);
      assert.equal(await s.healthy(), true);
      await s.logPredictions([]); // an empty batch is a no-op, not an error
      assert.equal(await s.countPredictions(), 12);
    });

    test("group commit: 500 concurrent calls all durable, fewer transactions, none duplicated", async () => {
      const s = await store();
      const recs = range(500).map((i) => makeRecord(i));
      await Promise.all(recs.map((r) => s.logPredictions([r])));
      assert.equal(await s.countPredictions(), 500);
      const stats = s.stats?.();
      assert.ok(stats, "store reports group-commit stats");
      assert.equal(stats.records, 500);
      assert.ok(stats.flushes < 50, `500 calls should share transactions, got ${stats.flushes} flushes`);
      // A replay of the same records (spool, retry) must not duplicate them.
      await Promise.all(recs.slice(0, 100).map((r) => s.logPredictions([r])));
      const ids = (await collect(s.queryPredictions({}))).map((p) => p.id);
      assert.equal(ids.length, 500);
      assert.equal(new Set(ids).size, 500);
    });

    test("a columnar batch (logBatch) stores exactly its records, also committed together with plain ones", async () => {
      const s = await store();
      const b = makeBatch(300);
      const plain = range(40, 1000).map((i) => makeRecord(i));
      // Concurrent: the batch and the single records can share one group commit.
      await Promise.all([
        logBatch(s, b),
        ...plain.map((r) => s.logPredictions([r])),
        logBatch(s, makeBatch(5, 2000)),
      ]);
      const want = batchRecords(b);
      assert.equal(want.length, 300);
      for (const r of [...want.filter((_, i) => i % 7 === 0), want[299]])
        assert.deepStrictEqual(await s.getPrediction(r.id), { ...r, label: null });
      for (const r of plain.slice(0, 5))
        assert.deepStrictEqual(await s.getPrediction(r.id), { ...r, label: null });
      assert.equal(await s.countPredictions(), 345);
      const stats = s.stats?.();
      assert.equal(stats?.records, 345, "a batch counts as its records");
      // Replayed (a spool, a retry): not duplicated.
      await logBatch(s, makeBatch(300));
      assert.equal(await s.countPredictions(), 345);
    });

    test("feedback outcomes: accepted, duplicate, unknown, conflict (first label kept)", async () => {
      const s = await store();
      await s.logPredictions(range(4).map((i) => makeRecord(i)));
      const out1 = await s.addFeedback([
        { predictionId: "p-000000", machineFailure: 1, modes: { twf: 1, hdf: 0 }, receivedAt: 111 },
        { predictionId: "p-000001", machineFailure: 0 },
        { predictionId: "missing", machineFailure: 1 },
        { predictionId: "p-000001", machineFailure: 0 }, // repeated inside one batch
        { predictionId: "p-000000", machineFailure: 0 }, // different label, same batch
      ]);
      assert.deepEqual(out1, ["accepted", "accepted", "unknown", "duplicate", "conflict"]);
      const out2 = await s.addFeedback([
        { predictionId: "p-000000", machineFailure: 1, modes: { hdf: 0, twf: 1 } }, // key order is irrelevant
        { predictionId: "p-000000", machineFailure: 1, modes: { twf: 1 } }, // modes differ
        { predictionId: "p-000001", machineFailure: 1 },
        { predictionId: "p-000002", machineFailure: 1, modes: { rnf: 1 } },
      ]);
      assert.deepEqual(out2, ["duplicate", "conflict", "conflict", "accepted"]);
      const p0 = await s.getPrediction("p-000000");
      assert.deepEqual(p0?.label, { machineFailure: 1, modes: { hdf: 0, twf: 1 }, receivedAt: 111 });
      assert.equal((await s.getPrediction("p-000001"))?.label?.machineFailure, 0, "the first label is kept");
      assert.equal((await s.getPrediction("p-000003"))?.label, null);
      await assert.rejects(s.addFeedback([{ predictionId: "p-000003", machineFailure: 2 as 0 }]), {
        code: "MW_VALIDATION",
      });
    });

    test("queries: time order, since, labelled, limit (most recent N), model version, counts", async () => {
      const s = await store();
      // Logged out of order, with a tie on predicted_at broken by id.
      const recs = range(40).map((i) => makeRecord(i));
      recs.push(makeRecord(40, { id: "p-000007b", predictedAt: recs[7].predictedAt }));
      for (const chunk of [recs.slice(20), recs.slice(0, 20)]) await s.logPredictions(chunk);
      const all = await collect(s.queryPredictions({}));
      const expected = [...recs].sort((a, b) => a.predictedAt - b.predictedAt || (a.id < b.id ? -1 : 1));
      assert.deepEqual(
        all.map((p) => p.id),
        expected.map((r) => r.id),
      );
      const since = recs[30].predictedAt;
      assert.deepEqual(
        (await collect(s.queryPredictions({ since }))).map((p) => p.id),
        range(10, 30).map((i) => makeRecord(i).id),
      );
      assert.equal(await s.countPredictions({ since }), 10);
      await s.addFeedback(
        [5, 17, 33, 38].map((i) => ({ predictionId: makeRecord(i).id, machineFailure: 1 as const })),
      );
      const labelled = await collect(s.queryPredictions({ labelled: true }));
      assert.deepEqual(
        labelled.map((p) => p.id),
        [5, 17, 33, 38].map((i) => makeRecord(i).id),
      );
      assert.ok(labelled.every((p) => p.label?.machineFailure === 1));
      assert.equal(await s.countPredictions({ labelled: true }), 4);
      assert.deepEqual(
        (await collect(s.queryPredictions({ labelled: true, since }))).map((p) => p.id),
        [33, 38].map((i) => makeRecord(i).id),
      );
      assert.deepEqual(
        (await collect(s.queryPredictions({ limit: 3 }))).map((p) => p.id),
        [37, 38, 39].map((i) => makeRecord(i).id),
      );
      assert.deepEqual(
        (await collect(s.queryPredictions({ limit: 2, labelled: true }))).map((p) => p.id),
        [33, 38].map((i) => makeRecord(i).id),
      );
      assert.equal((await collect(s.queryPredictions({ limit: 1000 }))).length, 41);
      assert.equal(await s.countPredictions({ limit: 5 }), 5);
      const v13 = await collect(s.queryPredictions({ modelVersion: "1.3.0" }));
      assert.equal(v13.length, 20);
      assert.ok(v13.every((p) => p.modelVersion === "1.3.0"));
      assert.equal(await s.countPredictions({ modelVersion: "1.3.0", since }), 5);
      assert.equal(await s.countPredictions(), 41);
    });

    test("streams more than two pages, in order, while writes continue", async () => {
      const s = await store({ pageSize: 7 });
      await s.logPredictions(range(30).map((i) => makeRecord(i)));
      const seen: string[] = [];
      let wrote = false;
      for await (const p of s.queryPredictions({})) {
        seen.push(p.id);
        if (!wrote) {
          wrote = true; // a group commit during iteration must neither fail nor break the stream
          await s.logPredictions([makeRecord(1000)]);
        }
      }
      assert.deepEqual(seen, [...range(30).map((i) => makeRecord(i).id), makeRecord(1000).id]);
      assert.equal((await collect(s.queryPredictions({ limit: 17 }))).length, 17);
    });

    test("property: any query equals filter + sort + tail of the logged records (ties, pages, limits)", async () => {
      const s = await store({ pageSize: 7 });
      // Few distinct times so many records tie on predicted_at; ids in random order.
      const recs: PredictionRecord[] = range(150).map((i) =>
        makeRecord(i, {
          id: `q-${((i * 7919) % 1009).toString(36)}-${i}`,
          predictedAt: 1_000 + (i % 23) * 10,
        }),
      );
      await s.logPredictions(recs);
      const labelled = new Set(recs.filter((_, i) => i % 3 === 0).map((r) => r.id));
      await s.addFeedback(
        [...labelled].map((predictionId) => ({ predictionId, machineFailure: 1 as const })),
      );
      const sorted = [...recs].sort(
        (a, b) => a.predictedAt - b.predictedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
      const reference = (q: QueryOptions): string[] => {
        const hit = sorted.filter(
          (r) =>
            (q.since === undefined || r.predictedAt >= q.since) &&
            (!q.labelled || labelled.has(r.id)) &&
            (q.modelVersion === undefined || r.modelVersion === q.modelVersion),
        );
        return (q.limit === undefined ? hit : hit.slice(Math.max(0, hit.length - q.limit))).map((r) => r.id);
      };
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              since: fc.integer({ min: 990, max: 1_240 }),
              labelled: fc.boolean(),
              limit: fc.integer({ min: 1, max: 160 }),
              modelVersion: fc.constantFrom("1.2.0", "1.3.0", "9.9.9"),
            },
            { requiredKeys: [] },
          ),
          async (q) => {
            const got = (await collect(s.queryPredictions(q))).map((p) => p.id);
            assert.deepEqual(got, reference(q));
            assert.equal(await s.countPredictions(q), got.length);
          },
        ),
        { numRuns: 60, seed: 20261127 },
      );
    });

    test("snapshots and audit: newest first, limits, JSON payloads", async () => {
      const s = await store();
      for (const at of [100, 300, 200])
        await s.saveSnapshot({
          at,
          modelVersion: "1.2.0",
          payload: { drift: { torque: at / 1000 }, ok: true, n: [1, 2] },
        });
      const snaps = await s.listSnapshots(2);
      assert.deepEqual(
        snaps.map((x) => x.at),
        [300, 200],
      );
      assert.deepEqual(snaps[0], {
        at: 300,
        modelVersion: "1.2.0",
        payload: { drift: { torque: 0.3 }, ok: true, n: [1, 2] },
      });
      await s.appendAudit({ at: 1, kind: "promote", payload: { to: "1.3.0" } });
      await s.appendAudit({ at: 2, kind: "reload", payload: null });
      await s.appendAudit({ at: 3, kind: "promote", payload: { to: "1.4.0", who: "Jürgen" } });
      assert.deepEqual(await s.listAudit("promote"), [
        { at: 3, kind: "promote", payload: { to: "1.4.0", who: "Jürgen" } },
        { at: 1, kind: "promote", payload: { to: "1.3.0" } },
      ]);
      assert.deepEqual(
        (await s.listAudit()).map((e) => e.at),
        [3, 2, 1],
      );
      assert.equal((await s.listAudit(undefined, 1)).length, 1);
    });

    test("audit pages: kinds filtered before the limit, newest first by id, paged by id", async () => {
      const s = await store();
      await s.appendAudit({ at: 10, kind: "trigger", payload: { n: 0 } });
      await s.appendAudit({ at: 11, kind: "decision", payload: { verdict: "kept" } });
      // Many alerts after the decision: a limit applied before filtering would show no decision.
      for (let i = 0; i < 250; i++) await s.appendAudit({ at: 12 + i, kind: "alert", payload: { i } });
      await s.appendAudit({ at: 5, kind: "promotion", payload: { to: "1.1.0" } }); // clock went back
      const page = await s.pageAudit({ kinds: ["trigger", "decision", "promotion"], limit: 2 });
      assert.deepEqual(
        page.map((e) => [e.kind, e.at]),
        [
          ["promotion", 5],
          ["decision", 11],
        ],
      );
      assert.deepEqual(page[1].payload, { verdict: "kept" });
      assert.ok(page[0].id > page[1].id);
      const next = await s.pageAudit({
        kinds: ["trigger", "decision", "promotion"],
        limit: 2,
        before: page[1].id,
      });
      assert.deepEqual(
        next.map((e) => e.kind),
        ["trigger"],
      );
      assert.equal((await s.pageAudit({ limit: 1000 })).length, 253);
      assert.equal((await s.pageAudit({ kinds: ["alert"], limit: 10 })).length, 10);
      assert.deepEqual(await s.pageAudit({ kinds: ["nothing"] }), []);
    });

    test("alert sightings: previous time returned, kept across reopen, forgotten before the horizon", async () => {
      const location = await f.fresh();
      const a = await store(undefined, location);
      assert.equal(await a.seenAlert("fp-1", 1000, 0), null);
      assert.equal(await a.seenAlert("fp-1", 1500, 0), 1000);
      assert.equal(await a.seenAlert("fp-2", 1600, 0), null);
      await a.close();
      const b = await store(undefined, location);
      assert.equal(await b.seenAlert("fp-1", 2000, 0), 1500, "survives a reopen (a restart)");
      // fp-2 was seen at 1600, before the horizon: treated as never seen.
      assert.equal(await b.seenAlert("fp-2", 5000, 1700), null);
      // Concurrent sightings of one fingerprint: exactly one sees none before it.
      const got = await Promise.all([1, 2, 3, 4].map((k) => b.seenAlert("fp-3", 6000 + k, 0)));
      assert.equal(got.filter((x) => x === null).length, 1);
    });

    test("export rows: training CSV columns, labels where known, empty where not", async () => {
      const s = await store();
      await s.logPredictions(range(4).map((i) => makeRecord(i)));
      await s.addFeedback([{ predictionId: "p-000001", machineFailure: 1, modes: { hdf: 1, twf: 0 } }]);
      const rows = await collect(exportRows(s));
      assert.equal(rows.length, 4);
      for (const r of rows) assert.deepEqual(Object.keys(r), [...EXPORT_COLUMNS]);
      const r1 = rows[1];
      const rec1 = makeRecord(1);
      assert.equal(r1.machine_failure, 1);
      assert.equal(r1.hdf, 1);
      assert.equal(r1.twf, 0);
      assert.equal(r1.pwf, "");
      assert.equal(r1.air_temperature, rec1.reading.air_temperature);
      assert.equal(r1.prediction_id, "p-000001");
      assert.equal(r1.predicted_at, new Date(rec1.predictedAt).toISOString());
      assert.equal(r1.machine_id, rec1.reading.machine_id);
      assert.equal(rows[0].machine_failure, "");
      assert.equal(rows[3].machine_id, "", "absent machine id exports empty");
      const labelled = await collect(exportRows(s, { labelled: true }));
      assert.deepEqual(
        labelled.map((r) => r.prediction_id),
        ["p-000001"],
      );
      assert.equal((await collect(exportRows(s, { since: makeRecord(2).predictedAt }))).length, 2);
    });

    test("shadow scores: kept beside the champion's exactly, once per prediction and version, newest last", async () => {
      const s = await store();
      await s.logPredictions(range(3).map((i) => makeRecord(i)));
      const row = (i: number, version: string, p: number) => ({
        predictionId: makeRecord(i).id,
        modelVersion: version,
        failureProbability: p,
        championVersion: makeRecord(i).modelVersion,
        championProbability: makeRecord(i).failureProbability,
        scoredAt: 1_700_000_000_123 + i,
      });
      // A score whose prediction is not in the log (yet) is kept too: no foreign key to wait on.
      const first = [row(0, "v9", 0.1 + 2 ** -40), row(1, "v9", 0), row(7, "v9", 1)];
      await s.logShadow(first);
      await s.logShadow([]);
      await s.logShadow([row(0, "v9", 0.5), row(2, "v9", 0.25)]); // the first p-000000/v9 stays
      assert.deepStrictEqual(await s.shadowScores(10), [...first, row(2, "v9", 0.25)]);
      assert.deepStrictEqual(await s.shadowScores(2), [row(7, "v9", 1), row(2, "v9", 0.25)]);
      assert.equal(await s.countPredictions(), 3, "shadow scores are not predictions");
    });

    test("close and reopen keeps data; init twice and concurrent init are harmless", async () => {
      const loc = await f.fresh();
      const a = f.open(loc);
      await a.init();
      await a.init();
      await a.logPredictions(range(5).map((i) => makeRecord(i)));
      await a.addFeedback([{ predictionId: "p-000002", machineFailure: 1 }]);
      await a.close();
      await assert.rejects(a.logPredictions([makeRecord(9)]));
      const [b, c] = [f.open(loc), f.open(loc)];
      open.push(b, c);
      await Promise.all([b.init(), c.init()]);
      assert.equal(await b.countPredictions(), 5);
      assert.deepEqual(await b.getPrediction("p-000004"), { ...makeRecord(4), label: null });
      assert.equal((await c.getPrediction("p-000002"))?.label?.machineFailure, 1);
      // Two fresh stores migrating the same empty location at once.
      const loc2 = await f.fresh();
      const [d, e] = [f.open(loc2), f.open(loc2)];
      open.push(d, e);
      await Promise.all([d.init(), e.init()]);
      await Promise.all([d.logPredictions([makeRecord(1)]), e.logPredictions([makeRecord(2)])]);
      assert.equal(await d.countPredictions(), 2);
    });
  });
}
