// The data contract, resolved: what the user's YAML says, checked and with every default filled in.
// Inside Millwright everything is called by the contract's `name`s; the user's column names appear
// only here, in `column` fields. A model version carries its resolved contract (with the category
// levels and event kinds seen in training), so prediction and serving need no contract file.
import type { Expr } from "../features/expr.js";
import type { TrainingParams } from "./training.js";

/** A window or horizon: milliseconds on a clock, or a number of rows for a counter time. */
export interface Span {
  /** As the user wrote it ("24h", 50): used in feature names and messages. */
  label: string;
  /** Milliseconds (clock time) or rows (counter time). */
  size: number;
}

export type Stat = "mean" | "std" | "min" | "max" | "slope";
export const STATS: readonly Stat[] = ["mean", "std", "min", "max", "slope"];

/** A reading whose values are numbers: a number, or a counter (the model sees its rate). */
export const isNumeric = (r: { kind: string }): boolean => r.kind === "number" || r.kind === "counter";

/** The indices of a contract's counter readings (`kind: counter`), in contract order. */
export const counterSlots = (c: { readings: readonly { kind: string }[] }): number[] =>
  c.readings.flatMap((r, i) => (r.kind === "counter" ? [i] : []));

export interface ReadingSpec {
  name: string;
  column: string;
  /** Other names of the same column (another make's controller calls it S_ACT); absent in old versions. */
  aliases?: string[];
  /** Columns (among the names) written in another unit, read into this one; absent in old versions. */
  convert?: ColumnConversion[];
  /**
   * counter: a cumulative count (strokes, spindle hours) that only grows, but for a reset: the model
   * and the monitor see its rate between a machine's consecutive readings (features/counter-rate.ts).
   */
  kind: "number" | "category" | "counter";
  unit: string;
  min: number | null;
  max: number | null;
  /** Words for people ("spindle speed"); the name with spaces when not given. */
  words: string;
  /** Missing cells allowed (a model without that sensor): the value is NaN and the trees route it. */
  optional: boolean;
  /**
   * Values an export writes for "no value" (-9999), as written in the cell, before any unit
   * conversion: read as an empty cell (absent: none; versions trained before it).
   */
  missing?: number[];
  /** Category levels in code order (code = index); learned from training data when not given. */
  levels: string[] | null;
}

/**
 * A column of a reading written in another unit (`{ column: LUBE_OIL_F, unit: "°F" }`): its values
 * are read as value × scale + offset, for every machine or only for `machines`.
 */
export interface ColumnConversion {
  column: string;
  /** The unit as the contract gave it (null: given by scale and offset). */
  unit: string | null;
  scale: number;
  offset: number;
  machines: string[] | null;
  /** This column's own "no value" cells (-9999 in its own unit), besides the reading's `missing`. */
  missing?: number[];
}

/** An attribute's value as registered: a category's level as written, a number, or null (missing). */
export type AttributeValue = string | number | null;

/** A machine's attributes by the contract's names, in contract order. */
export type MachineAttributes = Record<string, AttributeValue>;

export interface AttributeSpec {
  name: string;
  column: string;
  kind: "number" | "category";
  unit: string;
  words: string;
  levels: string[] | null;
}

export interface DerivedSpec {
  name: string;
  expr: string;
  ast: Expr;
  unit: string;
  words: string;
}

/** How one file writes its times when not as the contract's `time` says (absent: as it says). */
export interface TableClock {
  format: string | null;
  zone: string | null;
}

/**
 * Which rows of a file a table takes (`where: { column: Type, in: [CM, EMERG] }`): a CMMS exports
 * planned and corrective work orders in one file, and only the corrective ones are failures.
 */
export interface RowFilter {
  column: string;
  /** The cell values kept, compared as written after trimming (case counts). */
  in: string[];
}

/** Where an event or failure table's rows come from, and which of its columns say when, where and what. */
export interface EventTableSource {
  /** Path as resolved against the contract's folder (null in a contract read back from a model). */
  file: string | null;
  time: string;
  clock?: TableClock | null;
  /** Only the rows whose column holds one of these values (absent: every row). */
  where?: RowFilter | null;
  machine: string | null;
  /** Column whose value is the row's kind (alarm code, component); null: all one kind. */
  kind: string | null;
}

export interface EventSpec extends EventTableSource {
  name: string;
  count: Span[];
  since: boolean;
  /** Kinds with a `since` feature each, in feature order: learned from the training events. */
  kinds: string[] | null;
}

export interface FailureSpec extends EventTableSource {
  horizon: Span;
  /** Name of the event table whose `since` a failure resets (the part is replaced). */
  resets: string | null;
  /** Failure kinds, one model head each: learned from the training failures. */
  kinds: string[] | null;
}

export interface LabelSpec {
  column: string;
  /** Mode column → head name (AI4I: TWF → twf); with modeColumn, a value of that column → head name. */
  modes: { column: string; name: string }[];
  /** One column naming each row's failure mode (a shop's "Fehlerart"), instead of a 0/1 column per mode. */
  modeColumn?: string | null;
}

/**
 * Spreadsheet exports in much of Europe write `1,5` for 1.5 and so separate fields with `;`. One
 * format per contract: a shop's export tool writes all its files the same way.
 */
export interface CsvFormat {
  delimiter: "," | ";" | "\t" | "|";
  decimal: "." | ",";
  /**
   * A telemetry row that repeats its machine's row before it cell for cell (an exporter writing a
   * row twice): "drop" leaves it out with a counted warning; absent or "error": a row error.
   */
  duplicates?: "error" | "drop";
}

export const DEFAULT_CSV: CsvFormat = { delimiter: ",", decimal: "." };

export interface Contract {
  version: 1;
  name: string;
  /** The contract file it came from (messages) and the folder relative paths resolve against. */
  source: string;
  /** Telemetry files; the last segment of each may hold * and ? (every match, sorted by name). */
  telemetry: string[];
  /** How every file of the contract is written: field delimiter and decimal mark. */
  csv: CsvFormat;
  /**
   * Telemetry written long (one row per machine, time and tag): the tag and value columns, and the
   * bucket length tags sampled at their own instants fall into (null: exact times), how long a tag's
   * latest value fills later buckets it has no sample in (`hold`, null: not at all; a historian
   * stores a value only when it changes), and the quality column whose rows other than `good` are
   * skipped (absent in versions trained before them). Null: wide.
   */
  long?: {
    tag: string;
    value: string;
    every: Span | null;
    hold?: Span | null;
    quality?: { column: string; good: string[] } | null;
    /** The machine is the tag's text before the first `split`, the tag the rest (null: not). */
    split?: string | null;
  } | null;
  /** `format` and `zone` as the export writes its times (absent in versions trained before them). */
  time: {
    column: string;
    /** Other names of the time column (one per make's file); absent in versions trained before them. */
    aliases?: string[];
    counter: boolean;
    format?: string | null;
    zone?: string | null;
  } | null;
  /** `aliases`: the machine column's other names, as the time's. */
  machine: { column: string; aliases?: string[] } | null;
  readings: ReadingSpec[];
  attributes: { file: string | null; key: string; columns: AttributeSpec[] } | null;
  derived: DerivedSpec[];
  history: { windows: Span[]; stats: Stat[]; readings: string[] } | null;
  events: EventSpec[];
  failures: FailureSpec | null;
  labels: LabelSpec | null;
  /** Maintenance tasks and failure costs per head, for the planner (null: the contract has none). */
  tasks: ContractTasks | null;
  /** GBDT parameters its models train with (`training:`; null: the trainer's defaults). */
  training: TrainingParams | null;
  /** How its model is watched (`monitor:`; null or absent, in versions trained before it: the fleet only). */
  monitor?: MonitorSpec | null;
}

/** `monitor: { drift_by: [make] }`: machine-table attributes whose levels get a drift test each (monitor/live/monitor.ts). */
export interface MonitorSpec {
  /** Category attributes, in the contract's order of writing. */
  driftBy: string[];
}

// Tasks: what prevents each failure kind, and what it costs (contract/tasks.ts reads them).

/** What a done task puts into the machine's history: the planner re-scores the machine with it. */
export type TaskEffect =
  /** A row of a `since: true` event table with this kind: that kind's `since` feature restarts. */
  | { table: string; kind: string }
  /** A reading set to a value (a new tool: tool_wear 0); derived features follow. */
  | { reading: string; value: number };

export interface TaskSpec {
  name: string;
  words: string;
  hours: number;
  partsCost: number;
  /** Skills a technician needs, all of them ("*" in a technician's skills covers any). */
  skills: string[];
  /** Shortest time between two of these tasks on one machine (ms, or rows on a counter). */
  minInterval: Span | null;
  /** Fraction of the risk the event removes that a real task removes (0–1]. */
  effectiveness: number;
  /** Null: a check that changes no feature; its effect is `effectiveness` of the risk. */
  event: TaskEffect | null;
}

export interface FailureCosts {
  downtimeHours: number;
  costPerHour: number;
  repairCost: number;
}

/** One attribute condition of an override: the machine's value is one of `values`, or within [min, max]. */
export interface AttributeMatch {
  attribute: string;
  /** Levels (or numbers) any of which matches; null: a number range. */
  values: (string | number)[] | null;
  min: number | null;
  max: number | null;
}

/**
 * A head's failure cost and task for some machines (`for:` in the contract): every condition of
 * `match` holds and, when `machines` is not empty, the machine is one of them. Stored resolved (the
 * head's default with the override's keys laid over it), so a plan reads one spec per machine.
 */
export interface TaskOverride {
  match: AttributeMatch[];
  machines: string[];
  /** The override as written, for messages ("make Hyodo, model HC-12"). */
  label: string;
  failure: FailureCosts;
  task: TaskSpec | null;
  /**
   * false (`applies: false`): the kind cannot happen on these machines (a lathe with no tool
   * changer), so the plan gives them no task, risk or cost of it; its failure is then the head's own
   * and its task null. Absent: it applies (written only when false, so older models read the same).
   */
  applies?: false;
}

export interface HeadTasks {
  head: string;
  failure: FailureCosts;
  task: TaskSpec | null;
  /** Per make, model or machine: first match wins, in file order (absent: none; a version trained before them). */
  for?: TaskOverride[];
}

export interface ContractTasks {
  /** Cost per hour of planned work: technician time plus the planned stop of the machine. */
  plannedCostPerHour: number;
  /** Counter-time contracts only: readings (rows) per hour, to turn per-row risk into per-shift risk. */
  rowsPerHour: number | null;
  /** Printed before money in the plan's words ("$"); empty by default. */
  currency: string;
  heads: HeadTasks[];
}
