// Messages between SqliteStore (main thread) and its writer thread. Prediction groups travel as
// columns, not objects: one Float64Array of the numeric fields (transferred, not copied) plus one
// flat string array, so posting a group costs a few allocations instead of one clone per record.
import type { PredictionRecord } from "./types.js";

/** Numeric fields per record, in this order, in `nums`. */
export const NUM_FIELDS = 8; // predicted_at, air, process, rotational, torque, tool_wear, probability, predicted
/** String (or null) fields per record, in this order, in `strs`. */
export const STR_FIELDS = 9; // id, request_id, model_name, model_version, type, machine_id, machine_model, timestamp, modes

export interface PredictionColumns {
  n: number;
  nums: Float64Array;
  strs: (string | null)[];
}

export function encodePredictions(records: PredictionRecord[]): PredictionColumns {
  const n = records.length;
  const nums = new Float64Array(n * NUM_FIELDS);
  const strs: (string | null)[] = new Array(n * STR_FIELDS);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const x = r.reading;
    let k = i * NUM_FIELDS;
    nums[k++] = r.predictedAt;
    nums[k++] = x.air_temperature;
    nums[k++] = x.process_temperature;
    nums[k++] = x.rotational_speed;
    nums[k++] = x.torque;
    nums[k++] = x.tool_wear;
    nums[k++] = r.failureProbability;
    nums[k] = r.failurePredicted ? 1 : 0;
    k = i * STR_FIELDS;
    strs[k++] = r.id;
    strs[k++] = r.requestId;
    strs[k++] = r.modelName;
    strs[k++] = r.modelVersion;
    strs[k++] = x.type;
    strs[k++] = x.machine_id ?? null;
    strs[k++] = x.machine_model ?? null;
    strs[k++] = x.timestamp ?? null;
    strs[k] = JSON.stringify(r.modes ?? {});
  }
  return { n, nums, strs };
}

/** Values in PREDICTION_COLUMNS order for record `i` of a decoded group. */
export function columnValues(c: PredictionColumns, i: number): (string | number | null)[] {
  const a = i * NUM_FIELDS;
  const b = i * STR_FIELDS;
  const { nums, strs } = c;
  return [
    strs[b],
    strs[b + 1],
    strs[b + 2],
    strs[b + 3],
    // A NaN (a non-number slipped past validation) binds as NULL and fails NOT NULL, as it did before.
    nums[a],
    strs[b + 4],
    nums[a + 1],
    nums[a + 2],
    nums[a + 3],
    nums[a + 4],
    nums[a + 5],
    strs[b + 5],
    strs[b + 6],
    strs[b + 7],
    nums[a + 6],
    nums[a + 7],
    strs[b + 8],
  ];
}

export type WriterRequest =
  | { id: number; op: "log"; cols: PredictionColumns }
  | { id: number; op: "feedback"; items: WriterFeedback[] }
  | { id: number; op: "run"; sql: string; params: (string | number | null)[] }
  | { id: number; op: "close" };

export type WriterReply =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: WireError }
  | { id: 0; ready: true }
  | { id: 0; ready: false; error: WireError };

/** A validated feedback item with its modes already canonical (rows.ts canonicalModes). */
export interface WriterFeedback {
  predictionId: string;
  machineFailure: 0 | 1;
  modes: Record<string, 0 | 1>;
  receivedAt: number;
}

export interface WireError {
  message: string;
  code?: string;
  name?: string;
}

export interface WriterInit {
  path: string;
  busyTimeoutMs: number;
}
