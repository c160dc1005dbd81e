// One transaction on a pooled connection: BEGIN, the work, COMMIT; on any error ROLLBACK (its own
// failure ignored: the connection may be what broke) and the error passed on; the client always
// returned to the pool.
import type pg from "pg";

export interface CheckedOut {
  client: pg.PoolClient;
  /** Back to the pool; destroyed instead when `broken` or when the connection failed meanwhile. */
  release(broken?: boolean): void;
}

/**
 * A pooled connection with an 'error' listener while it is out. The pool listens only on idle
 * clients: a server that went away (stopped, killed, network cut) while one is checked out made it
 * emit an unhandled 'error', which ended the process. The query in flight fails with the error
 * anyway; the client that saw it is not pooled again.
 */
export async function checkOut(pool: pg.Pool): Promise<CheckedOut> {
  const client = await pool.connect();
  let failed = false;
  const onError = () => {
    failed = true;
  };
  client.on("error", onError);
  return {
    client,
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
