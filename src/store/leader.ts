// Leader election so exactly one replica runs the monitor and the retraining loop. PostgreSQL: a
// dedicated connection holding a session-level advisory lock. PostgreSQL releases the lock when that
// session ends (process killed, connection dropped, backend terminated), and a follower retrying every
// intervalMs takes over. The leader pings its connection every intervalMs and steps down the moment it
// fails, so it stops acting as leader no later than one interval after losing the lock. SQLite: one
// process owns the file, so it is always the leader.
import pg from "pg";
import type { PredictionStore } from "./types.js";

/** Advisory lock key for the monitor leader ("MWLD"); distinct from the migration lock. */
export const LEADER_LOCK_KEY = 0x4d574c44;

export interface LeaderOptions {
  key?: number;
  onElected?: () => void | Promise<void>;
  onDemoted?: () => void | Promise<void>;
  /** Follower retry and leader ping period (default 2000 ms). */
  intervalMs?: number;
  onError?: (e: unknown) => void;
}

export interface LeaderElector {
  /** First attempt completes before this resolves; then the loop runs in the background. */
  start(): Promise<void>;
  isLeader(): boolean;
  /** Releases leadership (calling onDemoted if leading) and closes the connection. */
  stop(): Promise<void>;
}

/** The PostgreSQL URL behind a store (unwrapping ResilientStore), or null for SQLite. */
function urlOf(store: PredictionStore): string | null {
  if (store.kind !== "postgres") return null;
  let s: unknown = store;
  for (let i = 0; i < 4 && s; i++) {
    const o = s as { url?: unknown; inner?: unknown };
    if (typeof o.url === "string") return o.url;
    s = o.inner;
  }
  throw new Error("leader election: PostgreSQL store exposes no url");
}

export function createLeaderElector(
  target: PredictionStore | string,
  opts: LeaderOptions = {},
): LeaderElector {
  const url = typeof target === "string" ? target : urlOf(target);
  return url ? new PgElector(url, opts) : new LocalElector(opts);
}

function call(fn: (() => void | Promise<void>) | undefined, onError?: (e: unknown) => void): void {
  if (!fn) return;
  try {
    Promise.resolve(fn()).catch((e) => onError?.(e));
  } catch (e) {
    onError?.(e);
  }
}

class LocalElector implements LeaderElector {
  private leader = false;
  constructor(private readonly opts: LeaderOptions) {}
  async start(): Promise<void> {
    if (this.leader) return;
    this.leader = true;
    call(this.opts.onElected, this.opts.onError);
  }
  isLeader(): boolean {
    return this.leader;
  }
  async stop(): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    call(this.opts.onDemoted, this.opts.onError);
  }
}

class PgElector implements LeaderElector {
  private client: pg.Client | null = null;
  private leader = false;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  private readonly key: number;
  private readonly interval: number;

  constructor(
    private readonly url: string,
    private readonly opts: LeaderOptions,
  ) {
    this.key = opts.key ?? LEADER_LOCK_KEY;
    this.interval = opts.intervalMs ?? 2000;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.timer ??= setInterval(() => void this.tick(), this.interval);
  }

  isLeader(): boolean {
    return this.leader;
  }

  private tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.ticking ??= this.attempt().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async attempt(): Promise<void> {
    let c = this.client;
    try {
      if (!c) {
        c = new pg.Client({
          connectionString: this.url,
          connectionTimeoutMillis: Math.max(1000, this.interval),
          query_timeout: Math.max(1000, this.interval),
          keepAlive: true,
          application_name: "millwright-leader",
        });
        const mine = c;
        // Without these listeners a dropped idle connection would crash the process.
        mine.on("error", (e) => this.lost(mine, e));
        mine.on("end", () => this.lost(mine));
        this.client = mine;
        await mine.connect();
      }
      if (this.leader) {
        await c.query("SELECT 1"); // still holding the session, hence the lock
      } else {
        const { rows } = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [this.key]);
        if (rows[0]?.ok && !this.stopped && this.client === c) {
          this.leader = true;
          call(this.opts.onElected, this.opts.onError);
        }
      }
    } catch (e) {
      if (c) this.lost(c, e);
    }
  }

  private lost(c: pg.Client, e?: unknown): void {
    if (c !== this.client) return;
    this.client = null;
    c.end().catch(() => {});
    if (e) this.opts.onError?.(e);
    if (this.leader) {
      this.leader = false;
      call(this.opts.onDemoted, this.opts.onError);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    const c = this.client;
    this.client = null;
    if (c) {
      // Closing the session releases the lock; unlocking first hands over without waiting for that.
      if (this.leader) await c.query("SELECT pg_advisory_unlock($1)", [this.key]).catch(() => {});
      await c.end().catch(() => {});
    }
    if (this.leader) {
      this.leader = false;
      call(this.opts.onDemoted, this.opts.onError);
    }
  }
}
