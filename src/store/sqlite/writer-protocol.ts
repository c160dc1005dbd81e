// Messages between SqliteStore (main thread) and its writer thread. A group of predictions travels
// as a JournalGroup (journal-codec.ts): one ArrayBuffer holding the numbers and the JSON text of
// the strings, transferred (moved, not copied), which the thread binds to the journal row as it is.
import type { JournalGroup } from "./journal.js";
import type { PackedShadow } from "./shadow-pack.js";

export type WriterRequest =
  /**
   * Committed as one transaction (one fsync), a journal row per group; with `shadow`, shadow scores
   * riding along (store/shadow-rides.ts), answered with `{ shadowError }` (null: they committed).
   */
  | { id: number; op: "log"; groups: JournalGroup[]; shadow?: PackedShadow[] }
  /** Answered once every journal row that existed when it arrived has moved into the table. */
  | { id: number; op: "compact" }
  | { id: number; op: "feedback"; items: WriterFeedback[] }
  | { id: number; op: "run"; sql: string; params: (string | number | null)[] }
  /** Shadow scores: one transaction without an fsync of its own (best effort). */
  | { id: number; op: "shadow"; groups: PackedShadow[] }
  /** Records an alert fingerprint's sighting; answers the previous one (or null). */
  | { id: number; op: "seen"; fingerprint: string; at: number; forgetBefore: number }
  | { id: number; op: "close" };

export type WriterReply =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: WireError }
  | { id: 0; ready: true }
  | { id: 0; ready: false; error: WireError };

/** A validated feedback item with its modes already canonical (rows.ts canonicalModes). */
export interface WriterFeedback {
  predictionId: string;
  machineFailure: 0 | 1;
  modes: Record<string, 0 | 1>;
  receivedAt: number;
}

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
