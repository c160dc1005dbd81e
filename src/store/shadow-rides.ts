// Shadow scores riding with the answers' commits (shadow mode on the SQLite history log). A group
// of shadow scores committed in a transaction of its own held the writer thread for milliseconds
// (about 900 rows every 100 ms at 9,000 requests/s), and the answers' commits queued behind it:
// bench/serve-shadow.ts saw the p99 at 16 connections rise from 3.9–5.3 to 5.8–11.9 ms on a quiet
// box. Here they wait, and each answers' group takes along as many as it has answers (the shadow
// scores one row per answered reading, so that keeps pace): the same inserts, spread thinly over
// many commits and sharing their fsync, and a group's inserts at most doubled (64 shadow rows on a
// group of 8 answers cut the throughput at 16 connections instead). When no answers' group comes
// for a while (traffic stopped), what waits is committed on its own.

/** The longest rows wait for an answers' group before they are committed on their own (ms). */
export const SHADOW_RIDE_WAIT_MS = 50;

export interface Ride<T> {
  rows: T[];
  /** The group that carried them committed (with or without these rows: `error` says why not). */
  settle(error?: Error): void;
}

/** One appendShadow call: its rows, how many are taken, how many not yet settled. */
interface Waiting<T> {
  rows: readonly T[];
  taken: number;
  unsettled: number;
  since: number;
  error: Error | null;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class ShadowRides<T> {
  /** Calls with rows not yet taken, oldest first. */
  private queue: Waiting<T>[] = [];
  private timer: NodeJS.Timeout | null = null;

  /** @param alone commits rows on their own (the fallback when no answers' group takes them). */
  constructor(private readonly alone: (rows: T[]) => Promise<void>) {}

  get waiting(): number {
    let n = 0;
    for (const w of this.queue) n += w.rows.length - w.taken;
    return n;
  }

  /** Queues `rows`; resolves once all have committed, rejects if some did not. */
  add(rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) =>
      this.queue.push({
        rows,
        taken: 0,
        unsettled: rows.length,
        since: Date.now(),
        error: null,
        resolve,
        reject,
      }),
    );
    this.arm();
    return done;
  }

  /** Up to `max` of the oldest rows, for an answers' group to carry (null when none wait). */
  take(max: number): Ride<T> | null {
    if (this.queue.length === 0) return null; // every flush asks: no shadow, no allocation
    const rows: T[] = [];
    const parts: [Waiting<T>, number][] = [];
    while (rows.length < max && this.queue.length > 0) {
      const w = this.queue[0];
      const n = Math.min(max - rows.length, w.rows.length - w.taken);
      for (let i = 0; i < n; i++) rows.push(w.rows[w.taken + i]);
      w.taken += n;
      parts.push([w, n]);
      if (w.taken === w.rows.length) this.queue.shift();
    }
    if (rows.length === 0) return null;
    return {
      rows,
      settle: (error) => {
        for (const [w, n] of parts) {
          if (error) w.error ??= error;
          w.unsettled -= n;
          if (w.unsettled === 0) w.error ? w.reject(w.error) : w.resolve();
        }
      },
    };
  }

  /** Commits everything waiting on its own (the timer; a close). */
  async flush(): Promise<void> {
    const ride = this.take(Number.POSITIVE_INFINITY);
    if (!ride) return;
    await this.alone(ride.rows).then(
      () => ride.settle(),
      (e) => ride.settle(e as Error),
    );
  }

  private arm(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const oldest = this.queue[0];
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
