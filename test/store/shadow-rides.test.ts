// ShadowRides on its own: rows taken in order across calls, each call settled once all of its rows
// are, a failure rejecting exactly the calls whose rows rode in the failed group.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ShadowRides } from "../../src/store/shadow-rides.js";

test("takes the oldest rows first, across calls, and settles each call when its last row does", async () => {
  const alone: number[][] = [];
  const rides = new ShadowRides<number>(async (rows) => {
    alone.push(rows);
  });
  const state: string[] = [];
  const a = rides.add([1, 2, 3]).then(
    () => state.push("a ok"),
    (e: Error) => state.push(`a ${e.message}`),
  );
  const b = rides.add([4, 5]).then(
    () => state.push("b ok"),
    (e: Error) => state.push(`b ${e.message}`),
  );
  assert.equal(rides.waiting, 5);
  const first = rides.take(2);
  const second = rides.take(2);
  assert.deepEqual(first?.rows, [1, 2]);
  assert.deepEqual(second?.rows, [3, 4], "one group may carry the end of one call and the start of the next");
  first?.settle();
  await Promise.resolve();
  assert.deepEqual(state, [], "a still has row 3 unsettled");
  second?.settle(new Error("disk full"));
  await a;
  assert.deepEqual(state, ["a disk full"]);
  await rides.flush(); // row 5 on its own
  await b;
  assert.deepEqual(alone, [[5]]);
  assert.deepEqual(state, ["a disk full", "b disk full"], "b's row 4 rode in the failed group");
  assert.equal(rides.take(10), null);
  rides.stop();
});

test("rows no group takes are committed on their own after the wait", async () => {
  const alone: number[][] = [];
  const rides = new ShadowRides<number>(async (rows) => {
    alone.push(rows);
  });
  await rides.add([7, 8]);
  assert.deepEqual(alone, [[7, 8]]);
  assert.equal(rides.waiting, 0);
  rides.stop();
});
