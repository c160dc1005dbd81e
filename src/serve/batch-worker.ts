// A batch worker: takes a raw /v1/predict batch body and does everything that costs CPU per
// reading (JSON parse, validation, the five heads, the answer's JSON and the packed log records), so
// the main thread only moves bytes. Any body that is not a valid batch is handed back untouched
// (ok: false): the main thread parses and validates it as usual and answers with the usual error.
import { parentPort } from "node:worker_threads";
import { encodeGroup } from "../store/sqlite-journal-codec.js";
import { bundleFromJSON, type ModelBundle } from "../train/bundle.js";
import { answersBuffer, buildPredictions } from "./answers.js";
import { BUNDLES_KEPT, type BatchReply, type BatchRequest } from "./batch-protocol.js";
import { parseReadings } from "./reading.js";

const port = parentPort;
if (!port) throw new Error("batch-worker must run as a worker thread");

/** Model versions by name; a few at most (the pool resends one it evicted). */
const bundles = new Map<string, ModelBundle>();

/** An ArrayBuffer holding exactly these bytes (a view on a shared pool cannot be transferred). */
function own(b: Uint8Array): ArrayBuffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b.buffer as ArrayBuffer;
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return copy;
}

function predict(m: Extract<BatchRequest, { op: "predict" }>): BatchReply {
  const bundle = bundles.get(m.version);
  if (!bundle) return { id: m.id, ok: false, why: "model not loaded" };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(m.body).toString("utf8"));
  } catch {
    return { id: m.id, ok: false, why: "invalid JSON" };
  }
  if (!Array.isArray(body)) return { id: m.id, ok: false, why: "not an array" };
  let readings: ReturnType<typeof parseReadings>["readings"];
  try {
    readings = parseReadings(body, m.maxBatch).readings;
  } catch {
    return { id: m.id, ok: false, why: "invalid readings" };
  }
  const b = buildPredictions(bundle, readings, m.requestId, false);
  const answer = answersBuffer(b.answers);
  return {
    id: m.id,
    ok: true,
    answer: own(answer),
    answerBytes: answer.byteLength,
    group: encodeGroup(b.records),
    failures: b.failures,
    failure: Float64Array.from(b.failure),
  };
}

port.on("message", (m: BatchRequest) => {
  if (m.op === "model") {
    if (bundles.size >= BUNDLES_KEPT) bundles.delete(bundles.keys().next().value as string);
    bundles.set(m.version, bundleFromJSON(m.bundle, `model ${m.version} (sent to a batch worker)`));
    return;
  }
  let reply: BatchReply;
  try {
    reply = predict(m);
  } catch (e) {
    reply = { id: m.id, ok: false, why: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(
    reply,
    reply.ok ? [reply.answer, reply.group.buf, reply.failure.buffer as ArrayBuffer] : [],
  );
});
