// Shop B on disk: the historian export of shop-pi.ts in a temp folder beside the contract its
// engineer wrote from the README (SHOP_PI_CONTRACT) and the technicians file for the plan.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ShopPi, type ShopPiOptions, shopPi } from "./shop-pi.js";

/** Shop B's contract: PI long export, asset register, HMI alarms, CMMS work orders and breakdowns. */
export const SHOP_PI_CONTRACT = `# Shop B: PI historian export (long), machines from the asset register, alarms from the HMI,
# work orders and breakdowns from the CMMS.
version: 1
name: shop-b-pi
telemetry: telemetry.csv
long: { tag: Tag, value: Value, every: 1h, hold: 8h, quality: { column: Quality, good: [Good] }, split: "." }
time: { column: Timestamp }
machine: { column: Tag }                # CNC07.SPINDLE.LOAD_PCT: machine CNC07 (long.split)
readings:
  - { name: spindle_speed, column: [SPINDLE.SPEED_RPM, SP1.RPM], unit: rpm, min: 0, max: 20000, words: spindle speed }
  - { name: spindle_load, column: [SPINDLE.LOAD_PCT, SP1.LOAD], unit: "%", min: 0, max: 200, words: spindle load }
  - { name: spindle_temp, column: [SPINDLE.TEMP_C, SP1.BRG_TEMP], unit: "°C", min: 0, max: 150, words: spindle temperature }
  - { name: coolant_temp, column: [COOLANT.TEMP_C, CLNT.TEMP], unit: "°C", min: 0, max: 80, words: coolant temperature }
  - { name: vibration, column: SP1.VIB_RMS, unit: mm/s, min: 0, max: 50, words: spindle vibration, optional: true }
attributes:
  file: machines.csv
  key: Asset
  columns:
    - { name: make, column: Manufacturer, kind: category, words: make }
    - { name: install_year, column: InstallYear, kind: number, words: year installed }
history:
  windows: [6h, 24h, 72h]
  stats: [mean, max, slope]
  readings: [spindle_load, spindle_temp, coolant_temp, vibration]
events:
  - { name: alarms, file: alarms.csv, time: Time, machine: Asset, kind: AlarmCode, count: [24h] }
  - { name: maintenance, file: workorders.csv, time: Completed, machine: Asset, kind: Component, since: true }
failures:
  file: breakdowns.csv
  time: Start
  machine: Asset
  kind: Component
  horizon: 24h
  resets: maintenance
training: { trees: 100, learning_rate: 0.05, max_depth: 3, min_leaf: 200, early_stopping: 50 }
tasks:
  planned_cost_per_hour: 95
  currency: "€"
  heads:
    SPINDLE_BEARING:
      failure: { downtime_hours: 30, cost_per_hour: 400, repair_cost: 5200 }
      task: { name: spindle_bearing_replacement, words: spindle bearing replacement, hours: 6, parts_cost: 1500,
              skills: [spindle], min_interval: 14d, effectiveness: 0.95,
              event: { table: maintenance, kind: SPINDLE_BEARING } }
    COOLANT_PUMP:
      failure: { downtime_hours: 6, cost_per_hour: 400, repair_cost: 900 }
      task: { name: coolant_pump_replacement, words: coolant pump replacement, hours: 2, parts_cost: 300,
              skills: [coolant], min_interval: 7d, effectiveness: 0.95,
              event: { table: maintenance, kind: COOLANT_PUMP } }
`;

/**
 * The same shop exported with an Asset column (PI AF) and timed by each machine's spindle-hours counter: windows, the horizon, the buckets and
 * the hold in spindle hours (the README's counter time counts rows; a bucket of 1 is one spindle
 * hour), task intervals in rows, and rows_per_hour for the plan's shifts (the spindles run ~85 %).
 */
export const SHOP_PI_COUNTER_CONTRACT = SHOP_PI_CONTRACT.replace("name: shop-b-pi", "name: shop-b-pi-hours")
  .replace(', split: "." }', " }")
  .replace("machine: { column: Tag }", "machine: { column: Asset }")
  .replace("every: 1h, hold: 8h,", "every: 1, hold: 8,")
  .replace("time: { column: Timestamp }", "time: { column: SpindleHours, counter: true }")
  .replace("windows: [6h, 24h, 72h]", "windows: [6, 24, 72]")
  .replace("time: Time,", "time: SpindleHours,")
  .replace("time: Completed,", "time: SpindleHours,")
  .replace("count: [24h]", "count: [24]")
  .replace("  time: Start\n", "  time: SpindleHours\n")
  .replace("horizon: 24h", "horizon: 24")
  .replace('  currency: "€"\n', '  currency: "€"\n  rows_per_hour: 0.85\n')
  .replace("min_interval: 14d", "min_interval: 280")
  .replace("min_interval: 7d", "min_interval: 140");

export const SHOP_PI_TECHNICIANS = `technicians:
  - { name: Marta Silva, skills: [spindle, coolant], hours_per_shift: 6, shifts: [weekdays day] }
  - { name: Joe Baptiste, skills: [coolant], hours_per_shift: 4, shifts: [weekdays evening, Sat day] }
`;

export interface ShopPiOnDisk extends ShopPi {
  dir: string;
  contract: string;
  telemetry: string;
  technicians: string;
}

export function writeShopPi(opts: ShopPiOptions = {}, prefix = "mw-shop-pi-"): ShopPiOnDisk {
  const shop = shopPi(opts);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(shop.files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, "shop-b.yaml"), opts.counter ? SHOP_PI_COUNTER_CONTRACT : SHOP_PI_CONTRACT);
  if (opts.counter && !opts.asset)
    throw new Error("the counter contract reads the Asset layout: pass asset: true");
  writeFileSync(join(dir, "technicians.yaml"), SHOP_PI_TECHNICIANS);
  return {
    ...shop,
    dir,
    contract: join(dir, "shop-b.yaml"),
    telemetry: join(dir, "telemetry.csv"),
    technicians: join(dir, "technicians.yaml"),
  };
}
