// Events as a client posts them, checked against the contract and turned into the logged shape.
// Checks that need no history (table, machine table, time format), so they run before any lock.
import { didYouMean } from "../../core/did-you-mean.js";
import { MillwrightError } from "../../core/errors.js";
import { EVENT_COUNTER_WORDS, eventCounterValue } from "../../data/counter.js";
import { isEpoch, parserFor, timeWords } from "../../data/time-format.js";
import type { Contract } from "../../contract/types.js";
import { timeDescription } from "../../pipeline/readings.js";
import { type FleetHistory, tooFarAhead } from "../../pipeline/scorer.js";
import type { LoggedEvent } from "../../store/history/types.js";

export interface EventIn {
  id: string;
  table: string;
  machine_id: string;
  timestamp: string | number;
  /** An alarm code may come as a JSON number (the file's codes are numbers): read by kindText. */
  kind?: string | number;
}

export type EventOutcome = "accepted" | "duplicate" | "conflict";

/** The contract's event tables, its failures table among them by that name. */
const tablesOf = (contract: Contract) => [
  ...contract.events,
  ...(contract.failures ? [{ ...contract.failures, name: "failures" }] : []),
];

/** An event's `timestamp` in the OpenAPI schema: the contract's rules, and a table's own where it has some. */
export function eventTimeDescription(contract: Contract): string {
  const own = tablesOf(contract)
    .filter((t) => t.clock)
    .map((t) => `; table ${t.name} also ${timeWords(t.clock)}`);
  return `${timeDescription(contract)}${own.join("")}`;
}

/** Whether an event's time may be a JSON number: the contract's, or a table's own, is an epoch count. */
export function epochEvents(contract: Contract): boolean {
  return [contract.time, ...tablesOf(contract).map((t) => t.clock)].some((t) => isEpoch(t?.format));
}

/** An event's `kind` in the OpenAPI schema: the tables that must give one (those with a kind column). */
export function kindDescription(contract: Contract): string {
  const tables = tablesOf(contract)
    .filter((t) => t.kind !== null)
    .map((t) => t.name);
  const required =
    tables.length > 0
      ? `required for ${tables.join(", ")} (their kind column); other tables need none`
      : "no table needs one";
  return `alarm code, component, failure kind…: ${required}; trimmed of surrounding spaces, a number read as its decimal text (1402 is "1402"), as the files' cells are`;
}

/** `notAfter`: the latest time an event may have (FleetHistory.notAfter, as for readings). */
export function parseEvents(
  fleet: FleetHistory,
  counter: boolean,
  items: EventIn[],
  notAfter = Number.POSITIVE_INFINITY,
): LoggedEvent[] {
  const tables = fleet.eventTables();
  const contract = fleet.model.contract;
  const known = new Set(fleet.knownMachines());
  return items.map((e, i) => {
    const at = `events[${i}]`;
    if (!tables.includes(e.table))
      throw new MillwrightError(
        "MW_VALIDATION",
        `${at}.table: '${e.table}' is not an event table of contract '${contract.name}' (${tables.length > 0 ? tables.join(", ") : "it has none: its labels are a column of each row"})`,
        { field: `${at}.table` },
      );
    if (contract.attributes && !known.has(e.machine_id))
      throw new MillwrightError(
        "MW_VALIDATION",
        `${at}.machine_id: '${e.machine_id}' is not in the contract's machine table`,
        { field: `${at}.machine_id` },
      );
    const spec = e.table === "failures" ? contract.failures : contract.events.find((x) => x.name === e.table);
    const kind = checkedKind(e, at, spec?.kind ?? null);
    // A table whose file writes times its own way (time: { format, zone }) takes them that way too,
    // as well as the contract's (its system may post either).
    const clock = spec?.clock;
    let t = Number.NaN;
    if (counter) t = eventCounterValue(e.timestamp);
    else if (typeof e.timestamp === "string" || typeof e.timestamp === "number") {
      // A JSON number only where the time is an epoch count (as for readings: pipeline/readings.ts).
      const s = String(e.timestamp);
      const takes = (f: { format?: string | null } | null | undefined) =>
        typeof e.timestamp === "string" || isEpoch(f?.format);
      t = clock && takes(clock) ? parserFor(clock)(s) : Number.NaN;
      if (!Number.isFinite(t) && takes(contract.time)) t = parserFor(contract.time)(s);
    }
    if (!Number.isFinite(t))
      throw new MillwrightError(
        "MW_VALIDATION",
        `${at}.timestamp: must be ${counter ? EVENT_COUNTER_WORDS : eventTimeWords(timeWords(contract.time), clock ? timeWords(clock) : null)}`,
        { field: `${at}.timestamp` },
      );
    // As a reading's: an event stamped by a clock gone wrong would sit in the machine's history
    // ahead of everything it gets (a maintenance there makes every `since` feature negative).
    if (t > notAfter)
      throw new MillwrightError(
        "MW_VALIDATION",
        `${at}.timestamp: ${tooFarAhead(t)}; taken, it would stay ahead of every later reading of machine '${e.machine_id}'`,
        { field: `${at}.timestamp` },
      );
    return {
      id: e.id,
      table: e.table,
      machine: e.machine_id,
      time: t,
      kind,
      receivedAt: Date.now(),
    };
  });
}

/**
 * An event's kind as the file reader (data/events.ts) reads the same cell: trimmed, so "SPDL_BRG "
 * is the kind SPDL_BRG and not a new one a retraining would learn; a number as its decimal text
 * (1402 is the file's cell "1402"). Checked by checkedKind first.
 */
export function kindText(kind: string | number | undefined): string {
  return typeof kind === "number" ? String(kind) : (kind ?? "").trim();
}

/**
 * The kind of an event of a table whose contract names a kind column (`column`) must say one: an
 * event without it would be logged for good as a kind of its own, "" (a retraining would learn it).
 * A table without one takes events with or without it.
 */
function checkedKind(e: EventIn, at: string, column: string | null): string {
  const k = kindText(e.kind);
  const field = `${at}.kind`;
  // String(1e21) is "1e+21" and 2 ** 60 lost its last digits in JSON: neither is the file's cell.
  const n = typeof e.kind === "number" ? e.kind : 0;
  if (/e/i.test(String(n)) || (Number.isInteger(n) && !Number.isSafeInteger(n)))
    throw new MillwrightError("MW_VALIDATION", `${field}: ${k} has no exact decimal text: send it as text`, {
      field,
    });
  if (column !== null && k === "")
    throw new MillwrightError(
      "MW_VALIDATION",
      `${field}: is required, and not blank, for table '${e.table}' (its contract's kind column '${column}': the alarm code, component or failure kind)`,
      { field },
    );
  return k;
}

/** The same id again: "duplicate" when it says the same, "conflict" when it says something else. */
export function outcomeOf(prior: LoggedEvent | undefined, e: LoggedEvent): EventOutcome {
  if (!prior) return "accepted";
  const same =
    prior.table === e.table && prior.machine === e.machine && prior.time === e.time && prior.kind === e.kind;
  return same ? "duplicate" : "conflict";
}

/**
 * A conflict said in words (trial 3: a failure re-posted with its kind corrected got a bare
 * "conflict"): what the id was logged as, and that it stays. The log is append-only and every
 * replica and retraining replays it, so an event is not changed once logged.
 */
export function conflictDetail(
  prior: LoggedEvent | undefined,
  counter: boolean,
): { detail: string } | Record<string, never> {
  if (!prior) return {};
  const at = counter ? String(prior.time) : new Date(prior.time).toISOString();
  return {
    detail: `this id was logged before with other values (table ${prior.table}, machine ${prior.machine}, ${prior.kind ? `kind '${prior.kind}', ` : ""}at ${at}), which stay: a logged event is not changed (the log is append-only)`,
  };
}

/**
 * A kind the model was not trained on is taken, since a new kind is real news (a new failure mode,
 * a new maintenance job), but said, with the kinds it knows and the likeliest slip ("Spindel" for
 * "Spindellager"): a failure of it counts for the machine, a `since` table's restarts no feature of
 * this model; a retraining would learn either as a kind of its own. A table the model counts only
 * (no `since`) learned no kinds (every kind counts the same), so has nothing to compare with.
 */
export function kindWarning(contract: Contract, e: EventIn): { warning: string } | Record<string, never> {
  const failures = e.table === "failures";
  const spec = failures ? contract.failures : contract.events.find((x) => x.name === e.table && x.since);
  const kinds = spec?.kind ? spec.kinds : null;
  const kind = kindText(e.kind);
  if (!kinds || kinds.includes(kind)) return {};
  const known = `(${kinds.join(", ") || "none"}${didYouMean(kind, kinds)})`;
  return {
    warning: failures
      ? `kind '${kind}' is not a failure kind of this model ${known}: it counts as a failure of the machine, and a retraining would learn it as a kind of its own`
      : `kind '${kind}' is not a kind of table '${e.table}' this model knows ${known}: it is kept in the machine's history but restarts no 'since' feature of this model, and a retraining would learn it as a kind of its own`,
  };
}

/** The table's own way and the contract's, said once when the contract's is plain ISO (which the table's words include). */
function eventTimeWords(contract: string, table: string | null): string {
  if (!table || table === contract) return contract;
  return contract === timeWords(null) && table.includes("ISO 8601") ? table : `${table}, or ${contract}`;
}
