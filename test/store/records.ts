// Test records for the store suites: awkward floats, unicode machine ids, optional fields absent.
import type { PredictionRecord } from "../../src/store/types.js";

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
