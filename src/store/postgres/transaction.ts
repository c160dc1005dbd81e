// One transaction on a pooled connection: BEGIN, the work, COMMIT; on any error ROLLBACK (its own
// failure ignored: the connection may be what broke) and the error passed on; the client always
// returned to the pool. And the pools themselves, as the history log and the audit open them.
import pg from "pg";

/**
 * A pool on `url`, named `name` in pg_stat_activity: 4 connections, 3 s to connect, 30 s a query,
 * unless `more` says otherwise. An idle client whose server went away emits 'error'; unhandled, it
 * would end the process.
 */
export function openPool(url: string, name: string, more: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 3000,
    query_timeout: 30_000,
    application_name: name,
    ...more,
  });
  pool.on("error", () => {});
  return pool;
}

/**
 * A pooled connection with an 'error' listener while it is out. The pool listens only on idle
 * clients: a server that went away (stopped, killed, network cut) while one is checked out made it
 * emit an unhandled 'error', which ended the process. The query in flight fails with the error
 * anyway; the client that saw it is not pooled again.
 */
export async function checkOut(pool: pg.Pool) {
  const client = await pool.connect();
  let failed = false;
  const onError = () => {
    failed = true;
  };
  client.on("error", onError);
  return {
    client,
    /** Back to the pool; destroyed instead when `broken` or when the connection failed meanwhile. */
    release(broken = false) {
      client.removeListener("error", onError);
      client.release(broken || failed);
    },
  };
}

export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const { client, release } = await checkOut(pool);
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    release();
  }
}
