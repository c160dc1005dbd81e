// The one contract every HistoryLog implementation passes (SQLite file, PostgreSQL server): what a
// contract server relies on to rebuild its history and, in a cluster, to follow the other replicas.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { rowOf } from "../../src/store/history/entries.js";
import type {
  HistoryLog,
  LabelIn,
  LoggedEvent,
  LoggedReading,
  SeqEntry,
  ShadowScore,
} from "../../src/store/history/types.js";

export interface HistoryLogFactory {
  /** A new, empty location: a file path or a database URL. */
  fresh(): Promise<string>;
  /** A log on that location, not yet initialised (`labelled`: a row-labelled contract's). */
  open(location: string, labelled?: boolean): HistoryLog;
  /** Skip reason (printed), or false. */
  skip?: string | false;
}

/** Floats that a lossy path (decimal rounding, float4) would change. */
const AWKWARD = [0.1 + 0.2, 5e-324, 1.7976931348623157e308, -1 / 3, null];

/**
 * Ids as the server makes them (UUIDv7: a shared time prefix, so a group packs into one row), with a
 * non-ASCII tail. packed() below logs ids of other shapes.
 */
export function reading(i: number, machine = `M${i % 3}`): LoggedReading {
  return {
    id: `01975a3c-1f00-7000-8000-${String(i).padStart(10, "0")}ü`,
    machine,
    time: 1_750_000_000_000 + i * 3_600_000,
    values: [AWKWARD[i % AWKWARD.length], i],
    modelVersion: "1.0.0",
    predictedAt: 1_750_000_000_000 + i,
    failureProbability: (i * Math.PI) % 1,
    heads: { spindle_bearing: i / 7, coolant_pump: null },
  };
}

export function label(i: number, y: 0 | 1, modes: Record<string, 0 | 1> = {}): LabelIn {
  return { id: reading(i).id, label: y, modes, receivedAt: 1_750_000_000_500 + i };
}

export function event(id: string, machine = "M1", kind = "E42"): LoggedEvent {
  return { id, table: "alarms", machine, time: 1_750_000_000_000, kind, receivedAt: 1 };
}

const idOf = (e: SeqEntry) => rowOf(e).id;

export function runHistoryLogContract(name: string, f: HistoryLogFactory): void {
  describe(`HistoryLog contract: ${name}`, { skip: f.skip }, () => {
    const open: HistoryLog[] = [];
    const log = async (
      location?: string,
      labelled = false,
    ): Promise<{ log: HistoryLog; location: string }> => {
      const loc = location ?? (await f.fresh());
      const l = f.open(loc, labelled);
      open.push(l);
      await l.init();
      return { log: l, location: loc };
    };
    after(async () => {
      for (const l of open) await l.close().catch(() => {});
    });

    test("appends are durable and come back exactly, in sequence order, after reopening", async () => {
      const { log: a, location } = await log();
      const s1 = await a.appendReadings([reading(0), reading(1), reading(2)]);
      const s2 = await a.appendEvents([event("e1"), event("e2", "M2", "")]);
      const s3 = await a.appendReadings([reading(3)]);
      const seqs = [...s1, ...s2, ...s3];
      assert.equal(seqs.length, 6);
      for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `seqs grow: ${seqs}`);
      await a.close();
      const { log: b } = await log(location);
      const got = await b.entriesAfter(0);
      assert.deepStrictEqual(got, [
        ...[0, 1, 2].map((i) => ({ seq: seqs[i], type: "reading", reading: reading(i) })),
        { seq: seqs[3], type: "event", event: event("e1") },
        { seq: seqs[4], type: "event", event: event("e2", "M2", "") },
        { seq: seqs[5], type: "reading", reading: reading(3) },
      ]);
      assert.deepEqual(await b.appendReadings([]), []);
    });

    test("a request's columns are logged as the same readings as objects, in order with the rest", async () => {
      const { log: a, location } = await log();
      const rs = Array.from({ length: 7 }, (_, i) => reading(i));
      const kinds = Object.keys(rs[0].heads);
      const nan = (v: number | null) => v ?? Number.NaN;
      const s1 = await a.appendReadingColumns({
        n: 5,
        ids: rs.slice(0, 5).map((r) => r.id),
        machines: rs.slice(0, 5).map((r) => r.machine),
        times: Float64Array.from(rs.slice(0, 5), (r) => r.time),
        values: rs[0].values.map((_, j) => Float64Array.from(rs.slice(0, 5), (r) => nan(r.values[j]))),
        modelVersion: rs[0].modelVersion,
        predictedAt: rs[0].predictedAt,
        failure: Float64Array.from(rs.slice(0, 5), (r) => r.failureProbability),
        headNames: kinds,
        heads: kinds.map((k) =>
          k === "coolant_pump" ? null : Float64Array.from(rs.slice(0, 5), (r) => nan(r.heads[k])),
        ),
      });
      const s2 = await a.appendEvents([event("e1")]);
      const s3 = await a.appendReadings(rs.slice(5));
      await a.close();
      const { log: b } = await log(location);
      const got = await b.entriesAfter(0);
      // predictedAt is one per request: the columns' readings share reading(0)'s.
      const want = rs.map((r, i) => (i < 5 ? { ...r, predictedAt: rs[0].predictedAt } : r));
      const seqs = [...s1, ...s2, ...s3];
      assert.equal(seqs.length, 8);
      assert.deepStrictEqual(got, [
        ...want.slice(0, 5).map((reading, i) => ({ seq: seqs[i], type: "reading", reading })),
        { seq: seqs[5], type: "event", event: event("e1") },
        ...want.slice(5).map((reading, i) => ({ seq: seqs[6 + i], type: "reading", reading })),
      ]);
    });

    test("machines added to the table are kept, each time it changes, in order with the rest", async () => {
      const { log: a, location } = await log();
      const m = (machine: string, year: number | null) => ({
        machine,
        attributes: { model: "Chun Zu CTR-20 ü", year },
        receivedAt: 1_750_000_000_000 + (year ?? 0),
      });
      const [s1] = await a.appendReadings([reading(0)]);
      const s2 = await a.appendMachines([m("R-09", 2024), m("R-10", null)]);
      // The same machine again (its attributes corrected) is a second entry, not ignored as a duplicate id.
      const s3 = await a.appendMachines([m("R-09", 2023)]);
      assert.equal(s2.length + s3.length, 3);
      await a.close();
      const { log: b } = await log(location);
      assert.deepStrictEqual(await b.entriesAfter(s1), [
        { seq: s2[0], type: "machine", machine: m("R-09", 2024) },
        { seq: s2[1], type: "machine", machine: m("R-10", null) },
        { seq: s3[0], type: "machine", machine: m("R-09", 2023) },
      ]);
    });

    test("an event id is stored once, however often it is appended", async () => {
      const { log: a } = await log();
      assert.equal((await a.appendEvents([event("same")])).length, 1);
      assert.deepEqual(await a.appendEvents([event("same")]), []);
      assert.equal((await a.appendEvents([event("same"), event("other")])).length, 1);
      // Readings may share nothing with events: a reading id equal to an event id is a reading.
      await a.appendReadings([{ ...reading(1), id: "same" }]);
      const ids = (await a.entriesAfter(0)).map((e) => `${e.type}:${idOf(e)}`);
      assert.deepEqual(ids, ["event:same", "event:other", "reading:same"]);
    });

    test("entriesAfter(seq) returns exactly the later entries, and pages with a limit", async () => {
      const { log: a } = await log();
      const seqs = await a.appendReadings(Array.from({ length: 10 }, (_, i) => reading(i)));
      for (const k of [0, 3, 9]) {
        const later = await a.entriesAfter(seqs[k]);
        assert.deepEqual(
          later.map((e) => e.seq),
          seqs.slice(k + 1),
        );
      }
      assert.deepEqual(await a.entriesAfter(seqs[9]), []);
      assert.deepEqual(
        (await a.entriesAfter(seqs[2], 4)).map((e) => e.seq),
        seqs.slice(3, 7),
      );
    });

    test("two logs on one location appending at once keep one total order, and a reader polling meanwhile misses nothing", async () => {
      const { log: a, location } = await log();
      const { log: b } = await log(location);
      const { log: reader } = await log(location);
      const bySeq = new Map<number, string>();
      const writes = [a, b].map(async (l, w) => {
        for (let i = 0; i < 40; i++) {
          const rows = [reading(w * 1000 + i * 2), reading(w * 1000 + i * 2 + 1)];
          const seqs = await l.appendReadings(rows);
          for (let j = 0; j < seqs.length; j++) bySeq.set(seqs[j], rows[j].id);
        }
      });
      // Polling "after the last seq I saw" while both write: a seq handed out before another that
      // commits first would be skipped here for good.
      const seen: number[] = [];
      let done = false;
      const poll = (async () => {
        let last = 0;
        while (!done) {
          for (const e of await reader.entriesAfter(last)) {
            seen.push(e.seq);
            last = e.seq;
          }
          await new Promise((r) => setImmediate(r));
        }
        for (const e of await reader.entriesAfter(last)) seen.push(e.seq);
      })();
      await Promise.all(writes);
      done = true;
      await poll;
      const all = await reader.entriesAfter(0);
      assert.equal(all.length, 160);
      assert.equal(bySeq.size, 160, "every seq handed out once");
      for (const e of all)
        assert.equal(idOf(e), bySeq.get(e.seq), `seq ${e.seq} is what its writer was told`);
      assert.deepEqual(
        seen,
        all.map((e) => e.seq),
        "the polling reader saw every entry once, in order",
      );
    });

    test("exclusive: a step sees every entry before it, and its own go right after them", async () => {
      const { log: a, location } = await log();
      const { log: b } = await log(location);
      // Each step appends a reading whose value is how many entries the log had before it: in the
      // final log, entry k must carry k, or another writer slipped in between a step's look and its write.
      const run = async (l: HistoryLog, w: number) => {
        let applied = 0;
        let count = 0;
        for (let i = 0; i < 25; i++) {
          const { seqs, lastSeq, result } = await l.exclusive(applied, (entries) => {
            count += entries.length;
            const r = { ...reading(w * 100 + i), values: [count, w] };
            count += 1;
            return { append: [{ type: "reading", reading: r }], result: entries.length };
          });
          assert.equal(seqs.length, 1);
          assert.equal(lastSeq, seqs[0]);
          assert.ok(result >= 0);
          applied = lastSeq;
        }
      };
      await Promise.all([run(a, 1), run(b, 2)]);
      const all = await a.entriesAfter(0);
      assert.equal(all.length, 50);
      all.forEach((e, k) => {
        assert.equal(e.type, "reading");
        if (e.type === "reading") assert.equal(e.reading.values[0], k, `entry ${k}`);
      });
      const empty = await a.exclusive(all[49].seq, (entries) => ({ append: [], result: entries.length }));
      assert.deepEqual(empty, { result: 0, seqs: [], lastSeq: all[49].seq });
    });

    test("shadow scores are kept beside the champion's, exactly, newest last; replay never sees them", async () => {
      const { log: a, location } = await log();
      await a.appendReadings([reading(0), reading(1), reading(2)]);
      const shadow = (i: number, version = "2.0.0"): ShadowScore => ({
        id: reading(i).id,
        machine: reading(i).machine,
        time: reading(i).time,
        modelVersion: version,
        failureProbability: [0.1 + 0.2, 5e-324, 1 / 3][i % 3],
        championVersion: "1.0.0",
        championProbability: reading(i).failureProbability,
        scoredAt: 1_750_000_000_123 + i,
      });
      await a.appendShadow([shadow(0), shadow(1)]);
      await a.appendShadow([shadow(2), { ...shadow(0), failureProbability: 0.9 }]); // same id and version: ignored
      await a.appendShadow([]);
      await a.close();
      const { log: b } = await log(location);
      assert.deepEqual(await b.shadowScores(10), [shadow(0), shadow(1), shadow(2)]);
      assert.deepEqual(await b.shadowScores(2), [shadow(1), shadow(2)], "the newest, oldest first");
      assert.equal((await b.entriesAfter(0)).length, 3, "the history holds the readings only");
    });

    test("labels: judged by prediction id, the first one kept, logged with their reading's machine and time", async () => {
      const { log: a, location } = await log(undefined, true);
      await a.appendReadings([reading(0), reading(1), reading(2)]);
      await a.appendEvents([event("e-1")]);
      assert.deepEqual(
        await a.appendLabels([label(0, 1, { tool: 1 }), { ...label(9, 0) }, label(1, 0), label(1, 1)]),
        ["accepted", "unknown", "accepted", "conflict"],
        "an id no reading has is unknown; a batch's second label for an id is judged against its first",
      );
      assert.deepEqual(
        await a.appendLabels([label(0, 1, { tool: 1 }), label(0, 1), label(0, 0, { tool: 1 }), label(1, 0)]),
        ["duplicate", "conflict", "conflict", "duplicate"],
        "the same label and modes again is a duplicate; any difference a conflict",
      );
      assert.deepEqual(
        await a.appendLabels([{ ...label(0, 1), id: "e-1" }]),
        ["unknown"],
        "an event is no prediction",
      );
      assert.deepEqual(await a.appendLabels([]), []);
      const s = await a.appendReadings([reading(3)]);
      await a.close();
      const { log: b } = await log(location, true);
      const all = await b.entriesAfter(0);
      assert.deepEqual(
        all.map((e) => `${e.type}:${idOf(e)}`),
        [0, 1, 2]
          .map((i) => `reading:${reading(i).id}`)
          .concat(
            "event:e-1",
            `label:${reading(0).id}`,
            `label:${reading(1).id}`,
            `reading:${reading(3).id}`,
          ),
        "labels in the log's order, after their readings",
      );
      const labels = all.flatMap((e) => (e.type === "label" ? [e.label] : []));
      assert.deepStrictEqual(labels, [
        { ...label(0, 1, { tool: 1 }), machine: reading(0).machine, time: reading(0).time },
        { ...label(1, 0), machine: reading(1).machine, time: reading(1).time },
      ]);
      assert.equal(all.at(-1)?.seq, s[0]);
    });

    test("labels sent to two logs on one location at once: one label per prediction, the other a conflict", async () => {
      const { log: a, location } = await log(undefined, true);
      const { log: b } = await log(location, true);
      const n = 30;
      await a.appendReadings(Array.from({ length: n }, (_, i) => reading(i)));
      const ids = Array.from({ length: n }, (_, i) => i);
      const [ra, rb] = await Promise.all([
        Promise.all(ids.map((i) => a.appendLabels([label(i, 1)]))),
        Promise.all(ids.map((i) => b.appendLabels([label(i, 0)]))),
      ]);
      const logged = new Map(
        (await a.entriesAfter(0)).flatMap((e) => (e.type === "label" ? [[e.label.id, e.label.label]] : [])),
      );
      assert.equal(logged.size, n, "one label each");
      for (const i of ids) {
        const outcomes = [ra[i][0], rb[i][0]].sort();
        assert.deepEqual(outcomes, ["accepted", "conflict"], `prediction ${i}`);
        assert.equal(
          logged.get(reading(i).id),
          ra[i][0] === "accepted" ? 1 : 0,
          `prediction ${i}: the accepted one`,
        );
      }
    });

    test("a group's readings of every shape come back exactly, in order, each found by its id", async () => {
      const { log: a, location } = await log(undefined, true);
      // Ids sharing no prefix (a row each), astral characters (code point order differs from
      // UTF-16's), a model changed inside the group, other heads, another number of values.
      const odd: LoggedReading[] = [
        { ...reading(0), id: "short-1" },
        { ...reading(1), id: "01975a3c-1f\u{1F600}a" },
        { ...reading(2), id: "01975a3c-1f\uFF21b" },
        { ...reading(3), modelVersion: "1.1.0", values: [] },
        { ...reading(4), heads: { coolant_pump: 0.5, spindle_bearing: null } },
        { ...reading(5), heads: {}, values: [-0, Number.NaN, 1e-310] },
        { ...reading(6), id: "01975a3c-1f\uFF21a" },
        reading(7),
      ];
      const seqs = await a.appendReadings(odd);
      const more = await a.appendReadings(Array.from({ length: 300 }, (_, i) => reading(100 + i)));
      assert.equal(seqs.length, odd.length);
      await a.close();
      const { log: b } = await log(location, true);
      const got = await b.entriesAfter(0);
      const want = [...odd, ...Array.from({ length: 300 }, (_, i) => reading(100 + i))].map((r) => ({
        ...r,
        values: r.values.map((v) => (Number.isNaN(v) ? null : v)), // NaN is logged as null, as JSON did
      }));
      assert.deepStrictEqual(
        got.map((e) => (e.type === "reading" ? e.reading : e)),
        want,
      );
      assert.deepEqual(
        got.map((e) => e.seq),
        [...seqs, ...more],
      );
      assert.ok(Object.is((got[5] as { reading: LoggedReading }).reading.values[0], -0), "-0 kept");
      const outcomes = await b.appendLabels(
        want.map((r, i) => ({ ...label(0, 1), id: r.id, receivedAt: i })),
      );
      assert.deepEqual(
        outcomes,
        want.map(() => "accepted"),
      );
      const labelled = (await b.entriesAfter(more[299])).flatMap((e) =>
        e.type === "label" ? [e.label] : [],
      );
      assert.deepEqual(
        labelled.map((l) => [l.id, l.machine, l.time]),
        want.map((r) => [r.id, r.machine, r.time]),
      );
      assert.deepEqual(
        await b.appendLabels([
          { ...label(0, 1), id: "01975a3c-1f\uFF21c" },
          { ...label(0, 1), id: "01975a3c-1f" },
        ]),
        ["unknown", "unknown"],
        "inside a row's id range is not in the row",
      );
    });

    test("pages with a limit cut across groups and inside them, and miss nothing", async () => {
      const { log: a } = await log();
      const all: number[] = [];
      for (const n of [10, 1, 25, 3])
        all.push(...(await a.appendReadings(Array.from({ length: n }, (_, i) => reading(all.length + i)))));
      all.push(...(await a.appendEvents([event("e-mid")])));
      all.push(...(await a.appendReadings([reading(50), reading(51)])));
      for (const limit of [1, 4, 7, 100]) {
        const seen: number[] = [];
        for (let last = 0, pages = 0; ; pages++) {
          assert.ok(pages <= all.length, "the pages come to an end");
          const page = await a.entriesAfter(last, limit);
          assert.ok(page.length <= limit);
          if (page.length < limit)
            assert.equal(seen.length + page.length, all.length, "short only at the end");
          seen.push(...page.map((e) => e.seq));
          if (page.length < limit) break;
          last = page[page.length - 1].seq;
        }
        assert.deepEqual(seen, all, `limit ${limit}`);
      }
    });
  });
}
