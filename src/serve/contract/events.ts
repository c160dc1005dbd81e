// Events as a client posts them, checked against the contract and turned into the logged shape.
// Checks that need no history (table, machine table, time format), so they run before any lock.
import { MillwrightError } from "../../core/errors.js";
import { COUNTER_WORDS, counterValue } from "../../data/counter.js";
import { parserFor, timeWords } from "../../data/time-format.js";
import type { FleetHistory } from "../../pipeline/scorer.js";
import type { LoggedEvent } from "../../store/history/types.js";

export interface EventIn {
  id: string;
  table: string;
  machine_id: string;
  timestamp: string | number;
  kind?: string;
}

export type EventOutcome = "accepted" | "duplicate" | "conflict";

export function parseEvents(fleet: FleetHistory, counter: boolean, items: EventIn[]): LoggedEvent[] {
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
    const t = counter
      ? counterValue(e.timestamp)
      : typeof e.timestamp === "string"
        ? parserFor(contract.time)(e.timestamp)
        : Number.NaN;
    if (!Number.isFinite(t))
      throw new MillwrightError(
        "MW_VALIDATION",
        `${at}.timestamp: must be ${counter ? COUNTER_WORDS : timeWords(contract.time)}`,
        { field: `${at}.timestamp` },
      );
    return {
      id: e.id,
      table: e.table,
      machine: e.machine_id,
      time: t,
      kind: e.kind ?? "",
      receivedAt: Date.now(),
    };
  });
}

/** The same id again: "duplicate" when it says the same, "conflict" when it says something else. */
export function outcomeOf(prior: LoggedEvent | undefined, e: LoggedEvent): EventOutcome {
  if (!prior) return "accepted";
  const same =
    prior.table === e.table && prior.machine === e.machine && prior.time === e.time && prior.kind === e.kind;
  return same ? "duplicate" : "conflict";
}
