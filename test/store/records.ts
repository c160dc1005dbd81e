// Test records for the store suites: awkward floats, unicode machine ids, optional fields absent.
import type { PredictionBatch, PredictionRecord } from "../../src/store/types.js";

const TYPES = ["L", "M", "H"] as const;
const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);

export function makeRecord(i: number, over: Partial<PredictionRecord> = {}): PredictionRecord {
  const r: PredictionRecord = {
    id: `p-${String(i).padStart(6, "0")}`,
    requestId: `req-${Math.floor(i / 3)}`,
    modelName: "millwright-gbdt",
    modelVersion: i % 2 === 0 ? "1.2.0" : "1.3.0",
    predictedAt: T0 + i * 1000,
    reading: {
      type: TYPES[i % 3],
      // Values with no short decimal form: a store that rounds (REAL as text, float4) fails here.
      air_temperature: 298.1 + i / 3,
      process_temperature: 308.6 + Math.PI * (i % 7),
      rotational_speed: 1551 + i,
      torque: 42.8 + 0.1 + 0.2,
      tool_wear: i % 250,
    },
    failureProbability: i === 0 ? 1e-300 : (i % 97) / 97,
    failurePredicted: i % 5 === 0,
    modes: { twf: 1 / (i + 3), hdf: 0, pwf: 2 ** -40, osf: 0.5 },
    ...over,
  };
  if (i % 4 !== 3) {
    r.reading.machine_id = `Drehbank-Ä-機械-🛠-${i}`;
    r.reading.machine_model = "DMG MORI NLX 2500";
    r.reading.timestamp = new Date(T0 + i * 1000 - 250).toISOString();
  }
  return r;
}

export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, k) => from + k);

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/**
 * A columnar batch of `n` predictions of one request (same request, model and time, as a batch
 * always is), with the awkward values of makeRecord.
 */
export function makeBatch(n: number, from = 0, requestId = `batch-${from}`): PredictionBatch {
  const recs = range(n, from).map((i) =>
    makeRecord(i, { requestId, modelVersion: "1.3.0", predictedAt: T0 }),
  );
  const k = MODE_KEYS.length;
  const col = (f: "machine_id" | "machine_model" | "timestamp") =>
    recs.some((r) => r.reading[f] !== undefined) ? recs.map((r) => r.reading[f]) : null;
  return {
    n,
    ids: recs.map((r) => r.id),
    requestId,
    modelName: "millwright-gbdt",
    modelVersion: "1.3.0",
    predictedAt: T0,
    type: Uint8Array.from(recs, (r) => TYPES.indexOf(r.reading.type)),
    raw: Float64Array.from(recs.flatMap((r) => RAW.map((f) => r.reading[f]))),
    failureProbability: Float64Array.from(recs, (r) => r.failureProbability),
    failurePredicted: Uint8Array.from(recs, (r) => (r.failurePredicted ? 1 : 0)),
    modeKeys: [...MODE_KEYS],
    modes: Float64Array.from(
      { length: n * k },
      (_, j) => recs[Math.floor(j / k)].modes[MODE_KEYS[j % k]] ?? Number.NaN,
    ),
    machineId: col("machine_id"),
    machineModel: col("machine_model"),
    timestamp: col("timestamp"),
  };
}

const MODE_KEYS = ["twf", "hdf", "pwf", "osf"] as const;
const RAW = ["air_temperature", "process_temperature", "rotational_speed", "torque", "tool_wear"] as const;
