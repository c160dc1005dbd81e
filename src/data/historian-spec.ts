// What the historian simulation is made of: the controller-style sensor columns (with the limits the
// example contract states), the makes and models and which sensors each exposes, and the wearing
// components with their replacement intervals, wear-out laws, the signals a failing part disturbs and
// the alarm codes it raises. Kept apart from the generator so the contract test and the docs can
// read the same table.

export type SensorName =
  | "spindle_speed"
  | "spindle_load"
  | "vibration"
  | "coolant_temp"
  | "x_axis_load"
  | "spindle_temp";

export interface SensorSpec {
  name: SensorName;
  /** Column name as the controller export writes it. */
  column: string;
  unit: string;
  min: number;
  max: number;
  /** Decimals written to the CSV (controllers report at fixed precision). */
  digits: number;
}

export const HISTORIAN_SENSORS: readonly SensorSpec[] = [
  { name: "spindle_speed", column: "Spindle speed [rpm]", unit: "rpm", min: 0, max: 30000, digits: 0 },
  { name: "spindle_load", column: "spindle_load_pct", unit: "%", min: 0, max: 200, digits: 1 },
  { name: "vibration", column: "vib_rms", unit: "mm/s", min: 0, max: 50, digits: 2 },
  { name: "coolant_temp", column: "coolant_temp_C", unit: "°C", min: 0, max: 80, digits: 1 },
  { name: "x_axis_load", column: "x_axis_load_pct", unit: "%", min: 0, max: 200, digits: 1 },
  { name: "spindle_temp", column: "spindle_temp_C", unit: "°C", min: 0, max: 120, digits: 1 },
];

export interface HistorianModel {
  name: string;
  kind: "mill" | "lathe";
  maxRpm: number;
  /** Sensors this controller exports; the others are empty cells in its rows. */
  sensors: readonly SensorName[];
}

// Every model lacks a different sensor (DMG Mori has all), so every optional column has gaps and
// each failure kind has machines where only alarms and time since replacement foretell it.
export const HISTORIAN_MODELS: readonly HistorianModel[] = [
  {
    name: "Haas VF-2",
    kind: "mill",
    maxRpm: 8100,
    sensors: ["spindle_speed", "spindle_load", "vibration", "coolant_temp", "spindle_temp"],
  },
  {
    name: "DMG Mori NLX 2500",
    kind: "lathe",
    maxRpm: 4000,
    sensors: ["spindle_speed", "spindle_load", "vibration", "coolant_temp", "x_axis_load", "spindle_temp"],
  },
  {
    name: "Mazak QTN-200",
    kind: "lathe",
    maxRpm: 5000,
    sensors: ["spindle_speed", "spindle_load", "coolant_temp", "x_axis_load", "spindle_temp"],
  },
  {
    name: "Okuma LB3000",
    kind: "lathe",
    maxRpm: 4200,
    sensors: ["spindle_speed", "spindle_load", "vibration", "x_axis_load", "spindle_temp"],
  },
  {
    name: "Doosan Puma 2600",
    kind: "lathe",
    maxRpm: 3500,
    sensors: ["spindle_speed", "spindle_load", "vibration", "coolant_temp", "x_axis_load"],
  },
];

export type ComponentName = "spindle_bearing" | "ball_screw" | "coolant_pump" | "tool_changer";

type Signals = Partial<Record<SensorName, number>>;

export interface ComponentSpec {
  name: ComponentName;
  /** Scheduled replacement interval (hours); each replacement is jittered by ±10 %. */
  intervalH: number;
  /** Weibull wear-out law of the time to failure after replacement: shape > 1 = hazard rises with age. */
  shape: number;
  scaleH: number;
  /** How far a failing part pushes each signal at the failure hour (the push grows as progress²). */
  signals: Signals;
  /** Codes the controller raises while this part fails. */
  alarmCodes: readonly string[];
}

type ComponentRow = readonly [ComponentName, number, number, number, Signals, readonly string[]];

// One row a component: name, interval (h), Weibull shape and scale (h), signal pushes, alarm codes.
// No sensor watches the tool changer: only its alarms and its age foretell a failure.
// biome-ignore format: a table reads best one row a line
const COMPONENT_ROWS: readonly ComponentRow[] = [
  ["spindle_bearing", 3000, 4, 3900, { vibration: 3.5, spindle_temp: 9, spindle_load: 4 }, ["SP9012", "SP1241", "OH0704"]],
  ["ball_screw", 2600, 4, 3450, { x_axis_load: 22, vibration: 0.5, spindle_load: 2 }, ["SV0401", "SV0411", "SV0436"]],
  ["coolant_pump", 2200, 3.5, 3200, { coolant_temp: 9, spindle_temp: 2 }, ["OH0700", "EX2010"]],
  ["tool_changer", 3600, 3.5, 4800, {}, ["EX1001", "EX1002", "EX1015"]],
];

export const COMPONENTS: readonly ComponentSpec[] = COMPONENT_ROWS.map(
  ([name, intervalH, shape, scaleH, signals, alarmCodes]) => ({
    name,
    intervalH,
    shape,
    scaleH,
    signals,
    alarmCodes,
  }),
);

/** Everyday alarms unrelated to any failure (overtravel, program, door, operator). */
export const BACKGROUND_CODES: readonly string[] = [
  "OT0500",
  "OT0501",
  "PS0010",
  "PS0224",
  "EX0050",
  "EX0102",
  "SV0401",
  "SP1241",
  "OH0700",
  "EX1001",
];
