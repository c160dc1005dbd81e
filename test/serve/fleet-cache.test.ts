// The fleet board's cache (serve/fleet-cache.ts) keeps predictions by column, yet reads back exactly
// the records it was given: the last `perMachine` per machine, in order, from single records and from
// columnar batches alike, odd mode sets and null modes included.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { FleetCache } from "../../src/serve/fleet-cache.js";
import { batchRecords } from "../../src/store/batch.js";
import type { PredictionRecord } from "../../src/store/types.js";
import { makeBatch, makeRecord } from "../store/records.js";

const MACHINES = ["M01", "Drehbank-Ä", "M03"];

test("history, readings and summary equal the last records given, single or batched, in order", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant("one" as const), i: fc.nat(500), m: fc.nat(2), odd: fc.boolean() }),
          fc.record({
            kind: fc.constant("batch" as const),
            n: fc.integer({ min: 1, max: 12 }),
            from: fc.nat(500),
          }),
        ),
        { maxLength: 25 },
      ),
      fc.integer({ min: 1, max: 9 }),
      (ops, perMachine) => {
        const cache = new FleetCache(perMachine);
        const want = new Map<string, PredictionRecord[]>();
        const keep = (r: PredictionRecord) => {
          const id = r.reading.machine_id;
          if (!id) return;
          const l = want.get(id) ?? [];
          l.push(r);
          want.set(id, l);
        };
        for (const op of ops) {
          if (op.kind === "one") {
            const r = makeRecord(op.i);
            if (r.reading.machine_id) r.reading.machine_id = MACHINES[op.m];
            if (op.odd) r.modes = { twf: 0.5, rnf: 0.1 }; // not the model's four heads: kept as it was
            if (op.i % 5 === 0) r.modes = { twf: null, hdf: 0, pwf: 1, osf: 0.25 };
            cache.add([r]);
            keep(r);
          } else {
            const b = makeBatch(op.n, op.from);
            if (b.machineId) b.machineId = b.machineId.map((x, k) => (x === undefined ? x : MACHINES[k % 3]));
            cache.addBatch(b);
            batchRecords(b).forEach(keep);
          }
        }
        assert.deepEqual(cache.machineIds(), [...want.keys()].sort());
        for (const [id, l] of want) {
          const tail = l.slice(-perMachine);
          assert.deepStrictEqual(cache.history(id), tail);
          const recent = cache.recentReadings(3).find((m) => m.id === id);
          assert.deepStrictEqual(
            recent?.history,
            tail.slice(-3).map((r) => r.reading),
          );
          const s = cache.summary().find((m) => m.machine_id === id);
          const last = tail[tail.length - 1];
          assert.equal(s?.failure_probability, last.failureProbability);
          assert.deepStrictEqual(s?.modes, last.modes);
          assert.deepStrictEqual(s?.reading, last.reading);
          assert.deepStrictEqual(
            s?.trend,
            tail.slice(-20).map((r) => r.failureProbability),
          );
        }
      },
    ),
    { numRuns: 300 },
  );
});

test("machines beyond the limit evict the oldest; a record without a machine id is not kept", () => {
  const cache = new FleetCache(4, null, 2);
  const r = (i: number, m: string) => {
    const x = makeRecord(i * 4);
    x.reading.machine_id = m;
    return x;
  };
  cache.add([r(0, "A"), r(1, "B"), r(2, "C"), makeRecord(3)]);
  assert.deepEqual(cache.machineIds(), ["B", "C"]);
  assert.equal(cache.history("A"), undefined);
});

test("with a table of known machines, 1,000 made-up ids never push a real machine off the board", () => {
  const known = new Set(Array.from({ length: 12 }, (_, i) => `M${i}`));
  const cache = new FleetCache(4, known, 1000, 100, 3);
  const r = (i: number, m: string) => {
    const x = makeRecord(i);
    x.reading.machine_id = m;
    return x;
  };
  cache.add([...known].map((m, i) => r(i, m)));
  // The probe from issue 18: one batch of 1,000 made-up machine ids.
  cache.add(Array.from({ length: 1000 }, (_, i) => r(i, `fake-${i}`)));
  assert.deepEqual(cache.machineIds(), [...known].sort());
  assert.equal(cache.summary().length, 12);
  assert.equal(cache.recentReadings().length, 12);
  // Unknown machines are kept apart, bounded: the last 100, 3 predictions each.
  assert.equal(cache.strangerIds().length, 100);
  assert.equal(cache.strangerIds()[99], "fake-999");
  assert.equal(cache.history("fake-999")?.length, 1);
  assert.equal(cache.history("fake-0"), undefined);
  for (let k = 0; k < 5; k++) cache.add([r(k, "fake-999")]);
  assert.equal(cache.history("fake-999")?.length, 3);
  // Registered later: it joins the board with what was kept.
  known.add("fake-999");
  cache.adopt("fake-999"); // what MachineTable.register calls
  cache.add([r(9, "fake-999")]);
  assert.ok(cache.tracked("fake-999"));
  assert.equal(cache.history("fake-999")?.length, 4);
  assert.equal(cache.strangerIds().includes("fake-999"), false);
});

test("summary pages by machine id: `after` a cursor, at most `limit`", () => {
  const cache = new FleetCache(4);
  for (const [i, m] of ["C", "A", "B", "D"].entries()) {
    const x = makeRecord(i);
    x.reading.machine_id = m;
    cache.add([x]);
  }
  assert.deepEqual(
    cache.summary(undefined, 2).map((m) => m.machine_id),
    ["A", "B"],
  );
  assert.deepEqual(
    cache.summary("B", 2).map((m) => m.machine_id),
    ["C", "D"],
  );
  assert.deepEqual(cache.summary("D", 2), []);
});
