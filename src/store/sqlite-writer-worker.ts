// The SQLite writer thread: owns the store's only write connection, so the fsync of every commit
// (synchronous=FULL) blocks this thread, never the main event loop. Requests are handled one at a
// time in arrival order, and each reply is posted only after its transaction committed.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { WireError, WriterInit, WriterReply, WriterRequest } from "./sqlite-writer-protocol.js";
import { prepareWrites } from "./sqlite-writes.js";

const port = parentPort;
if (!port) throw new Error("sqlite-writer-worker must run as a worker thread");
const init = workerData as WriterInit;

const wire = (e: unknown): WireError => {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { message: err.message, name: err.name, code: typeof code === "string" ? code : undefined };
};

/** Opens the write connection and prepares the statements; throws if the file cannot be written. */
function open(path: string, busyTimeoutMs: number) {
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma("journal_mode = WAL");
    // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and an
    // acknowledged prediction must survive that.
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    return { db, apply: prepareWrites(db) };
  } catch (e) {
    db.close();
    throw e;
  }
}

let conn: ReturnType<typeof open>;
try {
  conn = open(init.path, init.busyTimeoutMs);
} catch (e) {
  port.postMessage({ id: 0, ready: false, error: wire(e) } satisfies WriterReply);
  process.exit(1); // ends this thread only; start() rejects with the message above
}
const { db, apply } = conn;

port.on("message", (m: WriterRequest) => {
  let reply: WriterReply;
  try {
    if (m.op === "close") {
      db.close();
      port.postMessage({ id: m.id, ok: true } satisfies WriterReply);
      port.close();
      return;
    }
    reply = { id: m.id, ok: true, result: apply(m) };
  } catch (e) {
    reply = { id: m.id, ok: false, error: wire(e) };
  }
  port.postMessage(reply);
});

port.postMessage({ id: 0, ready: true } satisfies WriterReply);
