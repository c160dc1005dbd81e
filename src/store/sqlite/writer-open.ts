// How a writer thread opens its write connection (history/sqlite-writer-worker.ts for a contract
// model's history): its pragmas, and its way of failing: the main thread is told why, in the ready message SqliteWriter.start()
// waits for, and the thread ends.
import type { MessagePort } from "node:worker_threads";
import Database from "better-sqlite3";
import { type WriterInit, type WriterReply, toWire } from "./writer-protocol.js";

/**
 * The connection to the file the main thread created, with what `prepare` makes of it (statements,
 * transactions). Does not return when the file cannot be opened for writing or `prepare` throws: it
 * reports that and ends the thread.
 */
export function openWriterConnection<T>(
  port: MessagePort,
  init: WriterInit,
  prepare: (db: Database.Database) => T,
): { db: Database.Database } & T {
  try {
    const db = new Database(init.path, { fileMustExist: true });
    try {
      db.pragma(`busy_timeout = ${init.busyTimeoutMs}`);
      db.pragma("journal_mode = WAL");
      // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and an
      // acknowledged record must survive that.
      db.pragma("synchronous = FULL");
      // No automatic checkpoints: the thread runs them between commits, not inside one
      // (history/sqlite-thread-commit.ts).
      db.pragma("wal_autocheckpoint = 0");
      return { db, ...prepare(db) };
    } catch (e) {
      db.close();
      throw e;
    }
  } catch (e) {
    port.postMessage({ id: 0, ready: false, error: toWire(e) } satisfies WriterReply);
    process.exit(1); // ends this thread only; SqliteWriter.start() rejects with the message above
  }
}
