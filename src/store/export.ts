// Logged predictions as rows of the training CSV (canonical names, labels where known) plus the audit
// columns, so production data can train the next model. Unknown labels are empty strings, never 0:
// an unlabelled row must not read as "did not fail".
import { RAW_FEATURES } from "../data/schema.js";
import type { LabelledPrediction, PredictionStore } from "./types.js";

export const EXPORT_COLUMNS = [
  "type",
  ...RAW_FEATURES,
  "machine_failure",
  "twf",
  "hdf",
  "pwf",
  "osf",
  "rnf",
  "machine_id",
  "machine_model",
  "timestamp",
  "prediction_id",
  "model_version",
  "predicted_at",
  "failure_probability",
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportRow = Record<ExportColumn, string | number>;

export interface ExportOptions {
  since?: number;
  labelled?: boolean;
  modelVersion?: string;
}

export function toExportRow(p: LabelledPrediction): ExportRow {
  const x = p.reading;
  const mode = (k: string): number | "" => {
    const v = p.label?.modes[k];
    return v === 0 || v === 1 ? v : "";
  };
  return {
    type: x.type,
    air_temperature: x.air_temperature,
    process_temperature: x.process_temperature,
    rotational_speed: x.rotational_speed,
    torque: x.torque,
    tool_wear: x.tool_wear,
    machine_failure: p.label ? p.label.machineFailure : "",
    twf: mode("twf"),
    hdf: mode("hdf"),
    pwf: mode("pwf"),
    osf: mode("osf"),
    rnf: mode("rnf"),
    machine_id: x.machine_id ?? "",
    machine_model: x.machine_model ?? "",
    timestamp: x.timestamp ?? "",
    prediction_id: p.id,
    model_version: p.modelVersion,
    predicted_at: new Date(p.predictedAt).toISOString(),
    failure_probability: p.failureProbability,
  };
}

/** Streams export rows in prediction time order (never loads the whole log). */
export async function* exportRows(
  store: PredictionStore,
  opts: ExportOptions = {},
): AsyncGenerator<ExportRow> {
  for await (const p of store.queryPredictions({
    since: opts.since,
    labelled: opts.labelled,
    modelVersion: opts.modelVersion,
  })) {
    yield toExportRow(p);
  }
}
