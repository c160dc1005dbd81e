// Large /v1/predict batches by column: readings scanned into columns (scan-readings.ts) are
// predicted into a PredictionBatch (what the log stores) and answered as JSON bytes, with no object
// per reading. Pure apart from the clock and the ids. The bytes and the log are exactly what the
// general path (answers.ts: buildPredictions, answersBuffer) makes of the same readings, which
// test/serve/columnar.test.ts checks.
import { MODE_HEADS } from "../data/schema.js";
import { featureMatrixOfColumns } from "../features/physics.js";
import { likeliest, packedMode } from "../store/record-layout.js";
import type { PredictionBatch } from "../store/types.js";
import { type ModelBundle, predictBundle } from "../train/bundle.js";
import { jsonNumber, predictionsBuffer } from "./answers.js";
import { uuidv7Many } from "./ids.js";
import type { ReadingColumns } from "./scan-readings.js";

// batchAnswer writes the four modes by hand.
const MODE_COUNT = MODE_HEADS.length as 4;

/** Predicts every reading of `cols`; `failures` counts the readings predicted to fail. */
export function predictColumns(
  bundle: ModelBundle,
  cols: ReadingColumns,
  requestId: string,
  now = Date.now(),
  newIds: (n: number, now: number) => string[] = uuidv7Many,
): { batch: PredictionBatch; failures: number } {
  const n = cols.n;
  const p = predictBundle(bundle, featureMatrixOfColumns(cols.type, cols.raw, n));
  const threshold = bundle.threshold.value;
  const predicted = new Uint8Array(n);
  const modes = new Float64Array(n * MODE_COUNT);
  const ids = newIds(n, now);
  let failures = 0;
  for (let h = 0; h < MODE_COUNT; h++) {
    const arr = p.modes[MODE_HEADS[h]];
    // A head the model lacks answers null, which the batch holds as NaN.
    for (let i = 0; i < n; i++) modes[i * MODE_COUNT + h] = packedMode(arr ? arr[i] : null);
  }
  for (let i = 0; i < n; i++) {
    if (p.failure[i] >= threshold) {
      predicted[i] = 1;
      failures++;
    }
  }
  const batch: PredictionBatch = {
    n,
    ids,
    requestId,
    modelName: bundle.name,
    modelVersion: bundle.version,
    predictedAt: now,
    type: cols.type,
    raw: cols.raw,
    failureProbability: p.failure,
    failurePredicted: predicted,
    modeKeys: [...MODE_HEADS],
    modes,
    machineId: cols.machineId,
    machineModel: cols.machineModel,
    timestamp: cols.timestamp,
  };
  return { batch, failures };
}

/** Answers per string: ~16 KB, well below V8's large-object size (see answersBuffer). */
const CHUNK = 64;

/** The answer to the batch: the same bytes as answersBuffer() of the general path's answers. */
export function batchAnswer(b: PredictionBatch): Buffer {
  const model = `,"model":{"name":${JSON.stringify(b.modelName)},"version":${JSON.stringify(b.modelVersion)}}`;
  const { n, ids, failureProbability: p, failurePredicted: f, modes, machineId } = b;
  /** JSON of each machine id, once per distinct id. */
  const midJson = new Map<string, string>();
  // ASCII throughout (the usual case) lets the answer be sized by length and copied as latin1,
  // with no UTF-8 pass over it (Buffer.byteLength alone was ~0.4 µs per answer).
  let ascii = ASCII.test(model);
  const chunks: string[] = [];
  let s = "";
  for (let i = 0; i < n; i++) {
    const o = i * MODE_COUNT;
    const m0 = modes[o];
    const m1 = modes[o + 1];
    const m2 = modes[o + 2];
    const m3 = modes[o + 3];
    const best = likeliest(modes, o, MODE_COUNT);
    const mid = machineId?.[i];
    let tail = "";
    if (mid) {
      let j = midJson.get(mid);
      if (j === undefined) {
        midJson.set(mid, (j = JSON.stringify(mid)));
        ascii &&= ASCII.test(j);
      }
      tail = `,"machine_id":${j}`;
    }
    s += `${i % CHUNK === 0 ? "" : ","}{"id":"${ids[i]}","failure_probability":${jsonNumber(p[i])},"failure_predicted":${f[i] === 1},"modes":{"${MODE_HEADS[0]}":${jsonNumber(m0)},"${MODE_HEADS[1]}":${jsonNumber(m1)},"${MODE_HEADS[2]}":${jsonNumber(m2)},"${MODE_HEADS[3]}":${jsonNumber(m3)}},"likeliest_mode":${best < 0 ? "null" : LIKELIEST[best]}${model}${tail}}`;
    if ((i + 1) % CHUNK === 0 || i === n - 1) {
      chunks.push(s);
      s = "";
    }
  }
  return predictionsBuffer(chunks, ascii);
}

// Printable ASCII: JSON text never holds raw control characters (JSON.stringify escapes them).
const ASCII = /^[ -~]*$/;

const LIKELIEST = MODE_HEADS.map((m) => `"${m}"`);
