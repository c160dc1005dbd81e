// The SQLite writer thread: owns the store's only write connection, so the fsync of every commit
// (synchronous=FULL) blocks this thread, never the main event loop. Prediction groups are appended
// to the journal and answered once committed; between messages the thread moves journal rows into
// the predictions table in small steps (journal.ts). Requests that read predictions here
// (feedback, "compact") and "close" wait, in arrival order, until the journal rows that existed when
// they arrived have moved; everything else is handled at once, in arrival order.
import { parentPort, workerData } from "node:worker_threads";
import { COMPACT_CHUNK, Journal } from "./journal.js";
import { openWriterConnection } from "./writer-open.js";
import { type WriterInit, type WriterReply, type WriterRequest, toWire as wire } from "./writer-protocol.js";
import { prepareShadowRows, prepareWrites } from "./writes.js";
import type { JournalGroup } from "./journal.js";
import type { PackedShadow } from "./shadow-pack.js";

const port = parentPort;
if (!port) throw new Error("sqlite-writer-worker must run as a worker thread");
const init = workerData as WriterInit;

const { db, apply, journal, logWithShadow } = openWriterConnection(
  port,
  init,
  {
    // No automatic checkpoints: SQLite would run one inside whichever commit crosses the WAL size
    // limit, often an append a request is waiting for. The mover checkpoints instead (step()).
    pragmas: ["foreign_keys = ON", "wal_autocheckpoint = 0"],
  },
  (db) => {
    const journal = new Journal(db);
    const shadowRows = prepareShadowRows(db);
    return {
      apply: prepareWrites(db),
      journal,
      // An answers' commit that carries shadow scores (store/shadow-rides.ts): one transaction, the
      // shadow rows in a savepoint of it, so rows that fail fail alone (their message is the result).
      logWithShadow: db.transaction((groups: JournalGroup[], shadow: PackedShadow[]): string | null => {
        journal.appendAll(groups);
        try {
          shadowRows(shadow);
          return null;
        } catch (e) {
          return (e as Error).message;
        }
      }),
    };
  },
);

// When the thread moves journal rows (README "The prediction log"):
// - idle (no append for IDLE_MS), or a reader is waiting, or the backlog is over MAX_BACKLOG: step
//   after step, at full speed;
// - while appends keep coming: one step, then a pause three times as long, so moving takes at most a
//   quarter of this thread's time, and a burst of predictions keeps the CPU. The backlog left by a
//   burst is moved once the burst is over (bench/serve.ts reports how long that takes).
const IDLE_MS = 20;
const LOAD_SHARE = 0.25;
const MAX_BACKLOG = 1_000_000;

/** Requests waiting for the journal to be moved through `seq`, in arrival order. */
const waiting: { seq: number; m: WriterRequest }[] = [];
let pending: "immediate" | NodeJS.Timeout | null = null;
let retrying = false;
let closed = false;
let lastAppend = 0;
let backlog = 0;
/** Commits since the last checkpoint. */
let commits = 0;
// About SQLite's default of 1,000 WAL pages: a step writes ~30 pages, an append a few.
const CHECKPOINT_EVERY = 32;

/** Copies the WAL into the database file when enough was written, or when the mover goes idle. */
function maybeCheckpoint(idle: boolean): void {
  if (commits === 0 || (!idle && commits < CHECKPOINT_EVERY)) return;
  commits = 0;
  try {
    journal.checkpoint();
  } catch {
    // PASSIVE never waits; a failure (busy, I/O) is retried at the next opportunity.
  }
}

let idleCheck: NodeJS.Timeout | null = null;

/** Checkpoints once no append has come for IDLE_MS (unless the mover is busy: it checkpoints then). */
function checkpointWhenIdle(): void {
  if (idleCheck !== null || closed) return;
  idleCheck = setTimeout(() => {
    idleCheck = null;
    if (closed) return;
    if (performance.now() - lastAppend < IDLE_MS) checkpointWhenIdle();
    else if (pending === null) maybeCheckpoint(true);
  }, IDLE_MS);
}

/** Runs a step soon: now if `urgent` (a reader waits) or nothing is scheduled yet. */
function schedule(urgent = false): void {
  if (closed || retrying) return;
  if (pending !== null) {
    if (pending === "immediate" || !urgent) return;
    clearTimeout(pending); // a paused mover is woken up for a reader
  }
  pending = "immediate";
  // setImmediate runs after the messages already received are handled.
  setImmediate(step);
}

function step(): void {
  pending = null;
  if (closed) return;
  const t0 = performance.now();
  let moved: number;
  try {
    moved = journal.step(COMPACT_CHUNK);
  } catch (e) {
    // The rows stay in the journal (durable, still counted) and are retried; a reader waiting for
    // them gets the error instead of waiting forever. "close" still closes: the rows wait in the
    // file for the next open.
    for (const w of waiting.splice(0)) {
      if (w.m.op === "close") handle(w.m);
      else port?.postMessage({ id: w.m.id, ok: false, error: wire(e) });
    }
    retrying = true;
    setTimeout(() => {
      retrying = false;
      schedule();
    }, 1000);
    return;
  }
  backlog = Math.max(0, backlog - moved);
  if (moved > 0) commits++;
  while (waiting.length > 0 && journal.movedThrough(waiting[0].seq)) handle(waiting.shift()!.m);
  if (moved === 0 && waiting.length === 0) {
    backlog = 0;
    // Caught up is not idle: under a steady stream of single readings the mover catches up after
    // almost every append, and a checkpoint there (its fsyncs included) delayed the next append.
    // Measured at 64 connections: 2,283 checkpoints in 14 s (0.75 ms each, up to 15 ms) against
    // 285 this way. So: the usual every-CHECKPOINT_EVERY one now, the idle one once appends stop.
    if (performance.now() - lastAppend >= IDLE_MS) maybeCheckpoint(true);
    else {
      maybeCheckpoint(false);
      checkpointWhenIdle();
    }
    return;
  }
  maybeCheckpoint(false);
  const t1 = performance.now();
  if (waiting.length > 0 || backlog > MAX_BACKLOG || t1 - lastAppend >= IDLE_MS) {
    pending = "immediate";
    setImmediate(step);
  } else {
    pending = setTimeout(step, ((t1 - t0) * (1 - LOAD_SHARE)) / LOAD_SHARE);
  }
}

function handle(m: WriterRequest): void {
  let reply: WriterReply;
  try {
    switch (m.op) {
      case "log":
        if (m.shadow && m.shadow.length > 0) {
          reply = { id: m.id, ok: true, result: { shadowError: logWithShadow(m.groups, m.shadow) } };
        } else {
          journal.appendAll(m.groups);
          reply = { id: m.id, ok: true };
        }
        commits++;
        lastAppend = performance.now();
        for (const g of m.groups) backlog += g.n;
        schedule();
        break;
      case "close":
        closed = true;
        if (pending !== null && pending !== "immediate") clearTimeout(pending);
        if (idleCheck !== null) clearTimeout(idleCheck);
        db.close();
        port?.postMessage({ id: m.id, ok: true } satisfies WriterReply);
        port?.close();
        return;
      case "compact":
        reply = { id: m.id, ok: true };
        break;
      default:
        reply = { id: m.id, ok: true, result: apply(m) };
        commits++;
        schedule(); // the mover's step also checkpoints what this wrote
    }
  } catch (e) {
    reply = { id: m.id, ok: false, error: wire(e) };
  }
  port?.postMessage(reply);
}

port.on("message", (m: WriterRequest) => {
  const needsJournalMoved = m.op === "feedback" || m.op === "compact" || m.op === "close";
  if (!needsJournalMoved) return handle(m);
  let seq = 0;
  try {
    seq = journal.lastSeq();
  } catch (e) {
    port.postMessage({ id: m.id, ok: false, error: wire(e) } satisfies WriterReply);
    return;
  }
  // Behind an earlier waiter, or rows to move first: wait (keeps the arrival order).
  if (waiting.length > 0 || !journal.movedThrough(seq)) {
    waiting.push({ seq, m });
    schedule(true);
    return;
  }
  handle(m);
});

// Rows left by a process that died before moving them are moved now.
backlog = journal.backlog();
schedule();
port.postMessage({ id: 0, ready: true } satisfies WriterReply);
