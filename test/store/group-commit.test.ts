// GroupCommitter with two flushes in flight (the SQLite writer-thread mode): group N+1 is handed
// over while N commits, at most two at once, callers settle only with their own group, and drain()
// waits for both.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GroupCommitter } from "../../src/store/group-commit.js";

interface Deferred {
  records: number[];
  done: () => void;
  fail: (e: Error) => void;
}

function harness(maxInFlight: number) {
  const writes: Deferred[] = [];
  let running = 0;
  let peak = 0;
  const gc = new GroupCommitter<number>({
    maxInFlight,
    write: (records) =>
      new Promise<void>((resolve, reject) => {
        running++;
        peak = Math.max(peak, running);
        const end = () => running--;
        writes.push({
          records: [...records],
          done: () => {
            end();
            resolve();
          },
          fail: (e) => {
            end();
            reject(e);
          },
        });
      }),
  });
  return { gc, writes, peak: () => peak };
}

const turn = () => new Promise((r) => setImmediate(r));

test("two groups in flight: the next is handed over before the first commits, never a third", async () => {
  const { gc, writes, peak } = harness(2);
  const settled: number[] = [];
  const call = (x: number) => gc.enqueue([x]).then(() => settled.push(x));
  const a = [call(1), call(2)];
  await turn();
  assert.equal(writes.length, 1, "first group flushed on the next turn");
  assert.deepEqual(writes[0].records, [1, 2]);
  const b = [call(3)];
  await turn();
  assert.equal(writes.length, 2, "second group handed over while the first is still committing");
  assert.deepEqual(writes[1].records, [3]);
  const c = [call(4), call(5)];
  await turn();
  assert.equal(writes.length, 2, "a third waits for a slot");
  assert.deepEqual(settled, [], "nothing resolves before its commit");
  writes[0].done();
  await Promise.all(a);
  assert.deepEqual(settled, [1, 2]);
  await turn();
  assert.equal(writes.length, 3);
  assert.deepEqual(writes[2].records, [4, 5]);
  const drained = gc.drain().then(() => "drained");
  writes[1].done();
  await Promise.all(b);
  assert.equal(await Promise.race([drained, turn().then(() => "waiting")]), "waiting");
  writes[2].done();
  await Promise.all(c);
  assert.equal(await drained, "drained");
  assert.deepEqual(settled, [1, 2, 3, 4, 5]);
  assert.equal(peak(), 2);
  assert.deepEqual(gc.stats, { flushes: 3, records: 5, failedFlushes: 0 });
});

test("one group in flight by default; a failed group rejects only its own callers", async () => {
  const { gc, writes, peak } = harness(1);
  const p1 = gc.enqueue([1]);
  await turn();
  const p2 = gc.enqueue([2]);
  await turn();
  assert.equal(writes.length, 1, "default: the next group waits for the running one");
  writes[0].fail(new Error("disk on fire"));
  await assert.rejects(p1, /disk on fire/);
  await turn();
  assert.equal(writes.length, 2);
  writes[1].done();
  await p2;
  assert.equal(peak(), 1);
  assert.deepEqual(gc.stats, { flushes: 2, records: 1, failedFlushes: 1 });
});
