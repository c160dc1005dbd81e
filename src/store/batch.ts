// Columnar prediction batches (PredictionBatch in types.ts): the records they stand for, and logging
// one through any store. Pure apart from the store call.
import { PRODUCT_TYPES, type Reading } from "../data/schema.js";
import { RAW_COUNT, unpackModes } from "./record-layout.js";
import type { PredictionBatch, PredictionRecord, PredictionStore } from "./types.js";

/** Record `i` of the batch, with the same keys in the same order as serve/answers.ts builds them. */
export function batchRecord(b: PredictionBatch, i: number): PredictionRecord {
  const a = i * RAW_COUNT;
  const reading: Reading = {
    type: PRODUCT_TYPES[b.type[i]],
    air_temperature: b.raw[a],
    process_temperature: b.raw[a + 1],
    rotational_speed: b.raw[a + 2],
    torque: b.raw[a + 3],
    tool_wear: b.raw[a + 4],
  };
  const mid = b.machineId?.[i];
  const mm = b.machineModel?.[i];
  const ts = b.timestamp?.[i];
  if (mid !== undefined) reading.machine_id = mid;
  if (mm !== undefined) reading.machine_model = mm;
  if (ts !== undefined) reading.timestamp = ts;
  const modes = unpackModes(b.modes, i * b.modeKeys.length, b.modeKeys);
  return {
    id: b.ids[i],
    requestId: b.requestId,
    modelName: b.modelName,
    modelVersion: b.modelVersion,
    predictedAt: b.predictedAt,
    reading,
    failureProbability: b.failureProbability[i],
    failurePredicted: b.failurePredicted[i] === 1,
    modes,
  };
}

export function batchRecords(b: PredictionBatch): PredictionRecord[] {
  const out: PredictionRecord[] = new Array(b.n);
  for (let i = 0; i < b.n; i++) out[i] = batchRecord(b, i);
  return out;
}

/**
 * Logs the batch (durable when this resolves), columnar where the store can. One reading (an
 * object body, the usual request) goes as its record: the group commit packs it with the records
 * of the requests that arrived with it, one journal group for all of them, where a packed group
 * of its own would be one per request and flushed alone (SqliteStore.logBatch flushes at once).
 */
export function logBatch(store: PredictionStore, b: PredictionBatch): Promise<void> {
  return store.logBatch && b.n > 1 ? store.logBatch(b) : store.logPredictions(batchRecords(b));
}
