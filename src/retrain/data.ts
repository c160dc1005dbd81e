// The data a retraining works with: the champion's training data (from the dataset store), and the
// labelled production data in the log's order, with the position up to which a version already
// trained on it (so the next retraining adds only newer labels and counts none twice).
import { existsSync } from "node:fs";
import { loadCsvFile } from "../data/load.js";
import { type LabelledReading, LABELS, RAW_FEATURES } from "../data/schema.js";
import { DatasetStore } from "../registry/datasets.js";
import type { ModelRegistry } from "../registry/registry.js";
import type { LabelledPrediction } from "../store/types.js";

export const COLUMNS = ["type", ...RAW_FEATURES, ...LABELS] as const;

export function rowOf(p: LabelledPrediction): (string | number)[] {
  const l = p.label!;
  return [
    p.reading.type,
    ...RAW_FEATURES.map((f) => p.reading[f]),
    l.machineFailure,
    ...(["twf", "hdf", "pwf", "osf", "rnf"] as const).map((m) => l.modes[m] ?? 0),
  ];
}

export function byLogOrder(a: LabelledPrediction, b: LabelledPrediction): number {
  if (a.predictedAt !== b.predictedAt) return a.predictedAt - b.predictedAt;
  const ka = logKey(a);
  const kb = logKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Where a labelled prediction sits in the log's order (byLogOrder). */
export interface LogPosition {
  predicted_at: number;
  key: string;
}

const logKey = (p: LabelledPrediction): string =>
  [p.reading.timestamp ?? "", p.reading.machine_id ?? "", p.id].join("\u0000");

export const position = (p: LabelledPrediction): LogPosition => ({
  predicted_at: p.predictedAt,
  key: logKey(p),
});

export function afterPosition(p: LabelledPrediction, t: LogPosition): boolean {
  return p.predictedAt > t.predicted_at || (p.predictedAt === t.predicted_at && logKey(p) > t.key);
}

/**
 * The champion's training data: from the dataset store by the hash its lineage names (checked), or
 * for versions trained before the store existed, from the file its lineage names if still there.
 */
export function championData(
  registry: ModelRegistry,
  lineage: Record<string, unknown> | null,
): { rows: LabelledReading[]; dataset: string | null; file: string | null } {
  const data = lineage?.data as { file?: string; dataset?: { sha256?: string } } | undefined;
  const sha = data?.dataset?.sha256;
  if (sha) {
    const path = new DatasetStore(registry.dir).verifiedPath(sha);
    return { rows: loadCsvFile(path, { requireLabels: true }).rows, dataset: sha, file: null };
  }
  if (data?.file && existsSync(data.file))
    return { rows: loadCsvFile(data.file, { requireLabels: true }).rows, dataset: null, file: data.file };
  return { rows: [], dataset: null, file: null };
}
