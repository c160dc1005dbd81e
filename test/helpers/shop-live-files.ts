// Shop E's contract and technicians file, as its integration engineer wrote them from the README
// alone (README "Data contract": "A complete contract, every key explained"), kept as written, and
// the 30-day export its tools wrote (comma CSVs under the shop's own column names, ISO times in UTC).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A reading by the contract's names: a cell of the export, and what the bridge posts to /v1/predict. */
export interface LiveReading {
  machine_id: string;
  timestamp: string;
  spindle_vib_rms: number;
  axis_x_current: number;
  spindle_rpm: number;
  spindle_power_kw: number;
  coolant_temp_c: number;
}

/** The shop's two makes and the prefix of their machine ids. */
export const MAKES = [
  { make: "Okuma GENOS M560", prefix: "OK" },
  { make: "Brother Speedio S700", prefix: "BR" },
] as const;

/** ISO 8601 in UTC to the second, as the shop's tools and its bridge write times. */
export const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");

export const SHOP_LIVE_CONTRACT = `version: 1
name: shop-e-live
telemetry: export/telemetry.csv
time: { column: ts_utc }
machine: { column: asset }
readings:
  - { name: spindle_vib_rms, column: SpindleVibRMS, unit: mm/s, min: 0, max: 50, words: spindle vibration (RMS) }
  - { name: axis_x_current, column: AxisXCurrent_A, unit: A, min: 0, max: 100, words: X-axis motor current }
  - { name: spindle_rpm, column: SpindleRPM, unit: rpm, min: 0, max: 20000, words: spindle speed }
  - { name: spindle_power_kw, column: SpindlePower_kW, unit: kW, min: 0, max: 40, words: spindle power }
  - { name: coolant_temp_c, column: CoolantTemp, unit: "°C", min: -10, max: 80, words: coolant temperature }
attributes:
  file: export/assets.csv
  key: asset
  columns:
    - { name: make, column: make, kind: category, words: make and model }
    - { name: commissioned, column: commissioned, kind: number, words: year commissioned }
history:
  windows: [1h, 12h]
  stats: [mean, max, slope]
  readings: [spindle_vib_rms, axis_x_current, coolant_temp_c]
events:
  - { name: alarms, file: export/alarms.csv, time: ts_utc, machine: asset, kind: alarm, count: [24h] }
  - { name: maintenance, file: export/maintenance.csv, time: ts_utc, machine: asset, kind: part, since: true }
failures:
  file: export/failures.csv
  time: ts_utc
  machine: asset
  kind: part
  horizon: 24h
  resets: maintenance
training: { trees: 60, learning_rate: 0.1, max_depth: 3, min_leaf: 100, early_stopping: 20 }
tasks:
  planned_cost_per_hour: 90
  currency: "$"
  heads:
    spindle_bearing:
      failure: { downtime_hours: 10, cost_per_hour: 400, repair_cost: 5000 }
      task: { name: bearing_swap, words: spindle bearing swap, hours: 4, parts_cost: 1200, skills: [spindle],
              min_interval: 3d, effectiveness: 0.9, event: { table: maintenance, kind: spindle_bearing } }
    x_axis_drive:
      failure: { downtime_hours: 8, cost_per_hour: 400, repair_cost: 3000 }
      task: { name: drive_service, words: X-axis drive service, hours: 3, parts_cost: 600, skills: [axes],
              min_interval: 3d, effectiveness: 0.9, event: { table: maintenance, kind: x_axis_drive } }
`;

export const SHOP_LIVE_TECHNICIANS = `technicians:
  - name: Rosa Vidal
    skills: [spindle, axes]
    hours_per_shift: 6
    shifts: [weekdays day, weekdays evening]
  - name: Tom Becker
    skills: ["*"]
    hours_per_shift: 6
    shifts: [weekdays day, weekend day]
`;

/** The 30-day export as the shop's tools write it: comma CSVs under the shop's own column names. */
export function writeExport(
  dir: string,
  ids: string[],
  rows: { t: number; cells: LiveReading }[],
  alarms: { t: number; machine: string; code: string }[],
  services: { t: number; machine: string; part: string; why: string }[],
  failures: { t: number; machine: string; part: string }[],
  liveFrom: number,
): void {
  const ex = join(dir, "export");
  mkdirSync(ex, { recursive: true });
  const before = <T extends { t: number }>(xs: T[]) =>
    xs.filter((x) => x.t < liveFrom).sort((a, b) => a.t - b.t);
  const tele = rows.map(({ cells: c }) =>
    [
      c.timestamp,
      c.machine_id,
      c.spindle_vib_rms,
      c.axis_x_current,
      c.spindle_rpm,
      c.spindle_power_kw,
      c.coolant_temp_c,
    ].join(","),
  );
  writeFileSync(
    join(ex, "telemetry.csv"),
    `ts_utc,asset,SpindleVibRMS,AxisXCurrent_A,SpindleRPM,SpindlePower_kW,CoolantTemp\n${tele.join("\n")}\n`,
  );
  writeFileSync(
    join(ex, "assets.csv"),
    `asset,make,commissioned\n${ids.map((id, i) => `${id},${MAKES[i % 2].make},${2015 + ((i * 3) % 9)}`).join("\n")}\n`,
  );
  writeFileSync(
    join(ex, "alarms.csv"),
    `ts_utc,asset,alarm\n${before(alarms)
      .map((a) => `${iso(a.t)},${a.machine},${a.code}`)
      .join("\n")}\n`,
  );
  writeFileSync(
    join(ex, "maintenance.csv"),
    `ts_utc,asset,part,note\n${before(services)
      .map((s) => `${iso(s.t)},${s.machine},${s.part},${s.why}`)
      .join("\n")}\n`,
  );
  writeFileSync(
    join(ex, "failures.csv"),
    `ts_utc,asset,part\n${before(failures)
      .map((f) => `${iso(f.t)},${f.machine},${f.part}`)
      .join("\n")}\n`,
  );
}
