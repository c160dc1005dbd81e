// What a SQLite log writes through: a writer thread (SqliteWriter, writer.ts) taking requests
// without their ids (the thread protocol numbers them).
import type { WriterRequest } from "./writer-protocol.js";

/** A request without its id. */
export type WriteRequest = WriterRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, "id">
    : never
  : never;

export interface Writer {
  alive(): boolean;
  /** Settles after the write committed (or failed); `transfer` moves buffers to the thread. */
  request(req: WriteRequest, transfer?: ArrayBuffer[]): Promise<unknown>;
  close(): Promise<void>;
}
