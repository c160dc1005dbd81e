// The live simulator's ground truth waiting to be sent: a bounded FIFO ordered by due time. Labels
// arrive with a fixed delay, so pushes come in due order and taking from the front is enough.
// Bounded because a server that stops taking feedback must not grow the client without limit:
// past the bound the oldest labels are dropped (and counted), the newest kept.
import type { Labels } from "../data/schema.js";

/**
 * The ground truth of one prediction, as POST /v1/feedback takes it: every AI4I mode for the AI4I
 * app, only the modes its contract declares for a contract server (sim/contract-wire.ts).
 */
export type Label = Labels & { prediction_id: string | number };

interface Entry {
  due: number;
  label: Label;
}

export class LabelQueue {
  private items: Entry[] = [];
  private head = 0;
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(due: number, label: Label): void {
    this.items.push({ due, label });
    this.trim();
  }

  /** Up to `max` labels due at or before `now`, oldest first, removed from the queue. */
  takeDue(now: number, max: number): Entry[] {
    let end = this.head;
    while (end < this.items.length && end - this.head < max && this.items[end].due <= now) end++;
    const out = this.items.slice(this.head, end);
    this.head = end;
    // Compact now and then so the array does not keep every label ever sent.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Puts a batch that could not be sent back at the front, to be retried first. */
  requeue(batch: Entry[]): void {
    this.items = [...batch, ...this.items.slice(this.head)];
    this.head = 0;
    this.trim();
  }

  private trim(): void {
    const over = this.size - this.capacity;
    if (over > 0) {
      this.head += over;
      this.dropped += over;
    }
  }
}
