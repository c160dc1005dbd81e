// Shadow scores riding with the answers' commits (shadow mode on the SQLite history log). A group
// of shadow scores committed in a transaction of its own held the writer thread for milliseconds
// (about 900 rows every 100 ms at 9,000 requests/s), and the answers' commits queued behind it:
// bench/serve-shadow.ts saw the p99 at 16 connections rise from 3.9–5.3 to 5.8–11.9 ms on a quiet
// box. Here they wait in small chunks and each answers' group takes one along into its own
// transaction, so the same inserts are spread thinly over many commits (and share their fsync).
// When no answers' group comes for a while (traffic stopped), what waits is committed on its own.

/** Shadow scores a group of answers carries at most. */
export const SHADOW_RIDE_ROWS = 64;
/** The longest a chunk waits for an answers' group before it is committed on its own (ms). */
export const SHADOW_RIDE_WAIT_MS = 50;

export interface Ride<T> {
  rows: T[];
  /** The group that carried it committed (with or without these rows: `error` says why not). */
  settle(error?: Error): void;
}

/** A chunk waiting: a ride, and since when (ms). */
type Chunk<T> = Ride<T> & { since: number };

export class ShadowRides<T> {
  private chunks: Chunk<T>[] = [];
  private timer: NodeJS.Timeout | null = null;

  /** @param alone commits rows on their own (the fallback when no answers' group takes them). */
  constructor(private readonly alone: (rows: T[]) => Promise<void>) {}

  get waiting(): number {
    let n = 0;
    for (const c of this.chunks) n += c.rows.length;
    return n;
  }

  /** Queues `rows` in chunks; resolves once every chunk has committed, rejects if one did not. */
  add(rows: readonly T[]): Promise<void> {
    const done: Promise<void>[] = [];
    const since = Date.now();
    for (let i = 0; i < rows.length; i += SHADOW_RIDE_ROWS) {
      const chunk = rows.slice(i, i + SHADOW_RIDE_ROWS);
      done.push(
        new Promise<void>((resolve, reject) =>
          this.chunks.push({ rows: chunk, since, settle: (e) => (e ? reject(e) : resolve()) }),
        ),
      );
    }
    this.arm();
    return Promise.all(done).then(() => undefined);
  }

  /** The oldest chunk, for the next answers' group to carry (null when none waits). */
  take(): Ride<T> | null {
    return this.chunks.shift() ?? null;
  }

  /** Commits everything waiting on its own (the timer; a close). */
  async flush(): Promise<void> {
    const chunks = this.chunks;
    this.chunks = [];
    if (chunks.length === 0) return;
    try {
      await this.alone(chunks.flatMap((c) => c.rows));
      for (const c of chunks) c.settle();
    } catch (e) {
      for (const c of chunks) c.settle(e as Error);
    }
  }

  private arm(): void {
    if (this.timer || this.chunks.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const oldest = this.chunks[0];
      if (oldest && Date.now() - oldest.since >= SHADOW_RIDE_WAIT_MS) void this.flush();
      this.arm();
    }, SHADOW_RIDE_WAIT_MS); // not unref'd: rows waiting are work someone awaits
  }

  /** Stops the timer (the log is closing; flush first). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
