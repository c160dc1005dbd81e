// Shop E's contract and technicians file, as its integration engineer wrote them from the README
// alone (README "Data contract": "A complete contract, every key explained"), kept as written.

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
