// A batch worker: takes a raw /v1/predict batch body and does what costs CPU per reading (reading
// the columns, the five heads, the answer's JSON), the columnar path of routes/predict.ts, so the
// main thread only logs and moves bytes. Any body the column reader hands back (anything but a
// plain, valid batch) is handed back untouched (ok: false): the main thread handles it as usual.
import { parentPort } from "node:worker_threads";
import { bundleFromJSON, type ModelBundle } from "../train/bundle.js";
import { batchAnswer, predictColumns } from "./batch-answers.js";
import { BUNDLES_KEPT, type BatchReply, type BatchRequest } from "./batch-protocol.js";
import { scanReadings } from "./scan-readings.js";

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
  const cols = scanReadings(new Uint8Array(m.body), m.maxBatch);
  if (!cols) return { id: m.id, ok: false, why: "not a plain batch" };
  const { batch, failures } = predictColumns(bundle, cols, m.requestId);
  const answer = batchAnswer(batch);
  return { id: m.id, ok: true, answer: own(answer), answerBytes: answer.byteLength, batch, failures };
}

/** The batch's typed arrays' buffers, each once (a transfer list must not repeat one). */
function buffers(r: Extract<BatchReply, { ok: true }>): ArrayBuffer[] {
  const b = r.batch;
  const all = [b.type, b.raw, b.failureProbability, b.failurePredicted, b.modes].map(
    (a) => a.buffer as ArrayBuffer,
  );
  return [...new Set([r.answer, ...all])];
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
  port.postMessage(reply, reply.ok ? buffers(reply) : []);
});
