// Messages between a SQLite log's main thread (SqliteWriter, writer.ts) and its writer thread (the
// history log's, history/sqlite-writer-worker.ts): numbered requests, one reply each, posted only
// after the transaction committed.

export type WriterReply =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: WireError }
  | { id: 0; ready: true }
  | { id: 0; ready: false; error: WireError };

export interface WireError {
  message: string;
  code?: string;
  name?: string;
}

export interface WriterInit {
  path: string;
  busyTimeoutMs: number;
}

/** An error as it crosses the thread boundary (a structured clone keeps no class or extra fields). */
export function toWire(e: unknown): WireError {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { message: err.message, name: err.name, code: typeof code === "string" ? code : undefined };
}
