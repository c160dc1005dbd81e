// Writes a historian simulation as the five CSV files of its export (RFC 4180, LF, UTF-8, header
// first). Times are "YYYY-MM-DD HH:MM:SS" in UTC without a zone, as many historians write them; a
// sensor the machine's model lacks is an empty cell.
import { formatCsv } from "./csv.js";
import type { Historian } from "./historian.js";
import { HISTORIAN_SENSORS } from "./historian-spec.js";

export const HISTORIAN_FILES = [
  "telemetry.csv",
  "machines.csv",
  "alarms.csv",
  "maintenance.csv",
  "failures.csv",
] as const;

export type HistorianFile = (typeof HISTORIAN_FILES)[number];

export const TELEMETRY_HEADER: readonly string[] = [
  "timestamp",
  "machine_id",
  ...HISTORIAN_SENSORS.map((s) => s.column),
];

export function historianTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function telemetryCsv(h: Historian): string {
  const lines: string[] = [TELEMETRY_HEADER.join(",")];
  const cols = h.machines.map((m) => HISTORIAN_SENSORS.map((s) => ({ xs: m.readings[s.name], d: s.digits })));
  for (let t = 0; t < h.hours; t++) {
    const ts = historianTime(h.startMs + t * 3_600_000);
    for (let i = 0; i < h.machines.length; i++) {
      let line = `${ts},${h.machines[i].id}`;
      for (const c of cols[i]) line += c.xs ? `,${c.xs[t].toFixed(c.d)}` : ",";
      lines.push(line);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function historianToCsv(h: Historian): Record<HistorianFile, string> {
  const id = (i: number): string => h.machines[i].id;
  return {
    "telemetry.csv": telemetryCsv(h),
    "machines.csv": formatCsv(
      ["machine_id", "make_model", "age_years"],
      h.machines.map((m) => [m.id, m.model.name, m.ageYears]),
    ),
    "alarms.csv": formatCsv(
      ["timestamp", "machine_id", "code"],
      h.alarms.map((a) => [historianTime(a.ms), id(a.machine), a.code]),
    ),
    "maintenance.csv": formatCsv(
      ["timestamp", "machine_id", "component", "reason"],
      h.maintenance.map((e) => [historianTime(e.ms), id(e.machine), e.component, e.reason]),
    ),
    "failures.csv": formatCsv(
      ["timestamp", "machine_id", "component"],
      h.failures.map((f) => [historianTime(f.ms), id(f.machine), f.component]),
    ),
  };
}
