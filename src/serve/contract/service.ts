// A data-contract model served: readings in, answers out, every reading and event in the history
// log, and the fleet's history rebuilt from that log on start. The one pipeline for contract
// models: validate (pipeline/readings) → features and predict (pipeline/scorer) → answer → log.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../../core/errors.js";
import { parseCsv } from "../../data/csv.js";
import { readAttributes } from "../../data/events.js";
import { parseTimestamp } from "../../data/time.js";
import { type ReadingColumns, toColumns } from "../../pipeline/readings.js";
import { FleetHistory } from "../../pipeline/scorer.js";
import type { Registry } from "../../registry/registry.js";
import type { HistoryLog, LoggedEvent, LoggedReading } from "../../store/history/types.js";
import { type HistoryModel, historyModelFromJSON, isHistoryModelJSON } from "../../train/history-model.js";
import { uuidv7 } from "../ids.js";

export interface ContractAnswer {
  id: string;
  machine_id: string;
  timestamp: string | number;
  failure_probability: number;
  failure_predicted: boolean;
  /** Probability of a failure of each kind within the horizon (null: a kind without a head). */
  heads: Record<string, number | null>;
  likeliest_kind: string | null;
  model: { name: string; version: string };
}

export interface EventIn {
  id: string;
  table: string;
  machine_id: string;
  timestamp: string | number;
  kind?: string;
}

/** Loads a version that must be a data-contract model. */
export function loadHistoryModel(registry: Registry, ref: string): HistoryModel {
  const { obj, file, version } = registry.readModelJson(ref);
  if (!isHistoryModelJSON(obj))
    throw new MillwrightError("MW_MODEL_CORRUPT", `${file}: model ${version} is not a data-contract model`, {
      file,
    });
  return historyModelFromJSON(obj, file);
}

/** Each known machine's attribute values, from the copy of the attributes table kept with the version. */
function attributesOf(m: HistoryModel, dir: string): Map<string, Float64Array> | null {
  const a = m.contract.attributes;
  if (!a) return null;
  const file = join(dir, "attributes.csv");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new MillwrightError("MW_MODEL_CORRUPT", `${file}: the version's machine table is missing`, {
      file,
    });
  }
  const table = parseCsv(text);
  const key = table.header.indexOf(a.key);
  const ids = table.rows.map((r) => (r[key] ?? "").trim()).filter((x) => x !== "");
  const { values } = readAttributes(m.contract, table, file, ids);
  return new Map(ids.map((id, i) => [id, Float64Array.from(values, (col) => col[i])]));
}

export class ContractService {
  readonly fleet: FleetHistory;
  private readonly eventIds = new Map<string, LoggedEvent>();
  readonly counter: boolean;

  constructor(
    readonly model: HistoryModel,
    versionDir: string,
    private readonly log: HistoryLog,
  ) {
    this.fleet = new FleetHistory(model, attributesOf(model, versionDir));
    this.counter = model.contract.time?.counter !== false;
    this.rebuild();
  }

  /** Replays the log: the same pushes in the same order give the same state, bit for bit. */
  private rebuild(): void {
    const nr = this.model.contract.readings.length;
    for (const e of this.log.replay()) {
      if (e.type === "event") {
        this.eventIds.set(e.event.id, e.event);
        this.fleet.addEvent(e.event.table, e.event.machine, e.event.time, e.event.kind);
      } else {
        const r = e.reading;
        const cols: ReadingColumns = {
          n: 1,
          machine: [r.machine],
          time: Float64Array.of(r.time),
          values: Array.from({ length: nr }, (_, j) => Float64Array.of(r.values[j] ?? Number.NaN)),
        };
        this.fleet.score(cols);
      }
    }
  }

  async predict(items: readonly unknown[], single: boolean): Promise<ContractAnswer[]> {
    const m = this.model;
    const cols = toColumns(m.contract, items, single);
    this.fleet.check(cols, single);
    const s = this.fleet.score(cols);
    const failure = s.heads.machine_failure as Float64Array;
    const kinds = m.headNames.filter((h) => h !== "machine_failure");
    const now = Date.now();
    const answers: ContractAnswer[] = [];
    const logged: LoggedReading[] = [];
    for (let i = 0; i < cols.n; i++) {
      const heads: Record<string, number | null> = {};
      let best: string | null = null;
      for (const k of kinds) {
        const p = s.heads[k];
        heads[k] = p ? p[i] : null;
        if (p && (best === null || p[i] > (heads[best] as number))) best = k;
      }
      const id = uuidv7();
      const raw = (items[i] as Record<string, unknown>).timestamp;
      answers.push({
        id,
        machine_id: cols.machine[i],
        timestamp: typeof raw === "string" || typeof raw === "number" ? raw : i,
        failure_probability: failure[i],
        failure_predicted: failure[i] >= m.threshold.value,
        heads,
        likeliest_kind: best,
        model: { name: m.name, version: m.version },
      });
      logged.push({
        id,
        machine: cols.machine[i],
        time: cols.time[i],
        values: cols.values.map((c) => (Number.isNaN(c[i]) ? null : c[i])),
        modelVersion: m.version,
        predictedAt: now,
        failureProbability: failure[i],
        heads,
      });
    }
    await this.log.appendReadings(logged);
    return answers;
  }

  /** Applies new events at once (so readings scored after this call see them) and logs them. */
  async events(items: EventIn[]): Promise<("accepted" | "duplicate" | "conflict")[]> {
    const tables = this.fleet.eventTables();
    const known = new Set(this.fleet.knownMachines());
    const parsed: LoggedEvent[] = items.map((e, i) => {
      const at = `events[${i}]`;
      if (!tables.includes(e.table))
        throw new MillwrightError(
          "MW_VALIDATION",
          `${at}.table: '${e.table}' is not an event table of contract '${this.model.contract.name}' (${tables.join(", ")})`,
          { field: `${at}.table` },
        );
      if (this.model.contract.attributes && !known.has(e.machine_id))
        throw new MillwrightError(
          "MW_VALIDATION",
          `${at}.machine_id: '${e.machine_id}' is not in the contract's machine table`,
          { field: `${at}.machine_id` },
        );
      const t = this.counter
        ? typeof e.timestamp === "number"
          ? e.timestamp
          : Number.NaN
        : typeof e.timestamp === "string"
          ? parseTimestamp(e.timestamp)
          : Number.NaN;
      if (!Number.isFinite(t))
        throw new MillwrightError(
          "MW_VALIDATION",
          `${at}.timestamp: must be ${this.counter ? "a number (the counter)" : "an ISO 8601 date-time"}`,
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
    const out: ("accepted" | "duplicate" | "conflict")[] = [];
    const fresh: LoggedEvent[] = [];
    for (const e of parsed) {
      const prior = this.eventIds.get(e.id);
      if (prior) {
        const same =
          prior.table === e.table &&
          prior.machine === e.machine &&
          prior.time === e.time &&
          prior.kind === e.kind;
        out.push(same ? "duplicate" : "conflict");
        continue;
      }
      this.eventIds.set(e.id, e);
      this.fleet.addEvent(e.table, e.machine, e.time, e.kind);
      fresh.push(e);
      out.push("accepted");
    }
    if (fresh.length > 0) await this.log.appendEvents(fresh);
    return out;
  }
}
