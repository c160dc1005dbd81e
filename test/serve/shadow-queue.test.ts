// The shadow's queue: nothing runs in the offering turn (the answer goes out first), batches are
// bounded, a full queue drops and counts, and a failing batch does not stop the next.
import assert from "node:assert/strict";
import { stat } from "node:fs";
import { test } from "node:test";
import { ShadowQueue } from "../../src/serve/shadow/queue.js";

test("offers run later, in order, in bounded batches; a full queue drops whole offers and counts them", async () => {
  const batches: number[][] = [];
  let dropped = 0;
  const q = new ShadowQueue<number[]>({
    capacity: 10,
    batch: 4,
    size: (it) => it.length,
    run: (items) => batches.push(items.flat()),
    dropped: (n) => {
      dropped += n;
    },
  });
  assert.equal(q.offer([1, 2]), true);
  assert.equal(q.offer([3, 4, 5]), true);
  assert.equal(q.offer([6, 7, 8, 9, 10]), true);
  assert.equal(q.offer([11]), false, "11 readings would not fit in 10");
  assert.deepEqual(batches, [], "nothing scored in the turn that offered");
  assert.equal(q.waiting, 10);
  await q.idle();
  // A batch takes whole offers until it holds at least 4 readings.
  assert.deepEqual(batches, [
    [1, 2, 3, 4, 5],
    [6, 7, 8, 9, 10],
  ]);
  assert.deepEqual([q.offered, q.dropped, dropped, q.waiting], [11, 1, 1, 0]);
  q.close();
  assert.equal(q.offer([12]), false, "closed: dropped");
});

test("a batch that throws is reported and the queue goes on", async () => {
  const errors: string[] = [];
  const done: number[] = [];
  const q = new ShadowQueue<number>({
    capacity: 100,
    batch: 1,
    size: () => 1,
    run: ([x]) => {
      if (x === 2) throw new Error("boom");
      done.push(x);
    },
    failed: (e) => errors.push((e as Error).message),
  });
  for (const x of [1, 2, 3]) q.offer(x);
  await q.idle();
  assert.deepEqual(done, [1, 3]);
  assert.deepEqual(errors, ["boom"]);
});

test("the scoring waits for the turn's own setImmediate work (the group commit's hand-over)", async () => {
  const order: string[] = [];
  const q = new ShadowQueue<number>({
    capacity: 100,
    batch: 10,
    size: () => 1,
    run: () => order.push("shadow"),
  });
  // As in the server: an I/O callback (the writer thread's reply) lets an answer go, whose inputs
  // are offered, and the next answers' group is handed to the writer in a setImmediate.
  await new Promise<void>((resolve) =>
    stat(".", () => {
      q.offer(1);
      setImmediate(() => order.push("commit"));
      resolve();
    }),
  );
  await q.idle();
  assert.deepEqual(order, ["commit", "shadow"]);
});
