// Shop D's contract and technicians, as its engineer wrote them from the README (see shop-cmms.ts for
// the export), and writing the generated files into a folder.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCsv } from "../../src/data/csv.js";
import { type ShopCmms, shopCmms } from "./shop-cmms.js";

export const SHOP_CMMS_CONTRACT = `# Shop D (US job shop): hourly aggregates from the monitoring system, the CMMS's work orders as the
# maintenance and failure record, the Fanuc alarm history.
version: 1
name: shop-d-cmms
telemetry: hourly.csv
time: { column: Hour Start, zone: America/New_York }
machine: { column: Asset }
readings:
  - { name: spindle_load_avg, column: Spindle Load Avg %, unit: "%", min: 0, max: 150, words: average spindle load }
  - { name: spindle_load_max, column: Spindle Load Max %, unit: "%", min: 0, max: 250, words: peak spindle load }
  - { name: spindle_rpm, column: Spindle RPM Avg, unit: rpm, min: 0, max: 15000, words: spindle speed }
  - { name: feed_rate, column: Feed Rate in/min, unit: in/min, min: 0, max: 1500, words: feed rate }
  - { name: coolant_temp, column: Coolant Temp F, unit: "°F", min: 32, max: 212, words: coolant temperature }
  - { name: way_lube_pressure, column: Way Lube Pressure psi, unit: psi, min: 0, max: 150, words: way lube pressure }
  - { name: spindle_vib, column: Spindle Vib in/s, unit: in/s, min: 0, max: 2, optional: true, words: spindle vibration }
attributes:
  file: machines.csv
  key: Asset Tag
  columns:
    - { name: make, column: Make, kind: category, words: make }
    - { name: machine_model, column: Model, kind: category, words: model }
history:
  windows: [6h, 24h, 72h]
  stats: [mean, max, slope]
  readings: [spindle_load_max, coolant_temp, way_lube_pressure, spindle_vib]
events:
  - { name: alarms, file: alarms.csv, time: Date Time, machine: Machine, kind: Alarm No., count: [24h, 72h], since: true }
  - name: work_orders
    file: work_orders.csv
    time: { column: Opened, format: "MM/DD/YYYY hh:mm A", zone: America/New_York }
    machine: Asset
    kind: Component
    since: true
failures:
  file: work_orders.csv
  where: { column: Type, in: [CM, EMERG] }
  time: { column: Opened, format: "MM/DD/YYYY hh:mm A", zone: America/New_York }
  machine: Asset
  kind: Component
  horizon: 48h
  resets: work_orders
tasks:
  planned_cost_per_hour: 95
  currency: "$"
  heads:
    Spindle:
      failure: { downtime_hours: 24, cost_per_hour: 300, repair_cost: 9000 }
      task: { name: spindle_rebuild, words: spindle rebuild, hours: 8, parts_cost: 3500, skills: [spindle], min_interval: 14d, effectiveness: 0.9, event: { table: work_orders, kind: Spindle } }
    Way lube pump:
      failure: { downtime_hours: 8, cost_per_hour: 300, repair_cost: 900 }
      task: { name: lube_pump_swap, words: way lube pump swap, hours: 2, parts_cost: 350, skills: [lube], min_interval: 7d, effectiveness: 0.9, event: { table: work_orders, kind: Way lube pump } }
    ATC:
      failure: { downtime_hours: 12, cost_per_hour: 300, repair_cost: 2200 }
      task: { name: atc_service, words: tool changer service, hours: 3, parts_cost: 600, skills: [atc], min_interval: 7d, effectiveness: 0.8, event: { table: work_orders, kind: ATC } }
training: { trees: 100, learning_rate: 0.05, max_depth: 3, min_leaf: 100, early_stopping: 30 }
`;

export const SHOP_CMMS_TECHNICIANS = `technicians:
  - name: Mike Alvarez
    skills: [spindle, atc]
    hours_per_shift: 6
    shifts: [weekdays day]
  - name: Tasha Brooks
    skills: [lube, atc]
    hours_per_shift: 6
    shifts: [weekdays evening]
  - name: Ray Kowalczyk
    skills: ["*"]
    hours_per_shift: 4
    shifts: [Sat day]
`;

/** Generates shop D into `dir` (training export) and `dir/later` (the 15 days after), with its contract. */
export function writeShopCmms(dir: string, seed = 11): ShopCmms & { contract: string; technicians: string } {
  const shop = shopCmms(seed);
  mkdirSync(join(dir, "later"), { recursive: true });
  for (const [name, text] of Object.entries(shop.files)) writeFileSync(join(dir, name), text);
  for (const [name, text] of Object.entries(shop.later)) writeFileSync(join(dir, "later", name), text);
  const contract = join(dir, "shop-d.yaml");
  const technicians = join(dir, "technicians.yaml");
  writeFileSync(contract, SHOP_CMMS_CONTRACT);
  writeFileSync(technicians, SHOP_CMMS_TECHNICIANS);
  return { ...shop, contract, technicians };
}

/** The names the contract gives the telemetry columns after Asset and Hour Start, in file order. */
export const READING_NAMES = [
  "spindle_load_avg",
  "spindle_load_max",
  "spindle_rpm",
  "feed_rate",
  "coolant_temp",
  "way_lube_pressure",
  "spindle_vib",
];

/** An hourly.csv's rows as /v1/predict readings: the contract's names, times as the file writes them. */
export function postedReadings(csvText: string): Record<string, string | number | null>[] {
  const t = parseCsv(csvText);
  return t.rows.map((r) => ({
    machine_id: r[0],
    timestamp: r[1],
    ...Object.fromEntries(READING_NAMES.map((n, i) => [n, r[i + 2] === "" ? null : Number(r[i + 2])])),
  }));
}

/**
 * A work_orders.csv as /v1/events posts it: every CNC order to the work_orders table, and the CM and
 * EMERG ones also to failures (the server does not apply `where`), times as the CMMS writes them.
 */
export function postedWorkOrders(csvText: string): Record<string, string>[] {
  const t = parseCsv(csvText);
  return t.rows
    .filter((r) => r[1].startsWith("CNC-"))
    .flatMap(([wo, asset, type, component, , opened]) => {
      const e = { machine_id: asset, timestamp: opened, kind: component };
      return [
        { id: wo, table: "work_orders", ...e },
        ...(type === "PM" ? [] : [{ id: `${wo}-failure`, table: "failures", ...e }]),
      ];
    });
}
