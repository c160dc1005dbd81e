// The ONE statement of what an AI4I reading sent to the server may hold: its fields, in the order
// they are checked, with each one's kind and limits. Read by the general parser (reading.ts, which
// writes every error message), the fast scanner of array bodies (scan-readings.ts, which only ever
// accepts a subset of what the parser accepts) and the OpenAPI schema (schemas.ts). The numbers
// come from the data contract's PHYSICAL_LIMITS and the string limits from core/limits.ts.
// Also the one internal shape readings take once read: ReadingColumns. Pure.
import { MAX_ID_LENGTH, MAX_TIMESTAMP_LENGTH } from "../core/limits.js";
import {
  PHYSICAL_LIMITS,
  PRODUCT_TYPES,
  type ProductType,
  RAW_FEATURES,
  type RawFeature,
} from "../data/schema.js";

export type FieldRule =
  | { name: "type"; kind: "type"; required: true; values: readonly ProductType[]; description: string }
  | {
      name: RawFeature;
      kind: "number";
      required: true;
      min: number;
      max: number;
      unit: string;
      description: string;
    }
  /** A non-empty string of at most maxLength characters, no control characters; null = absent. */
  | {
      name: "machine_id" | "machine_model";
      kind: "id";
      required: false;
      maxLength: number;
      description: string;
    }
  /** An RFC 3339 date-time with seconds and an offset (core/limits.ts isDateTime); null = absent. */
  | { name: "timestamp"; kind: "timestamp"; required: false; maxLength: number; description: string };

const WORDS: Record<RawFeature, string> = {
  air_temperature: "Air temperature",
  process_temperature: "Process temperature",
  rotational_speed: "Rotational speed",
  torque: "Torque",
  tool_wear: "Tool wear",
};

/** Every field of a reading, in the order the parser checks them (and the schema lists them). */
export const READING_FIELDS: readonly FieldRule[] = [
  {
    name: "type",
    kind: "type",
    required: true,
    values: PRODUCT_TYPES,
    description: "Product quality variant",
  },
  ...RAW_FEATURES.map(
    (f): FieldRule => ({
      name: f,
      kind: "number",
      required: true,
      ...PHYSICAL_LIMITS[f],
      description: `${WORDS[f]}, ${PHYSICAL_LIMITS[f].unit}`,
    }),
  ),
  { name: "machine_id", kind: "id", required: false, maxLength: MAX_ID_LENGTH, description: "" },
  {
    name: "machine_model",
    kind: "id",
    required: false,
    maxLength: MAX_ID_LENGTH,
    description: "Make and model",
  },
  {
    name: "timestamp",
    kind: "timestamp",
    required: false,
    maxLength: MAX_TIMESTAMP_LENGTH,
    description: "",
  },
];

/**
 * Readings by column: what every entry point (a JSON object or array, an OIP tensor) turns its
 * input into, once, and what predictColumns (predict-columns.ts) reads.
 */
export interface ReadingColumns {
  n: number;
  /** Product type of each reading: its index in PRODUCT_TYPES (also the model's type code). */
  type: Uint8Array;
  /** The RAW_FEATURES of each reading, row-major (n × 5). */
  raw: Float64Array;
  /** Per reading (a reading without the field: undefined), or null when no reading has it. */
  machineId: (string | undefined)[] | null;
  machineModel: (string | undefined)[] | null;
  timestamp: (string | undefined)[] | null;
}
