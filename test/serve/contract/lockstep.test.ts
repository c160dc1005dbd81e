// The lock-step queue of a contract server in cluster mode, against an in-memory shared log: requests
// arriving together share one locked step; a failing request fails alone; a commit that fails after
// the state was changed makes the next step rebuild from the log first, and one that fails before
// does not.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LockStep, type LockStepTarget } from "../../../src/serve/contract/lockstep.js";
import type { HistoryLog, LogEntry, SeqEntry, StepOutput } from "../../../src/store/history/types.js";
import { rowOf } from "../../../src/store/history/entries.js";
import { reading } from "../../store/history-contract.js";

/** A shared log in memory; `failNext` makes the next exclusive fail before or after its step. */
class MemoryLog {
  readonly shared = true;
  entries: SeqEntry[] = [];
  calls = 0;
  failNext: "before" | "after" | null = null;
  async exclusive<T>(afterSeq: number, step: (e: SeqEntry[]) => StepOutput<T>) {
    this.calls++;
    const fail = this.failNext;
    this.failNext = null;
    if (fail === "before") throw new Error("connection refused");
    const { append, result } = step(this.entries.filter((e) => e.seq > afterSeq));
    if (fail === "after") throw new Error("connection lost at commit");
    const seqs = append.map((e: LogEntry) => {
      const s = { ...e, seq: this.entries.length + 1 } as SeqEntry;
      this.entries.push(s);
      return s.seq;
    });
    return { result, seqs, lastSeq: this.entries.length };
  }
}

/** A replica's state: the ids applied, in order (its own and the others'). */
class Target implements LockStepTarget {
  applied = 0;
  state: string[] = [];
  rebuilds = 0;
  constructor(private readonly log: MemoryLog) {}
  apply(e: SeqEntry) {
    this.state.push(rowOf(e).id);
    this.applied = e.seq;
  }
  async rebuild() {
    this.rebuilds++;
    this.state = [];
    this.applied = 0;
    for (const e of this.log.entries) this.apply(e);
  }
}

const own = (t: Target, i: number) => (): StepOutput<number> => {
  const r = reading(i);
  t.state.push(r.id);
  return { append: [{ type: "reading", reading: r }], result: i };
};

test("requests arriving together share one locked step; one that throws fails alone; others' entries come first", async () => {
  const log = new MemoryLog();
  log.entries.push({ seq: 1, type: "reading", reading: reading(99) }); // another replica's
  const t = new Target(log);
  const step = new LockStep(log as unknown as HistoryLog, t);
  const bad = () => {
    throw new Error("409: not after the machine's newest");
  };
  const out = await Promise.allSettled([step.run(own(t, 1)), step.run(bad), step.run(own(t, 2))]);
  assert.deepEqual(
    out.map((o) => o.status),
    ["fulfilled", "rejected", "fulfilled"],
  );
  assert.equal(log.calls, 1, "one transaction for the three");
  assert.deepEqual(t.state, [reading(99).id, reading(1).id, reading(2).id]);
  assert.equal(t.applied, 3, "own entries are behind the replica: never applied twice");
});

test("a commit failing after the step changed the state: all its requests fail, and the next step rebuilds from the log first", async () => {
  const log = new MemoryLog();
  const t = new Target(log);
  const step = new LockStep(log as unknown as HistoryLog, t);
  await step.run(own(t, 1));
  log.failNext = "before";
  await assert.rejects(step.run(own(t, 2)), /connection refused/);
  await step.run(own(t, 3));
  assert.equal(t.rebuilds, 0, "nothing had changed: no rebuild");
  log.failNext = "after";
  await assert.rejects(step.run(own(t, 4)), /connection lost/);
  assert.deepEqual(t.state.at(-1), reading(4).id, "the state has a reading the log has not");
  await step.run(own(t, 5));
  assert.equal(t.rebuilds, 1);
  assert.deepEqual(t.state, [reading(1).id, reading(3).id, reading(5).id], "the state is the log again");
});
