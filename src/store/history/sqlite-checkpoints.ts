// When the history log's WAL is copied into its database file, and by which thread. The writer
// thread's commits must not wait for it (a checkpoint took 7.5–14 ms on a shared disk, BENCHMARKS.md
// "Serving"), so a thread of its own copies the WAL every CHECKPOINT_BYTES (sqlite-checkpoint-worker.ts).
// That thread can never restart the WAL from its beginning: SQLite restarts it when a write
// transaction begins with every frame copied, and under steady load the writer always has frames the
// other thread has not copied yet. So every TOP_UP_BYTES the writer thread copies the few frames
// left itself, between two transactions: the one stall left, and short (the bulk and its sync are
// done), where it used to copy all of it. Without the thread (it failed to start or died) the writer
// thread copies everything itself, every CHECKPOINT_BYTES, as it did before.
import type { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import { siblingWorkerUrl, spawnWorker } from "../thread.js";

/** About SQLite's default automatic checkpoint (1,000 pages of 4 KiB). */
export const CHECKPOINT_BYTES = 4 * 1024 * 1024;
/** How far the WAL grows before the writer thread restarts it. */
export const TOP_UP_BYTES = 4 * CHECKPOINT_BYTES;

const WORKER_URL = siblingWorkerUrl(import.meta.url, "sqlite-checkpoint-worker");
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 };

/** What ThreadCommits tells: a transaction committed, and the moment between two transactions. */
export interface WalGrowth {
  grew(bytes: number): void;
  between(): void;
}

export class WalCheckpoints implements WalGrowth {
  private thread: Worker | null;
  private inFlight = false;
  private sinceCheckpoint = 0;
  private sinceTopUp = 0;
  private readonly passive: Database.Statement;

  /** `path`: the log's file; null copies on the writer thread only (and in tests). */
  constructor(db: Database.Database, path: string | null) {
    this.passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    this.thread =
      path === null
        ? null
        : spawnWorker(WORKER_URL, { workerData: { path }, resourceLimits: RESOURCE_LIMITS });
    this.thread?.unref(); // an unclosed log must not keep the process alive
    this.thread?.on("message", () => {
      this.inFlight = false;
    });
    const gone = () => {
      this.thread = null;
      this.inFlight = false;
    };
    this.thread?.on("error", gone);
    this.thread?.on("exit", gone);
  }

  grew(bytes: number): void {
    this.sinceCheckpoint += bytes;
    this.sinceTopUp += bytes;
    if (this.sinceCheckpoint < CHECKPOINT_BYTES || this.inFlight) return;
    this.sinceCheckpoint = 0;
    if (this.thread === null) {
      this.copy();
      return;
    }
    this.inFlight = true;
    this.thread.postMessage("checkpoint");
  }

  between(): void {
    if (this.sinceTopUp < TOP_UP_BYTES || this.inFlight) return;
    this.copy();
  }

  /** Copies what is left of the WAL on the writer thread, waiting for no reader. */
  private copy(): void {
    this.sinceTopUp = 0;
    try {
      this.passive.get();
    } catch {
      // PASSIVE never waits; a failure (busy, I/O) is retried after the next commits.
    }
  }

  /** Ends the checkpoint thread (before the writer's connection closes, so it is the last). */
  close(): Promise<void> {
    const thread = this.thread;
    if (thread === null) return Promise.resolve();
    return new Promise((resolve) => {
      thread.once("exit", () => resolve());
      thread.ref(); // the wait for its end keeps the process alive
      thread.postMessage("close");
    });
  }
}
