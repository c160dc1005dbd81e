// Main-thread handle on a SQLite writer thread (the history log's, history/sqlite-writer-worker.ts):
// numbered requests, one promise each, settled by the worker's reply, which it posts only after the
// transaction committed. If the thread dies, every pending request rejects (its outcome is unknown:
// a replay is safe, the inserts are idempotent) with an SQLITE_IOERR-coded error, which
// isUnavailableError() classifies as "database unreachable".
import type { Worker } from "node:worker_threads";
import type { WireError, WriterInit, WriterReply } from "./writer-protocol.js";
import { spawnWorker } from "../thread.js";

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

// The thread holds little: one group being moved and its statements. Without limits V8 sizes its
// heap like the main thread's, and the young generation alone added ~40 MB of RSS under load.
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 128 };

function fromWire(w: WireError): Error {
  const e = new Error(w.message);
  if (w.name && w.name !== "Error") e.name = w.name;
  if (w.code) Object.assign(e, { code: w.code });
  return e;
}

const writerGone = (path: string, why: string): Error =>
  Object.assign(new Error(`SQLite writer thread for ${path} is gone (${why}); commit outcome unknown`), {
    code: "SQLITE_IOERR",
  });

export class SqliteWriter {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    path: string,
  ) {
    worker.on("message", (m: WriterReply) => this.onReply(m));
    worker.on("error", (e) => this.fail(writerGone(path, e.message)));
    worker.on("exit", (code) => this.fail(writerGone(path, `exited with code ${code}`)));
  }

  /** Starts the thread and resolves once its connection is open (WAL, synchronous=FULL). */
  static start(init: WriterInit, workerUrl: URL): Promise<SqliteWriter> {
    const worker = spawnWorker(workerUrl, { workerData: init, resourceLimits: RESOURCE_LIMITS });
    // An 'error' event without a listener would throw in this thread; start() reports through its promise.
    worker.on("error", () => {});
    return new Promise((resolve, reject) => {
      const onExit = (code: number) =>
        reject(writerGone(init.path, `exited with code ${code} while starting`));
      const onError = (e: unknown) =>
        reject(e instanceof Error ? e : writerGone(init.path, JSON.stringify(e)));
      worker.once("exit", onExit);
      worker.once("error", onError);
      worker.once("message", (m: WriterReply) => {
        worker.off("exit", onExit);
        worker.off("error", onError);
        if ("ready" in m && m.ready) {
          worker.unref(); // idle: an unclosed store must not keep the process alive
          resolve(new SqliteWriter(worker, init.path));
        } else {
          reject("error" in m ? fromWire(m.error) : new Error("SQLite writer: unexpected first message"));
          void worker.terminate();
        }
      });
    });
  }

  alive(): boolean {
    return this.dead === null;
  }

  /**
   * Settles after the write committed (or failed); `transfer` moves buffers to the thread. A request
   * is the thread's own (an append, labels, shadow scores…, sqlite-rows.ts) or "close", numbered here.
   */
  request(req: { op: string }, transfer?: ArrayBuffer[]): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Referenced while anything is pending: a caller awaiting a commit keeps the process alive.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  /** Lets queued requests finish, closes the connection, waits for the thread to end. */
  async close(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((r) => this.worker.once("exit", () => r()));
    this.worker.ref(); // keep the process alive until the thread has really ended
    try {
      // Queued behind every earlier request: when it answers, all of them have committed.
      await this.request({ op: "close" });
    } catch {
      return; // the thread is already gone: nothing to close
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
    // Safe only now that its connection is closed: terminating a thread inside a SQLite call
    // aborts the whole process (better-sqlite3 cannot raise into a dying isolate).
    if (!this.dead) await this.worker.terminate();
  }

  private onReply(m: WriterReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if ("ok" in m && m.ok) p.resolve(m.result);
    else if ("error" in m) p.reject(fromWire(m.error));
  }

  private fail(e: Error): void {
    if (!this.dead) this.dead = e;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}

/**
 * A writer kept running: started on first use, replaced after its thread died (so a store recovers
 * once the cause is gone, e.g. a full disk freed), one start shared by all who wait meanwhile.
 */
export class LiveWriter<W extends { alive(): boolean; close(): Promise<void> }> {
  private current: W | null = null;
  private starting: Promise<W> | null = null;

  constructor(private readonly start: () => Promise<W>) {}

  /** The running writer, if alive: a caller posts to it at once rather than a microtask later. */
  now(): W | null {
    return this.current?.alive() ? this.current : null;
  }

  get(): Promise<W> {
    const w = this.now();
    if (w) return Promise.resolve(w);
    this.starting ??= this.start()
      .then((started) => {
        this.current = started;
        return started;
      })
      .finally(() => {
        this.starting = null;
      });
    return this.starting;
  }

  async close(): Promise<void> {
    await this.starting?.catch(() => {});
    await this.current?.close();
    this.current = null;
  }
}
