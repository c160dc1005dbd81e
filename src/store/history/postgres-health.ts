// What a PostgreSQL history log knows of the server from its own operations, with no query of its
// own: unreachable (cleared by the next operation that reaches it), or up but refusing writes (disk
// full, out of memory, read-only: a hot standby after a failover; cleared only by a write that
// commits, since reads go on meanwhile). Readiness asks it per probe (write-problem.ts).
import type pg from "pg";
import { MillwrightError } from "../../core/errors.js";
import { isUnavailableError, writeRefusal } from "../unavailable.js";
import type { WriteProblem } from "../write-problem.js";

/** Whether an operation wrote a row: only then can it end a refusal. */
export type Wrote = { wrote: boolean };

/** The write the follow tries while the server refuses writes (probeWrite): one row, rewritten. */
const PROBE = `INSERT INTO history_meta (key, value) VALUES ('write_probe', $1)
  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`;

export class PgHealth {
  private unreachable: WriteProblem | null = null;
  private refused: WriteProblem | null = null;

  problem(): WriteProblem | null {
    return this.unreachable ?? this.refused;
  }

  /** Whether writes are refused now (the follow then tries one: probeWrite). */
  refusing(): boolean {
    return this.refused !== null;
  }

  /** Runs an operation and learns from it; its errors come out as the client's (MillwrightError). */
  async seen<T>(op: Promise<T>, w?: Wrote): Promise<T> {
    try {
      const v = await op;
      this.unreachable = null;
      if (w?.wrote) this.refused = null;
      return v;
    } catch (e) {
      const refusal = writeRefusal(e, "history log (PostgreSQL)");
      if (refusal) {
        this.unreachable = null; // it answered
        this.refused = refusal;
        throw new MillwrightError(refusal.code, refusal.reason);
      }
      const why = isUnavailableError(e) ? "unreachable" : "write failed";
      const reason = `history log (PostgreSQL) ${why}: ${(e as Error).message}`;
      // Only "unreachable": a write refused for what it holds says nothing of the server.
      if (why === "unreachable") this.unreachable = { code: "MW_STORE_UNAVAILABLE", reason };
      else if (!(e instanceof MillwrightError)) this.unreachable = null;
      throw e instanceof MillwrightError ? e : new MillwrightError("MW_STORE_UNAVAILABLE", reason);
    }
  }
}

/**
 * Tries one write inside transaction `c` (a replica's follow, every MILLWRIGHT_HISTORY_FOLLOW_MS,
 * which has nothing to append), so readiness turns true again with no traffic: a replica that is
 * not ready gets none. In a savepoint: a refusal leaves the follow's transaction whole.
 */
export async function probeWrite(c: pg.PoolClient, w: Wrote): Promise<void> {
  await c.query("SAVEPOINT write_probe");
  try {
    await c.query(PROBE, [new Date().toISOString()]);
    await c.query("RELEASE SAVEPOINT write_probe");
    w.wrote = true;
  } catch (e) {
    if (!writeRefusal(e, "")) throw e;
    await c.query("ROLLBACK TO SAVEPOINT write_probe");
  }
}
