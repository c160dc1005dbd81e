// The history log's checkpoint thread, started by the writer thread (sqlite-checkpoints.ts): copies
// the WAL into the database file on a connection of its own, so the writer thread goes on
// committing meanwhile. A checkpoint run by the writer thread itself took 7.5–14 ms on a shared disk,
// with every commit behind it waiting (BENCHMARKS.md "Serving"). PASSIVE: it waits for no reader or
// writer, copies what is committed, and syncs the database file (synchronous = FULL).
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const port = parentPort;
if (!port) throw new Error("history sqlite-checkpoint-worker must run as a worker thread");
const db = new Database((workerData as { path: string }).path, { fileMustExist: true });
db.pragma("synchronous = FULL");
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");

port.on("message", (m: "checkpoint" | "close") => {
  if (m === "close") {
    db.close();
    port.close();
    return;
  }
  let error: string | null = null;
  try {
    passive.get();
  } catch (e) {
    error = (e as Error).message; // busy or I/O: the writer thread asks again after more commits
  }
  port.postMessage({ error });
});
