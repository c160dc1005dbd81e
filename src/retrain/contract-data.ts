// The data a contract model's retraining trains on: the champion's own training files (from the
// dataset store, by the hashes its lineage names) plus what the server received since (readings
// and events from the history log), written back as the same CSV files, so the challenger is read
// and trained exactly as `millwright train --contract` would read and train it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import type { Contract } from "../contract/types.js";
import { readContractData } from "../data/contract-data.js";
import { formatCsv } from "../data/csv.js";
import { telemetryCells } from "../data/telemetry-cells.js";
import { ValueAligner } from "../pipeline/align-values.js";
import { DatasetStore } from "../registry/datasets.js";
import type { ModelRegistry } from "../registry/registry.js";
import { siblingReadings } from "../registry/version-readings.js";
import type { LogEntry } from "../store/history/types.js";
import { retrainRows } from "./contract-rows.js";
import { addedMachines, writeMachineTable } from "./machine-table.js";

export interface RetrainFiles {
  /**
   * The champion's stored contract with its attributes file pointed at the version's copy, or, when
   * machines were added on the server, at that copy with them (machine-table.ts).
   */
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

/** The champion's stored training files of one role, in the order training read them. */
function storedFiles(registry: ModelRegistry, version: string, role: string): string[] {
  const l = registry.readJson(version, "lineage.json") as Lineage | null;
  const shas = (l?.data ?? []).filter((d) => d.role === role).map((d) => d.dataset?.sha256);
  if (shas.length === 0 || shas.some((x) => !x))
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `version ${version}: its lineage names no stored ${role} file, so it cannot be retrained (train it again with this Millwright)`,
      { version, role },
    );
  const store = new DatasetStore(registry.dir);
  return shas.map((sha) => store.verifiedPath(sha as string));
}

/**
 * Writes the champion's training data plus what the server received since as files the champion's
 * own contract reads: its delimiter and decimal mark, each reading under its first column name (one
 * file, so several exports and their column aliases become one), times as ISO 8601 in UTC (which a
 * `time.format` or `time.zone` contract also reads: a time with its offset wins; a long contract's
 * telemetry long again). The stored files
 * are read back through the contract first, exactly as training read them, so nothing is guessed.
 */
export function retrainFiles(
  registry: ModelRegistry,
  version: string,
  contract: Contract,
  entries: readonly LogEntry[],
  dir: string,
): RetrainFiles {
  const c = contract;
  const time = c.time;
  if (!time || (c.failures ? !c.machine : !c.labels))
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `contract '${c.name}' needs a time column, and a machine column with a failures table or a label column without one, for its server to retrain it on the readings it logged`,
    );
  if (c.long && !c.failures)
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `contract '${c.name}' is long and labels rows in the telemetry: its server does not retrain it yet (train it again with \`millwright train --contract\`)`,
    );
  const vdir = registry.versionDir(version);
  const attributes = c.attributes ? { ...c.attributes, file: join(vdir, "attributes.csv") } : null;
  const stored: Record<string, string> = {};
  if (c.failures) stored.failures = storedFiles(registry, version, "failures")[0];
  for (const e of c.events) stored[e.name] = storedFiles(registry, version, e.name)[0];
  const base = readContractData(
    { ...c, attributes, telemetry: storedFiles(registry, version, "telemetry") },
    { events: stored, learn: true, labels: "require" },
  );
  mkdirSync(dir, { recursive: true });
  const { delimiter } = c.csv;
  const { time: timeCell } = telemetryCells(c);

  // Telemetry: the stored rows, then each logged reading later than its machine's last stored row
  // (with its label, on a row-labelled contract: contract-rows.ts).
  const t = base.telemetry;
  // Each logged reading by name in this contract (an earlier version of it may order them otherwise).
  const aligner = new ValueAligner(c.readings, siblingReadings(vdir));
  const tr = retrainRows(
    { ...c, time },
    t,
    entries.map((e) => {
      if (e.type !== "reading") return e;
      const reading = aligner.reading(e.reading);
      return reading === e.reading ? e : { ...e, reading };
    }),
  );
  const evAdded = new Map<string, { machine: string; time: number; kind: string }[]>();
  for (const e of entries)
    if (e.type === "event") {
      const list = evAdded.get(e.event.table) ?? [];
      list.push(e.event);
      evAdded.set(e.event.table, list);
    }
  const telemetry = join(dir, "telemetry.csv");
  const written = c.long ? asLong(c, tr.rows) : tr;
  writeFileSync(telemetry, formatCsv(written.header, written.rows, { delimiter }));

  // Event tables and failures: the stored rows, then the logged events that are not already there.
  const events: Record<string, string> = {};
  let nEvents = 0;
  const tables = [
    ...c.events.map((e, i) => ({ spec: e, table: base.events[i] })),
    ...(c.failures ? [{ spec: { ...c.failures, name: "failures" }, table: base.failures }] : []),
  ];
  for (const { spec, table } of tables) {
    const key = (m: string, time: number, kind: string) => `${m}\u0000${time}\u0000${kind}`;
    const out: { machine: string; time: number; kind: string }[] = [];
    for (let i = 0; i < (table?.n ?? 0); i++) {
      const tb = table as NonNullable<typeof table>;
      out.push({ machine: t.machines[tb.machine[i]], time: tb.time[i], kind: tb.kind[i] });
    }
    const have = new Set(out.map((e) => key(e.machine, e.time, e.kind)));
    for (const e of evAdded.get(spec.name) ?? [])
      if (!have.has(key(e.machine, e.time, e.kind))) {
        out.push(e);
        nEvents++;
      }
    // Only the columns the contract reads: time, machine (when the table has one), kind, and its
    // `where` column with a value it keeps (every row written is one the table took), or the
    // contract would find that column missing when it reads the file back.
    const m = spec.machine;
    const w = spec.where;
    const cols = [spec.time, ...(m ? [m] : []), ...(spec.kind ? [spec.kind] : []), ...(w ? [w.column] : [])];
    const line = (e: (typeof out)[number]) => [
      timeCell(e.time),
      ...(m ? [e.machine] : []),
      ...(spec.kind ? [e.kind] : []),
      ...(w ? [w.in[0]] : []),
    ];
    events[spec.name] = join(dir, `${spec.name}.csv`);
    writeFileSync(events[spec.name], formatCsv(cols, out.map(line), { delimiter }));
  }
  // The machine table: the stored one, with the machines added on the server since.
  const contractText = readFileSync(join(vdir, "contract.yaml"), "utf8");
  const added = addedMachines(entries);
  const trainWith =
    attributes && added.size > 0
      ? writeMachineTable(
          { ...c, attributes },
          contractText,
          attributes.file,
          added,
          join(dir, "attributes.csv"),
        )
      : { ...c, attributes };
  return {
    contract: { ...trainWith, telemetry: [telemetry] },
    contractText,
    telemetry,
    events,
    base_rows: tr.base_rows,
    production_rows: tr.rows.length - tr.base_rows,
    production_events: nEvents,
  };
}

/**
 * A long contract reads only long files (its `long:` is stored with it, and the challenger keeps
 * it): the wide rows [machine, time, ...readings] as one row per machine, time and reading, the tag
 * being the reading's first column name, a missing value no row, and the quality (with
 * `long.quality`) its first good value. A time is its bucket's start, so it falls in the same bucket.
 */
function asLong(c: Contract, wide: string[][]): { header: string[]; rows: string[][] } {
  const long = c.long as NonNullable<Contract["long"]>;
  const q = long.quality;
  // With `split` the machine is written into the tag (CNC07.SPINDLE.LOAD_PCT), its column being the tag's.
  const split = long.split ?? null;
  const header = [
    (c.time as NonNullable<Contract["time"]>).column,
    ...(split === null ? [(c.machine as NonNullable<Contract["machine"]>).column] : []),
    long.tag,
    long.value,
    ...(q ? [q.column] : []),
  ];
  const rows: string[][] = [];
  for (const [machine, time, ...cells] of wide)
    cells.forEach((v, k) => {
      const tag = c.readings[k].column;
      if (v === "") return;
      rows.push([
        time,
        ...(split === null ? [machine, tag] : [`${machine}${split}${tag}`]),
        v,
        ...(q ? [q.good[0]] : []),
      ]);
    });
  return { header, rows };
}
