// Row <-> record mapping shared by the SQL stores, so SQLite and PostgreSQL store and return exactly
// the same shapes. Column order here is the INSERT order of both stores.
import { MillwrightError } from "../core/errors.js";
import { type ProductType, RAW_FEATURES, type Reading } from "../data/schema.js";
import { sameModes } from "./history/labels.js";
import type { FeedbackItem, LabelledPrediction, PredictionRecord, QueryOptions } from "./types.js";

export const PREDICTION_COLUMNS = [
  "id",
  "request_id",
  "model_name",
  "model_version",
  "predicted_at",
  "type",
  ...RAW_FEATURES,
  "machine_id",
  "machine_model",
  "reading_timestamp",
  "failure_probability",
  "failure_predicted",
  "modes",
] as const;

export type SqlValue = string | number | boolean | null;

/** Values in PREDICTION_COLUMNS order; `modes` as JSON text, `failure_predicted` as given by `bool`. */
export function predictionValues(r: PredictionRecord, bool: (b: boolean) => SqlValue): SqlValue[] {
  const x = r.reading;
  return [
    r.id,
    r.requestId,
    r.modelName,
    r.modelVersion,
    r.predictedAt,
    x.type,
    x.air_temperature,
    x.process_temperature,
    x.rotational_speed,
    x.torque,
    x.tool_wear,
    x.machine_id ?? null,
    x.machine_model ?? null,
    x.timestamp ?? null,
    r.failureProbability,
    bool(r.failurePredicted),
    JSON.stringify(r.modes ?? {}),
  ];
}

/** Joined row as both stores select it (feedback columns prefixed `fb_`). */
export interface JoinedRow {
  id: string;
  request_id: string;
  model_name: string;
  model_version: string;
  predicted_at: number | string;
  type: string;
  air_temperature: number | string;
  process_temperature: number | string;
  rotational_speed: number | string;
  torque: number | string;
  tool_wear: number | string;
  machine_id: string | null;
  machine_model: string | null;
  reading_timestamp: string | null;
  failure_probability: number | string;
  failure_predicted: number | boolean;
  modes: string | Record<string, number>;
  fb_machine_failure: number | null;
  fb_modes: string | Record<string, 0 | 1> | null;
  fb_received_at: number | string | null;
}

export const JOINED_SELECT = `SELECT ${PREDICTION_COLUMNS.map((c) => `p.${c}`).join(", ")},
  f.machine_failure AS fb_machine_failure, f.modes AS fb_modes, f.received_at AS fb_received_at
  FROM predictions p LEFT JOIN feedback f ON f.prediction_id = p.id`;

const json = <T>(v: string | T): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

export function rowToPrediction(row: JoinedRow): LabelledPrediction {
  const reading: Reading = {
    type: row.type as ProductType,
    air_temperature: Number(row.air_temperature),
    process_temperature: Number(row.process_temperature),
    rotational_speed: Number(row.rotational_speed),
    torque: Number(row.torque),
    tool_wear: Number(row.tool_wear),
  };
  if (row.machine_id !== null) reading.machine_id = row.machine_id;
  if (row.machine_model !== null) reading.machine_model = row.machine_model;
  if (row.reading_timestamp !== null) reading.timestamp = row.reading_timestamp;
  return {
    id: row.id,
    requestId: row.request_id,
    modelName: row.model_name,
    modelVersion: row.model_version,
    predictedAt: Number(row.predicted_at),
    reading,
    failureProbability: Number(row.failure_probability),
    failurePredicted: row.failure_predicted === true || row.failure_predicted === 1,
    modes: json<Record<string, number>>(row.modes),
    label:
      row.fb_machine_failure === null
        ? null
        : {
            machineFailure: Number(row.fb_machine_failure) === 1 ? 1 : 0,
            modes: row.fb_modes === null ? {} : json<Record<string, 0 | 1>>(row.fb_modes),
            receivedAt: Number(row.fb_received_at),
          },
  };
}

// One rule for both servers' labels (store/history/labels.ts): equal labels compare equal.
export { canonicalModes } from "./history/labels.js";

export function sameLabel(
  a: { machineFailure: number; modes: Record<string, number> },
  b: { machineFailure: number; modes: Record<string, number> },
): boolean {
  return a.machineFailure === b.machineFailure && sameModes(a.modes, b.modes);
}

/**
 * WHERE clause for a query, with `?` placeholders (the PostgreSQL store renumbers them). `after` adds
 * the keyset condition: rows strictly after (predicted_at, id).
 */
export function whereClause(
  opts: QueryOptions,
  after?: { at: number; id: string; inclusive?: boolean },
): { sql: string; params: SqlValue[] } {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (opts.since !== undefined) {
    parts.push("p.predicted_at >= ?");
    params.push(opts.since);
  }
  if (opts.modelVersion !== undefined) {
    parts.push("p.model_version = ?");
    params.push(opts.modelVersion);
  }
  if (opts.labelled) parts.push("f.prediction_id IS NOT NULL");
  if (after) {
    // Row-value comparison: both engines use the (predicted_at, id) index for it.
    parts.push(`(p.predicted_at, p.id) ${after.inclusive ? ">=" : ">"} (?, ?)`);
    params.push(after.at, after.id);
  }
  return { sql: parts.length ? ` WHERE ${parts.join(" AND ")}` : "", params };
}

export function validateFeedback(item: FeedbackItem, index: number): void {
  if (typeof item.predictionId !== "string" || item.predictionId.length === 0)
    throw new MillwrightError("MW_VALIDATION", `feedback[${index}].predictionId must be a non-empty string`, {
      field: `[${index}].predictionId`,
    });
  if (item.machineFailure !== 0 && item.machineFailure !== 1)
    throw new MillwrightError("MW_VALIDATION", `feedback[${index}].machineFailure must be 0 or 1`, {
      field: `[${index}].machineFailure`,
    });
}
