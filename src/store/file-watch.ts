// Watches the history log's SQLite file, for the two ways the disk can betray an acknowledged
// prediction (issue 18):
// - the data directory is deleted while serving: SQLite keeps writing into the unlinked inode, every
//   commit "succeeds" and is gone. An fd held open on the file shows it: its link count drops to 0.
// - the disk is full: SQLite answers SQLITE_FULL. That is the client's 503, not an internal error,
//   and readiness must say so until space returns (checked with statfs, not by waiting for traffic
//   that a not-ready pod never gets).
import { closeSync, fstatSync, openSync, statfsSync } from "node:fs";
import { dirname } from "node:path";
import { MillwrightError } from "../core/errors.js";
import type { WriteProblem } from "./write-problem.js";

/** Free space below this after a disk-full error keeps the store refusing writes. */
const MIN_FREE_BYTES = 1024 * 1024;

/** A write problem as the error the client hears. */
const refusal = (p: WriteProblem) => new MillwrightError(p.code, p.reason);

export class FileWatch {
  private fd: number | null = null;
  private full = false;
  private gone = false;

  constructor(private readonly path: string) {}

  open(): void {
    if (this.path !== ":memory:" && this.fd === null) this.fd = openSync(this.path, "r");
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** The current problem, re-checked now (an fstat, and a statfs while the disk was full). */
  problem(): WriteProblem | null {
    if (!this.gone && this.fd !== null) {
      try {
        this.gone = fstatSync(this.fd).nlink === 0;
      } catch {
        this.gone = true;
      }
    }
    return this.known();
  }

  /**
   * The problem as last seen, without the fstat: a deleted file stays deleted, and only a full disk
   * is re-checked (statfs), so that freed space lets writes in again. Enough before a write: a
   * deletion not seen yet is seen by the fstat after it (guard), before anything is acknowledged.
   */
  known(): WriteProblem | null {
    if (this.full && !this.gone && this.freeBytes() >= MIN_FREE_BYTES) this.full = false;
    return this.current();
  }

  /**
   * Runs a write, refusing it while the disk is known to be full or the file deleted, and
   * re-checking the file after it (an fstat): a commit into a deleted file is not durable and must
   * not be acknowledged. The log guards each group commit, not each request in it: one fstat per
   * commit answers for every request the commit carried.
   */
  guard<T>(fn: () => T | Promise<T>): Promise<T> | T {
    const before = this.known();
    if (before) throw refusal(before);
    // After a failed write: a deleted file shows up as all sorts of SQLite errors, and the cause is
    // what the client hears; a disk-full error becomes MW_DISK_FULL (and the state); others pass.
    const fail = (e: unknown): never => {
      const p = this.problem();
      if (p?.code === "MW_DATA_DIR_GONE") throw refusal(p);
      const code = (e as { code?: unknown } | null)?.code;
      if (code !== "SQLITE_FULL" && code !== "ENOSPC") throw e;
      this.full = true;
      throw refusal(this.current()!);
    };
    const done = (v: T): T => {
      const after = this.problem();
      if (after) throw refusal(after);
      this.full = false; // a write went through: the disk has room again
      return v;
    };
    let r: T | Promise<T>;
    try {
      r = fn();
    } catch (e) {
      return fail(e);
    }
    return r instanceof Promise ? r.then(done, fail) : done(r);
  }

  private current(): WriteProblem | null {
    if (this.gone)
      return {
        code: "MW_DATA_DIR_GONE",
        reason: `the history log's file was deleted while serving (data directory removed); predictions are refused until the server is restarted`,
      };
    if (this.full)
      return {
        code: "MW_DISK_FULL",
        reason: `the history log's disk is full; predictions are refused until space is freed`,
      };
    return null;
  }

  private freeBytes(): number {
    try {
      const s = statfsSync(dirname(this.path));
      return s.bavail * s.bsize;
    } catch {
      return 0;
    }
  }
}
