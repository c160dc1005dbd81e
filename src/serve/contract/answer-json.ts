// The /v1/predict answer of a data-contract model, written as JSON text straight from a ScoredBatch:
// the one answer for an object body, `{"predictions":[...]}` for an array. No I/O.
//
// Written by hand, not by Fastify's serializer from an object per answer: that was a fifth of a
// 1,000-reading batch's time (the objects, their JSON, then measuring and copying one big string
// into the socket). The bytes are exactly JSON.stringify's of the documented answer (ContractAnswer,
// keys in its order): test/serve/contract/answer-json.test.ts compares them. Strings that come from
// outside (machine ids, timestamps, the contract's kind names, the model's name and version, the
// explanations' words) go through JSON.stringify; ids are ours.
import { ASCII, jsonNumber, predictionsOf } from "../json-buffer.js";
import type { ScoredBatch } from "./score-batch.js";

const FIXED = new WeakMap<
  object,
  { kinds: readonly string[]; keys: string[]; model: string; ascii: boolean }
>();

/** Writes answer after answer of one batch; `ascii()`: whether all it wrote so far was ASCII. */
function answerWriter(batch: ScoredBatch): { answer: (i: number) => string; ascii: () => boolean } {
  const { cols, heads, failure, explanations } = batch;
  // The same kinds and model objects for every batch of a model (score-batch.ts): their JSON once.
  let fixed = FIXED.get(batch.model);
  if (fixed?.kinds !== batch.kinds) {
    // `"<kind>":` per kind.
    const keys = batch.kinds.map((k) => `${JSON.stringify(k)}:`);
    const model = `,"model":${JSON.stringify(batch.model)}`;
    const ascii = ASCII.test(model) && keys.every((k) => ASCII.test(k));
    FIXED.set(batch.model, (fixed = { kinds: batch.kinds, keys, model, ascii }));
  }
  const { keys, model } = fixed;
  // JSON of each machine id, once per distinct id.
  const midJson = new Map<string, string>();
  // Explanations are rare and carry words with non-ASCII units: never worth the test.
  let ascii = explanations === null && fixed.ascii;
  const answer = (i: number): string => {
    const mid = cols.machine[i];
    let m = midJson.get(mid);
    if (m === undefined) {
      midJson.set(mid, (m = JSON.stringify(mid)));
      ascii &&= ASCII.test(m);
    }
    // The timestamp as written (a counter's count, or the reading's index without a time: `time`).
    const written = cols.stamp?.[i];
    let t: string | number;
    if (typeof written === "string") {
      t = JSON.stringify(written);
      ascii &&= ASCII.test(t);
    } else t = jsonNumber(written ?? cols.time[i]);
    let h = "";
    let best = -1;
    for (let k = 0; k < heads.length; k++) {
      const p = heads[k];
      h += `${k === 0 ? "" : ","}${keys[k]}${p ? jsonNumber(p[i]) : "null"}`;
      // The first kind with the largest probability, compared as the answer objects were.
      if (p && (best < 0 || p[i] > (heads[best] as Float64Array)[i])) best = k;
    }
    const likeliest = best < 0 ? "null" : keys[best].slice(0, -1);
    const explained = explanations ? `,"explanation":${JSON.stringify(explanations[i])}` : "";
    return `{"id":"${batch.ids[i]}","machine_id":${m},"timestamp":${t},"failure_probability":${jsonNumber(failure[i])},"failure_predicted":${failure[i] >= batch.threshold},"heads":{${h}},"likeliest_kind":${likeliest}${model}${explained}}`;
  };
  return { answer, ascii: () => ascii };
}

/** The answer to an object body: the batch's one answer. */
export function singleAnswerJson(b: ScoredBatch): string {
  return answerWriter(b).answer(0);
}

/** The answer to an array body: `{"predictions":[...]}`, in reading order. */
export function batchAnswerJson(b: ScoredBatch): Buffer {
  const { answer, ascii } = answerWriter(b);
  return predictionsOf(b.cols.n, answer, ascii);
}
