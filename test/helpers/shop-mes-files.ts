// Shop A's files as its tools write them (see shop-mes.ts), and the contract and technicians file its
// engineer wrote from the README alone (README "Data contract"), kept as written.
import { readFileSync } from "node:fs";

export interface Failure {
  t: number;
  machine: string;
  part: string;
  /** Hours the machine stood. */
  hours: number;
}

export interface Service {
  t: number;
  machine: string;
  part: string;
  note: string;
}

/** A number with a decimal comma, as a German spreadsheet or MES writes it. */
export const num = (x: number, digits: number) => x.toFixed(digits).replace(".", ",");

/** Whether Berlin keeps summer time (UTC+2) at UTC instant `t`: last Sunday of March to last of October, 01:00 UTC. */
function summer(t: number): boolean {
  const y = new Date(t).getUTCFullYear();
  const lastSunday = (month: number) => {
    const d = new Date(Date.UTC(y, month + 1, 0));
    return Date.UTC(y, month, d.getUTCDate() - d.getUTCDay(), 1);
  };
  return t >= lastSunday(2) && t < lastSunday(9);
}

/** Berlin wall-clock time "DD.MM.YYYY HH:mm:ss" (the hour after 02:00 CEST repeats when clocks go back). */
export function berlin(t: number): string {
  const d = new Date(t + (summer(t) ? 2 : 1) * 3600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  );
}

/** A Windows tool's export: byte-order mark and CRLF. */
const windows = (lines: string[]) => `\uFEFF${lines.join("\r\n")}\r\n`;

export const alarmsCsv = (rows: { t: number; machine: string; code: string; text: string }[]) =>
  `Datum/Uhrzeit;Maschine;Alarmnummer;Text\n${rows
    .map((a) => `${berlin(a.t)};${a.machine};${a.code};"${a.text}"`)
    .join("\n")}\n`;

export const maintenanceCsv = (rows: Service[]) =>
  windows([
    "Datum;Maschine;Baugruppe;Bemerkung",
    ...rows.map((s) => `${berlin(s.t)};${s.machine};${s.part};"${s.note}"`),
  ]);

export const failuresCsv = (rows: Failure[]) =>
  windows([
    "Datum;Maschine;Bauteil;Stillstand [h]",
    ...rows.map((f) => `${berlin(f.t)};${f.machine};${f.part};${num(f.hours, 1)}`),
  ]);

/** The contract, written from the README's "Data contract" section; paths relative to it (the shop's folder). */
export const SHOP_MES_CONTRACT = `# Shop A: the MES export (one telemetry file per make, German headers, decimal commas, Berlin time).
version: 1
name: shop-a-mes
telemetry: ["export/Telemetrie *.csv"]
csv: { delimiter: ";", decimal: "," }
time: { column: Zeitstempel, format: "DD.MM.YYYY HH:mm:ss", zone: Europe/Berlin }
machine: { column: Maschine }
readings:
  - { name: spindle_speed, column: ["Spindeldrehzahl [1/min]", "Drehzahl S1 [1/min]"], unit: rpm, min: 0, max: 20000, words: spindle speed }
  - { name: spindle_load, column: ["Spindellast [%]", "Last S1 [%]"], unit: "%", min: 0, max: 150, words: spindle load }
  - { name: vibration, column: ["Vibration [mm/s]", "Schwingung [mm/s]"], unit: mm/s, min: 0, max: 50, words: spindle vibration, optional: true }
  - { name: spindle_temp, column: ["Temp. Spindel °C", "Spindeltemperatur [°C]"], unit: "°C", min: 0, max: 120, words: spindle temperature }
  - { name: coolant_temp, column: ["Kühlmitteltemp. °C", "Kühlmittel [°C]"], unit: "°C", min: 0, max: 80, words: coolant temperature, optional: true }
  - { name: hydraulic_pressure, column: "Hydraulikdruck [bar]", unit: bar, min: 0, max: 250, words: hydraulic pressure, optional: true }
attributes:
  file: export/Maschinen.csv
  key: Maschine
  columns:
    - { name: make_model, column: Hersteller/Modell, kind: category, words: make and model }
    - { name: built, column: Baujahr, kind: number, unit: year, words: year built }
    - { name: hall, column: Standort, kind: category, words: hall }
derived:
  - { name: spindle_heat, expr: "spindle_temp - coolant_temp", unit: "°C", words: spindle temperature above coolant }
history:
  windows: [6h, 24h]
  stats: [mean, max, slope]
  readings: [vibration, spindle_temp, coolant_temp, hydraulic_pressure, spindle_heat]
events:
  - { name: alarms, file: export/Alarme.csv, time: Datum/Uhrzeit, machine: Maschine, kind: Alarmnummer, count: [24h] }
  - { name: maintenance, file: export/Wartung.csv, time: Datum, machine: Maschine, kind: Baugruppe, since: true }
failures:
  file: export/Ausfaelle.csv
  time: Datum
  machine: Maschine
  kind: Bauteil
  horizon: 24h
  resets: maintenance
training: { trees: 100, learning_rate: 0.05, max_depth: 3, min_leaf: 200, early_stopping: 50 }
tasks:
  currency: "€"
  planned_cost_per_hour: 95
  heads:
    Spindellager:
      failure: { downtime_hours: 24, cost_per_hour: 380, repair_cost: 5200 }
      task: { name: spindle_bearing_change, words: Spindellager tauschen, hours: 6, parts_cost: 1400,
              skills: [spindel], min_interval: 14d, effectiveness: 0.95,
              event: { table: maintenance, kind: Spindellager } }
    Kühlmittelpumpe:
      failure: { downtime_hours: 8, cost_per_hour: 380, repair_cost: 900 }
      task: { name: coolant_pump_change, words: Kühlmittelpumpe tauschen, hours: 2, parts_cost: 300,
              skills: [kuehlung], min_interval: 7d, effectiveness: 0.9,
              event: { table: maintenance, kind: Kühlmittelpumpe } }
    Hydraulikaggregat:
      failure: { downtime_hours: 12, cost_per_hour: 380, repair_cost: 2500 }
      task: { name: hydraulic_service, words: Hydraulikaggregat warten, hours: 3, parts_cost: 450,
              skills: [hydraulik], min_interval: 14d, effectiveness: 0.85,
              event: { table: maintenance, kind: Hydraulikaggregat } }
`;

/** Shop A's maintenance crew, in the example technicians file's shape. */
export const SHOP_MES_TECHNICIANS = `technicians:
  - name: Jürgen Weber
    skills: [spindel, hydraulik]
    hours_per_shift: 6
    shifts: [weekdays day]
  - name: Aylin Demir
    skills: [kuehlung, hydraulik]
    hours_per_shift: 6
    shifts: [weekdays evening]
  - name: Piotr Nowak
    skills: ["*"]
    hours_per_shift: 4
    shifts: [Sat day]
`;

/** The contract's reading names, in a telemetry file's column order after time and machine. */
const NAMES = [
  "spindle_speed",
  "spindle_load",
  "vibration",
  "spindle_temp",
  "coolant_temp",
  "hydraulic_pressure",
];

/** A telemetry file's first `n` rows (all: Infinity) as the shop's MES posts them: the contract's names, local time. */
export function postedReadings(file: string, n: number): Record<string, unknown>[] {
  const lines = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .slice(1, n + 1);
  return lines.map((line) => {
    const [timestamp, machine_id, ...cells] = line.split(";");
    const o: Record<string, unknown> = { machine_id, timestamp };
    cells.forEach((c, i) => {
      o[NAMES[i]] = c === "" ? null : Number(c.replace(",", "."));
    });
    return o;
  });
}

/** A folder's alarm, maintenance and failure logs as the MES posts them to /v1/events (ids `<table>-<row>`). */
export function postedEvents(dir: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [file, table] of [
    ["Alarme.csv", "alarms"],
    ["Wartung.csv", "maintenance"],
    ["Ausfaelle.csv", "failures"],
  ]) {
    const lines = readFileSync(`${dir}/${file}`, "utf8")
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/);
    lines.slice(1).forEach((line, i) => {
      // time, machine and kind come before the one quoted column (which may hold a ';')
      const [timestamp, machine_id, kind] = line.split(";");
      out.push({ id: `${table}-${i}`, table, machine_id, timestamp, kind });
    });
  }
  return out;
}
