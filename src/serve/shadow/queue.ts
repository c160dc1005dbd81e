// The shadow model's work queue: a request's answer is sent first, its already-validated inputs are
// queued here, and the shadow scores them in batches on a timer turn. Not setImmediate: the group
// commit hands each group of answers to the writer thread in a setImmediate too, and a shadow drain
// queued before it (by the previous answer) made every commit wait for the scoring: at 16
// connections, where each answer waits for its commit, that cost throughput and p99
// (bench/serve-shadow.ts). A timer turn runs at the next loop iteration's start, after this turn's
// commits were handed over, so the scoring overlaps their fsync instead of delaying it. Bounded: when
// the shadow falls behind, what does not fit is dropped and counted, never waited for, so a slow or
// broken shadow can cost the live path at most the copy into this queue.

export interface ShadowQueueOptions<T> {
  /** The most units (readings) waiting; an offer that does not fit whole is dropped whole. */
  capacity: number;
  /** Units scored per turn, so one drain never holds the event loop long. */
  batch: number;
  /** Scores a batch of items (synchronous: the scoring; persisting is the callee's, not awaited here). */
  run: (items: T[]) => void;
  /** The units in an item (a request of 50 readings is 50). */
  size: (item: T) => number;
  /** Called with the units dropped, for the dropped counter. */
  dropped?: (n: number) => void;
  /** A batch that threw: the shadow is best effort, the error is reported and the queue goes on. */
  failed?: (e: unknown) => void;
}

/**
 * A drain gathers what arrives within this long. A timer of 0 woke the event loop about once a
 * millisecond under load, between the answers' I/O, and the contract server served 14-21 % fewer
 * requests with a shadow on (bench/serve-shadow.ts) while the shadow's own frames were under 1 % of
 * its CPU profile.
 */
export const SHADOW_DRAIN_MS = 10;

export class ShadowQueue<T> {
  private items: T[] = [];
  private scheduled = false;
  private closed = false;
  /** Totals since start, for the comparison summary. */
  offered = 0;
  dropped = 0;
  /** Units waiting now. */
  waiting = 0;

  constructor(private readonly spec: ShadowQueueOptions<T>) {}

  /** Queues `item`; false when it was dropped (the queue is full or closed). */
  offer(item: T): boolean {
    const n = this.spec.size(item);
    this.offered += n;
    if (this.closed || this.waiting + n > this.spec.capacity) {
      this.dropped += n;
      this.spec.dropped?.(n);
      return false;
    }
    this.items.push(item);
    this.waiting += n;
    if (!this.scheduled) this.schedule();
    return true;
  }

  private drain(): void {
    this.scheduled = false;
    const take: T[] = [];
    let n = 0;
    while (this.items.length > 0 && n < this.spec.batch) {
      const it = this.items.shift() as T;
      n += this.spec.size(it);
      take.push(it);
    }
    this.waiting -= n;
    try {
      if (take.length > 0) this.spec.run(take);
    } catch (e) {
      this.spec.failed?.(e);
    }
    // More than a batch was waiting: the rest is already gathered, take it on the next turn.
    if (this.items.length > 0 && !this.scheduled) this.schedule(0);
  }

  private schedule(delay = SHADOW_DRAIN_MS): void {
    this.scheduled = true;
    setTimeout(() => this.drain(), delay);
  }

  /** Stops taking offers and forgets what waits (the shadow was switched off or replaced). */
  close(): void {
    this.closed = true;
    this.items = [];
    this.waiting = 0;
  }

  /** Resolves once everything queued before the call has been scored (tests, a clean stop). */
  async idle(): Promise<void> {
    while (this.waiting > 0 || this.scheduled) await new Promise((r) => setImmediate(r));
  }
}
