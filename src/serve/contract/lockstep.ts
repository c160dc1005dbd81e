// Cluster mode for a contract server: replicas share one history log (PostgreSQL) and each keeps
// the fleet's history in memory. To keep every replica's history equal to the log, requests are
// applied in lock step with the log:
//
//   take the log's write lock → apply the entries other replicas appended after the last seq this
//   replica applied → check, score and apply this replica's queued requests → append them → commit.
//
// So each replica applies entries in exactly the log's order, its own included, and its state is
// always the log replayed in seq order: the same whichever replica got which reading, and the same
// a new replica rebuilds. Requests that arrive together share one transaction (group commit), so
// the lock is taken once per batch, not once per reading.
//
// The consistency rule for clients: the readings of one machine must reach the servers in time
// order (send the next once the previous is answered, to any replica). Two readings of ONE machine
// sent at the same moment to two replicas are a race, settled by the lock: whichever replica takes
// it second sees the other reading first, so its reading is scored WITH the other in the history
// when it is later in time, and gets 409 MW_CONFLICT when it is not (same or earlier time). No
// reading is ever scored without a reading the log has before it, and no replica diverges.
//
// If a commit fails after the in-memory state was changed (database gone mid-transaction), the
// state no longer matches the log: it is dropped and rebuilt from the log before the next request.
import type { HistoryLog, LogEntry, SeqEntry, StepOutput } from "../../store/history/types.js";

export interface LockStepTarget {
  /** The last seq applied. */
  applied: number;
  /** Applies one entry another replica logged. */
  apply(e: SeqEntry): void;
  /** Forgets everything and replays the log from the start (outside the lock). */
  rebuild(): Promise<void>;
}

interface Op {
  run: () => StepOutput<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class LockStep {
  private queue: Op[] = [];
  /** A batch is scheduled or running: what arrives meanwhile waits for the next. */
  private busy = false;
  private stale = false;

  constructor(
    private readonly log: HistoryLog,
    private readonly target: LockStepTarget,
  ) {}

  /** Runs `fn` under the log's lock, after every entry before it is applied; resolves once committed. */
  run<T>(fn: () => StepOutput<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.busy) return;
    this.busy = true;
    // setImmediate: requests arriving in the same loop turn join this batch.
    setImmediate(() => {
      void this.flush().finally(() => {
        this.busy = false;
        if (this.queue.length > 0) this.kick();
      });
    });
  }

  private async flush(): Promise<void> {
    const ops = this.queue;
    this.queue = [];
    // Each op's answer, given only once the batch is committed.
    const settle: (() => void)[] = [];
    let touched = false;
    try {
      if (this.stale) {
        await this.target.rebuild();
        this.stale = false;
      }
      const { lastSeq } = await this.log.exclusive(this.target.applied, (entries) => {
        touched = true;
        for (const e of entries) this.target.apply(e);
        const append: LogEntry[] = [];
        for (const op of ops) {
          try {
            const o = op.run();
            append.push(...o.append);
            settle.push(() => op.resolve(o.result));
          } catch (error) {
            settle.push(() => op.reject(error));
          }
        }
        return { append, result: null };
      });
      // Own entries are now below lastSeq: the next catch-up starts after them, so they are never
      // applied twice.
      this.target.applied = lastSeq;
    } catch (e) {
      if (touched) this.stale = true;
      for (const op of ops) op.reject(e);
      return;
    }
    for (const s of settle) s();
  }
}

/**
 * Follows the log every `ms` (cluster mode): a replica takes in the others' entries without waiting
 * for a request, and the log's reachability (readiness) stays fresh with no traffic. A failure is
 * said once when it starts and once when it ends, not every interval of an outage.
 */
export function followEvery(
  ms: number,
  follow: () => Promise<void>,
  say: { warn(msg: string): void; error(msg: string): void },
): NodeJS.Timeout {
  let failing = false;
  return setInterval(() => {
    follow().then(
      () => {
        if (failing) say.warn("history log reachable again: following the other replicas");
        failing = false;
      },
      (e) => {
        if (!failing) say.error(`history log: cannot follow the other replicas: ${(e as Error).message}`);
        failing = true;
      },
    );
  }, ms).unref();
}
