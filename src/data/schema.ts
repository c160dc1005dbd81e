// The data contract (see README "Data contract"): canonical snake_case names inside Millwright,
// the AI4I 2020 header outside. Units live in the docs, never in the names.

export const PRODUCT_TYPES = ["L", "M", "H"] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

/** Raw sensor features, in the fixed column order used by the model and the OIP [N, 6] tensor. */
export const RAW_FEATURES = [
  "air_temperature",
  "process_temperature",
  "rotational_speed",
  "torque",
  "tool_wear",
] as const;
export type RawFeature = (typeof RAW_FEATURES)[number];

/** Learnable failure modes with their own model head. RNF is random by construction: no head. */
export const MODE_HEADS = ["twf", "hdf", "pwf", "osf"] as const;
export type ModeHead = (typeof MODE_HEADS)[number];

export const LABELS = ["machine_failure", "twf", "hdf", "pwf", "osf", "rnf"] as const;
export type Label = (typeof LABELS)[number];

/** One sensor reading. `type` is the product quality variant. */
export interface Reading {
  type: ProductType;
  air_temperature: number; // K
  process_temperature: number; // K
  rotational_speed: number; // rpm
  torque: number; // Nm
  tool_wear: number; // min
  machine_id?: string;
  machine_model?: string;
  timestamp?: string;
}

export interface Labels {
  machine_failure: 0 | 1;
  twf?: 0 | 1;
  hdf?: 0 | 1;
  pwf?: 0 | 1;
  osf?: 0 | 1;
  rnf?: 0 | 1;
}

/** Every label known (a simulated process, or the ground truth sent back for one). */
export type KnownLabels = Required<Labels>;

/** The labels of a process that did not fail (a simulated one starts so; its rules may set some). */
export const NO_FAILURE: Readonly<KnownLabels> = {
  machine_failure: 0,
  twf: 0,
  hdf: 0,
  pwf: 0,
  osf: 0,
  rnf: 0,
};

export type LabelledReading = Reading & Partial<Labels> & { udi?: string; product_id?: string };

/** AI4I 2020 header → canonical name. */
export const AI4I_TO_CANONICAL: Record<string, string> = {
  UDI: "udi",
  "Product ID": "product_id",
  Type: "type",
  "Air temperature [K]": "air_temperature",
  "Process temperature [K]": "process_temperature",
  "Rotational speed [rpm]": "rotational_speed",
  "Torque [Nm]": "torque",
  "Tool wear [min]": "tool_wear",
  "Machine failure": "machine_failure",
  TWF: "twf",
  HDF: "hdf",
  PWF: "pwf",
  OSF: "osf",
  RNF: "rnf",
};

export const AI4I_HEADER = Object.keys(AI4I_TO_CANONICAL);

/** Physically possible ranges: a reading outside them is rejected as bad input, not predicted. */
export const PHYSICAL_LIMITS: Record<RawFeature, { min: number; max: number; unit: string }> = {
  air_temperature: { min: 0, max: 1000, unit: "K" },
  process_temperature: { min: 0, max: 1000, unit: "K" },
  rotational_speed: { min: 0, max: 100_000, unit: "rpm" },
  torque: { min: 0, max: 10_000, unit: "Nm" },
  tool_wear: { min: 0, max: 100_000, unit: "min" },
};

/** Words a technician reads: used by explanations and reports. */
export const FEATURE_WORDS: Record<string, { label: string; unit: string }> = {
  type: { label: "product quality", unit: "" },
  air_temperature: { label: "air temperature", unit: "K" },
  process_temperature: { label: "process temperature", unit: "K" },
  rotational_speed: { label: "spindle speed", unit: "rpm" },
  torque: { label: "torque", unit: "Nm" },
  tool_wear: { label: "tool wear", unit: "min" },
  temp_diff: { label: "process–air temperature difference", unit: "K" },
  power: { label: "mechanical power", unit: "W" },
  strain: { label: "tool strain (wear × torque)", unit: "min·Nm" },
};
