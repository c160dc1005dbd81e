// The data a contract model's retraining trains on: the champion's own training files (from the
// dataset store, by the hashes its lineage names) plus what the server received since (readings
// and events from the history log), written back as the same CSV files, so the challenger is read
// and trained exactly as `millwright train --contract` would read and train it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import type { Contract } from "../contract/types.js";
import { type CsvTable, formatCsv, parseCsv } from "../data/csv.js";
import { formatTimestamp, parseTimestamp } from "../data/time.js";
import { DatasetStore } from "../registry/datasets.js";
import type { ModelRegistry } from "../registry/registry.js";
import type { LogEntry } from "../store/history/types.js";

export interface RetrainFiles {
  /** The champion's stored contract with its attributes file pointed at the version's copy. */
  contract: Contract;
  contractText: string;
  telemetry: string;
  /** Event table name (and "failures") → file. */
  events: Record<string, string>;
  base_rows: number;
  /** Readings from the log appended (later than the machine's last training row). */
  production_rows: number;
  production_events: number;
}

type Lineage = { data?: { role?: string; dataset?: { sha256?: string } }[] };

function storedTable(registry: ModelRegistry, version: string, role: string): CsvTable {
  const l = registry.readJson(version, "lineage.json") as Lineage | null;
  const sha = l?.data?.find((d) => d.role === role)?.dataset?.sha256;
  if (!sha)
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `version ${version}: its lineage names no stored ${role} file, so it cannot be retrained (train it again with this Millwright)`,
      { version, role },
    );
  return parseCsv(readFileSync(new DatasetStore(registry.dir).verifiedPath(sha), "utf8"));
}

/** Parses a cell of the time column as the contract reads it (a counter, or a timestamp). */
const timeOf = (c: Contract, cell: string): number =>
  c.time?.counter ? Number(cell) : parseTimestamp(cell ?? "");

export function retrainFiles(
  registry: ModelRegistry,
  version: string,
  contract: Contract,
  entries: readonly LogEntry[],
  dir: string,
): RetrainFiles {
  const c = contract;
  if (!c.failures || !c.time || !c.machine)
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `contract '${c.name}' labels rows in the telemetry (no failures table): readings from the server carry no labels to retrain on`,
    );
  // The files written below are comma-separated with ISO times under each reading's first column
  // name; a contract that reads its export otherwise would misread them. Refused, not guessed.
  const l = registry.readJson(version, "lineage.json") as Lineage | null;
  const unsupported = [
    c.csv.delimiter !== "," || c.csv.decimal !== "." ? "csv: { delimiter, decimal }" : null,
    c.time.format || c.time.zone ? "time.format or time.zone" : null,
    (l?.data ?? []).filter((d) => d.role === "telemetry").length > 1 ? "several telemetry files" : null,
    c.readings.some((r) => (r.aliases ?? []).length > 0) ? "columns with several names" : null,
  ].filter((x) => x !== null);
  if (unsupported.length > 0)
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `contract '${c.name}' uses ${unsupported.join(", ")}: retraining from the server's log does not write files that way yet; retrain with millwright train --contract on a fresh export`,
    );
  mkdirSync(dir, { recursive: true });
  const vdir = registry.versionDir(version);
  const fmtTime = (t: number): string => (c.time?.counter ? String(t) : formatTimestamp(t));

  // Telemetry: the stored rows, then each logged reading later than its machine's last stored row.
  const tel = storedTable(registry, version, "telemetry");
  const ti = tel.header.indexOf(c.time.column);
  const mi = tel.header.indexOf(c.machine.column);
  const last = new Map<string, number>();
  for (const r of tel.rows) {
    const t = timeOf(c, r[ti]);
    if (t > (last.get(r[mi]) ?? Number.NEGATIVE_INFINITY)) last.set(r[mi], t);
  }
  const cols = tel.header.map((h) => c.readings.findIndex((r) => r.column === h));
  const added: string[][] = [];
  const evAdded = new Map<string, string[][]>();
  let nEvents = 0;
  for (const e of entries) {
    if (e.type === "reading") {
      const r = e.reading;
      if (r.time <= (last.get(r.machine) ?? Number.NEGATIVE_INFINITY)) continue;
      last.set(r.machine, r.time);
      added.push(
        tel.header.map((_, j) => {
          if (j === ti) return fmtTime(r.time);
          if (j === mi) return r.machine;
          const k = cols[j];
          const v = k >= 0 ? r.values[k] : null;
          if (v === null || v === undefined) return "";
          const spec = c.readings[k];
          return spec.kind === "category" ? (spec.levels?.[v] ?? "") : String(v);
        }),
      );
    } else {
      const list = evAdded.get(e.event.table) ?? [];
      list.push([e.event.machine, String(e.event.time), e.event.kind]);
      evAdded.set(e.event.table, list);
    }
  }
  const telemetry = join(dir, "telemetry.csv");
  writeFileSync(telemetry, formatCsv(tel.header, [...tel.rows, ...added]));

  // Event tables and failures: the stored rows, then the logged events that are not already there.
  const events: Record<string, string> = {};
  const specs = [
    ...c.events.map((e) => ({ name: e.name, time: e.time, machine: e.machine, kind: e.kind })),
    { name: "failures", time: c.failures.time, machine: c.failures.machine, kind: c.failures.kind },
  ];
  for (const s of specs) {
    const t = storedTable(registry, version, s.name);
    const [tj, mj, kj] = [s.time, s.machine, s.kind].map((col) => (col ? t.header.indexOf(col) : -1));
    const key = (m: string, time: number, kind: string) => `${m}\u0000${time}\u0000${kind}`;
    const have = new Set(t.rows.map((r) => key(r[mj] ?? "", timeOf(c, r[tj]), kj >= 0 ? r[kj] : "")));
    const rows = [...t.rows];
    for (const [m, time, kind] of evAdded.get(s.name) ?? []) {
      if (have.has(key(m, Number(time), kind))) continue;
      rows.push(
        t.header.map((_, j) => (j === tj ? fmtTime(Number(time)) : j === mj ? m : j === kj ? kind : "")),
      );
      nEvents++;
    }
    events[s.name] = join(dir, `${s.name}.csv`);
    writeFileSync(events[s.name], formatCsv(t.header, rows));
  }
  const attributes = c.attributes ? { ...c.attributes, file: join(vdir, "attributes.csv") } : null;
  return {
    contract: { ...c, attributes, telemetry: [telemetry] },
    contractText: readFileSync(join(vdir, "contract.yaml"), "utf8"),
    telemetry,
    events,
    base_rows: tel.rows.length,
    production_rows: added.length,
    production_events: nEvents,
  };
}
