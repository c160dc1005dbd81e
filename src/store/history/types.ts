// The history log of a data-contract server: every reading it scored (with what it answered) and
// every event it was told, in one sequence. Durable when a promise resolves; replayed in sequence
// order on start, which rebuilds each machine's history exactly as it was (a late event is replayed
// where it arrived, as it was applied). SQLite here; the same interface for PostgreSQL later.

export interface LoggedReading {
  id: string;
  machine: string;
  /** ms since the epoch, or the counter. */
  time: number;
  /** Contract reading order; null where missing. */
  values: (number | null)[];
  modelVersion: string;
  predictedAt: number;
  failureProbability: number;
  heads: Record<string, number | null>;
}

export interface LoggedEvent {
  /** The client's id: the same id twice is one event (idempotent). */
  id: string;
  table: string;
  machine: string;
  time: number;
  kind: string;
  receivedAt: number;
}

export type EventOutcome = "accepted" | "duplicate" | "conflict";

export type LogEntry = { type: "reading"; reading: LoggedReading } | { type: "event"; event: LoggedEvent };

export interface HistoryLog {
  appendReadings(rows: LoggedReading[]): Promise<void>;
  /** Events the server accepted (new ids); an id already stored is ignored. */
  appendEvents(events: LoggedEvent[]): Promise<void>;
  /** Everything in sequence order. */
  replay(): Iterable<LogEntry>;
  /** The latest answered reading of each machine. */
  latest(): LoggedReading[];
  close(): void;
}
