// Shop G's contract and technicians file as its maintenance lead wrote them from the README alone
// ("Data contract", "One export per make"), kept as written. 22 makes need no 22 blocks: a reading
// lists every name the makes give it. What the README offered for a unit was a reading of its own
// (oil_temp_f, vibration_ips, load_kw beside oil_temp, vibration, load).

export const SHOP_BOLTS_CONTRACT_FIRST = `# Shop G: bolts and nuts. The gateway writes one file per make and model (exports/),
# the CMMS spreadsheet the maintenance and breakdown logs.
version: 1
name: shop-g-bolts
telemetry: export/exports/*.csv
time: { column: Timestamp, zone: America/Chicago }
machine: { column: Machine }
readings:
  - { name: load, unit: "%", min: 0, max: 200, optional: true, words: main motor or spindle load,
      column: [MAIN_MTR_LOAD, LoadRate, Carico_Motore, motor_load, LOAD, Load_Pct, AMPS_PCT, Carico,
               SpindleLoad, Load, LOAD_RATE, "Spindle Load (%)", "SP1 Load", SPINDLE.LOAD_PCT, Sp_Load,
               S1_LOAD, SPDL_LOAD] }
  - { name: load_kw, unit: kW, min: 0, max: 200, optional: true, words: main motor power,
      column: [MainMotor_kW, Hauptantrieb_kW] }
  - { name: parts, unit: parts, min: 0, words: stroke or part counter,
      column: [PIECE_CNT, ShotCount, Pezzi, Count, Hubzaehler, counter, COUNT, Stroke_Count, STROKES,
               Contapezzi, PartCount, Parts, WORK_COUNT, "Parts Count", PART_COUNT, Work_Count,
               PRODUCT_CNT, PARTS_TOTAL] }
  - { name: stroke_rate, unit: spm, min: 0, max: 400, optional: true, words: strokes per minute,
      column: [SPM, spm] }
  - { name: spindle_speed, unit: rpm, min: 0, max: 12000, optional: true, words: spindle speed,
      column: ["Spindle Speed (RPM)", "SP1 RPM", SPINDLE.RPM, Sp_Speed, S1_RPM, SPDL_RPM] }
  - { name: bearing_temp, unit: "°C", min: -10, max: 120, optional: true, words: bearing temperature,
      column: [BearingTemp, Temp_Cuscinetto, Lagertemp, bearing_temp, T_Cuscinetto, "SP1 Temp",
               SPINDLE.TEMP_C, SPDL_TEMP] }
  - { name: oil_temp, unit: "°C", min: -10, max: 100, optional: true, words: oil temperature,
      column: [OilTemp, Temp_Olio, OilTemp_C, Oeltemp, oil_temp, OIL_TEMP] }
  - { name: oil_temp_f, unit: "°F", min: 0, max: 250, optional: true, words: oil temperature (°F),
      column: [LUBE_OIL_F, Oil_F] }
  - { name: vibration, unit: mm/s, min: 0, max: 50, optional: true, words: vibration,
      column: [Vib, Vibrazione, vibration, Vib_RMS, SPINDLE.VIB_RMS] }
  - { name: vibration_ips, unit: in/s, min: 0, max: 2, optional: true, words: vibration (in/s),
      column: [FLYWHEEL_VIB_IPS, Vib_IPS] }
attributes:
  file: export/machines.csv
  key: Machine
  columns:
    - { name: make, column: Make, kind: category }
    - { name: model, column: Model, kind: category, words: model }
    - { name: type, column: Type, kind: category, words: machine type }
    - { name: year, column: Year, kind: number, words: year built }
history:
  windows: [4h, 24h, 72h]
  stats: [mean, max, slope]
  readings: all
events:
  - { name: alarms, file: export/alarms.csv, time: Timestamp, machine: Machine, kind: Alarm, count: [24h] }
  - { name: maintenance, file: export/maintenance.csv, machine: Machine, kind: Component, since: true,
      time: { column: Date, format: "MM/DD/YYYY HH:mm", zone: America/Chicago } }
failures:
  file: export/breakdowns.csv
  time: { column: Down, format: "MM/DD/YYYY HH:mm", zone: America/Chicago }
  machine: Machine
  kind: Component
  horizon: 48h
  resets: maintenance
training: { trees: 100, learning_rate: 0.05, max_depth: 3, min_leaf: 200, early_stopping: 50 }
tasks:
  planned_cost_per_hour: 85
  currency: "$"
  heads:
    BEARING:
      failure: { downtime_hours: 40, cost_per_hour: 300, repair_cost: 7500 }
      task: { name: bearing_replacement, words: main or spindle bearing replacement, hours: 10,
              parts_cost: 2400, skills: [bearing], min_interval: 30d, effectiveness: 0.95,
              event: { table: maintenance, kind: BEARING } }
    LUBE:
      failure: { downtime_hours: 12, cost_per_hour: 300, repair_cost: 1200 }
      task: { name: lube_service, words: lube system service, hours: 3, parts_cost: 250,
              skills: [lube], min_interval: 7d, effectiveness: 0.9,
              event: { table: maintenance, kind: LUBE } }
`;

/**
 * The same contract once the README gave a column its unit (this trial's fix): one reading per
 * physical quantity, each make's column read into its unit (Reed-Rico's OilTemp for its machines);
 * and once it had counters, the stroke or part counter declared one (the model sees its rate).
 */
export const SHOP_BOLTS_CONTRACT = SHOP_BOLTS_CONTRACT_FIRST.replace(
  "  - { name: parts, unit: parts, min: 0, words: stroke or part counter,",
  "  - { name: parts, unit: parts, min: 0, kind: counter, words: stroke or part counter,",
)
  .replace(
    "max: 200, optional: true, words: main motor or spindle load,",
    "max: 200, words: main motor or spindle load,",
  )
  .replace(
    `               S1_LOAD, SPDL_LOAD] }
  - { name: load_kw, unit: kW, min: 0, max: 200, optional: true, words: main motor power,
      column: [MainMotor_kW, Hauptantrieb_kW] }`,
    `               S1_LOAD, SPDL_LOAD,
               { column: MainMotor_kW, scale: 1.8182 }, { column: Hauptantrieb_kW, scale: 0.90909 }] }`,
  )
  .replace(
    `      column: [OilTemp, Temp_Olio, OilTemp_C, Oeltemp, oil_temp, OIL_TEMP] }
  - { name: oil_temp_f, unit: "°F", min: 0, max: 250, optional: true, words: oil temperature (°F),
      column: [LUBE_OIL_F, Oil_F] }`,
    `      column: [oil_temp, OilTemp, Temp_Olio, OilTemp_C, Oeltemp, OIL_TEMP,
               { column: LUBE_OIL_F, unit: "°F" }, { column: Oil_F, unit: "°F" },
               { column: OilTemp, unit: "°F", machines: [R-01, R-02, R-03] }] }`,
  )
  .replace(
    `      column: [Vib, Vibrazione, vibration, Vib_RMS, SPINDLE.VIB_RMS] }
  - { name: vibration_ips, unit: in/s, min: 0, max: 2, optional: true, words: vibration (in/s),
      column: [FLYWHEEL_VIB_IPS, Vib_IPS] }`,
    `      column: [Vib, Vibrazione, vibration, Vib_RMS, SPINDLE.VIB_RMS,
               { column: FLYWHEEL_VIB_IPS, unit: in/s }, { column: Vib_IPS, unit: in/s }] }`,
  );

export const SHOP_BOLTS_TECHNICIANS = `technicians:
  - { name: Dale Kowalski, skills: [bearing, lube], hours_per_shift: 6, shifts: [weekdays day] }
  - { name: Rosa Medina, skills: [lube], hours_per_shift: 4, shifts: [weekdays day, weekdays evening] }
  - { name: Tom Nguyen, skills: [lube], hours_per_shift: 4, shifts: [Sat day] }
`;

/** What each machine type's bearing job is, as the contract below says it (the trial's assertions read it). */
export const BEARING_BY_TYPE = {
  header: { words: "main bearing replacement", hours: 8, parts: 6800, failure: 72 * 450 + 26000 },
  roller: { words: "main or spindle bearing replacement", hours: 6, parts: 2400, failure: 40 * 300 + 7500 },
  lathe: { words: "spindle bearing cartridge swap", hours: 4, parts: 1900, failure: 24 * 180 + 5200 },
  mc: { words: "spindle bearing cartridge swap", hours: 4, parts: 1900, failure: 24 * 180 + 5200 },
} as const;

/**
 * The contract once the shop gives each machine type its own bearing job (`for:`, README "Data
 * contract"): a cold header's main bearing takes a full shift and a press-fit set, and a stopped
 * header stops the line; a lathe's spindle cartridge is half a shift; the rollers take 6 hours.
 */
export const SHOP_BOLTS_CONTRACT_PER_MAKE = SHOP_BOLTS_CONTRACT.replace(
  `              event: { table: maintenance, kind: BEARING } }
`,
  `              event: { table: maintenance, kind: BEARING } }
      for:
        - match: { type: header }
          failure: { downtime_hours: 72, cost_per_hour: 450, repair_cost: 26000 }
          task: { words: main bearing replacement, hours: 8, parts_cost: 6800 }
        - match: { type: [lathe, mc] }
          failure: { downtime_hours: 24, cost_per_hour: 180, repair_cost: 5200 }
          task: { words: spindle bearing cartridge swap, hours: 4, parts_cost: 1900 }
        - match: { type: roller }
          task: { hours: 6 }
`,
);
