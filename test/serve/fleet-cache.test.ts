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
            if (op.i % 5 === 0) r.modes = { twf: null as unknown as number, hdf: 0, pwf: 1, osf: 0.25 };
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
  const cache = new FleetCache(4, 2);
  const r = (i: number, m: string) => {
    const x = makeRecord(i * 4);
    x.reading.machine_id = m;
    return x;
  };
  cache.add([r(0, "A"), r(1, "B"), r(2, "C"), makeRecord(3)]);
  assert.deepEqual(cache.machineIds(), ["B", "C"]);
  assert.equal(cache.history("A"), undefined);
});
