// Shadow scores gathered and logged in groups every SHADOW_LOG_MS: the store's writer also commits
// the answers, and a commit of its own per queue drain would make answers wait behind shadow
// commits; one group a second was too big the other way (~13,000 rows at 64 connections: handing
// them to the writer thread and committing them held answers for tens of ms, the p99 of
// bench/serve-shadow.ts with BENCH_SHADOW_MODEL=ai4i went from 8 to 50 ms).
// On the history log's SQLite file a group is then split further and rides in the answers' own
// commits (store/shadow-rides.ts). Best effort: a group that fails is counted and reported,
// never thrown at a request.

/** Logged at most this often (ms). */
export const SHADOW_LOG_MS = 100;
/** Scores waiting to be logged at most; beyond, they are counted as not logged (the store is behind). */
export const SHADOW_LOG_MAX = 50_000;

export class ShadowLogBuffer<T> {
  private rows: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Groups not logged (store failed or behind). */
  errors = 0;

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly warn?: (msg: string) => void,
  ) {}

  add(rows: readonly T[]): void {
    if (rows.length === 0) return;
    if (this.rows.length + rows.length > SHADOW_LOG_MAX) {
      this.errors++;
      return;
    }
    for (const r of rows) this.rows.push(r);
    this.timer ??= setTimeout(() => void this.flush(), SHADOW_LOG_MS);
    this.timer.unref?.();
  }

  /** Logs what is gathered now (the timer, a stop, tests). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.rows;
    this.rows = [];
    if (rows.length === 0) return;
    try {
      await this.write(rows);
    } catch (e) {
      this.errors++;
      this.warn?.(`shadow scores not logged: ${(e as Error).message}`);
    }
  }
}
