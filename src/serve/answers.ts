// The /v1/predict answer, the one writer of it: a PredictionBatch (predict-columns.ts) as JSON
// bytes, `{"predictions":[...]}` for an array body and the one answer for an object body. No I/O.
//
// Written by hand because it is the hot path's biggest single cost: about 3× faster than the
// schema serializer for 1,000 answers. Each answer has the keys, order and values JSON.stringify
// gives the documented object (schemas.ts predictionSchema): id, failure_probability,
// failure_predicted, modes (MODE_HEADS, null for a head the model lacks), likeliest_mode, model,
// machine_id when the reading had one, explanation when asked. test/serve/hot-path.test.ts
// checks it against JSON.stringify of those objects. Strings that come from outside (machine ids,
// the model's name and version, the explanations' words) go through JSON.stringify; ids and mode
// names are ours.
import { MODE_HEADS } from "../data/schema.js";
import { likeliest } from "../store/record-layout.js";
import type { PredictionBatch } from "../store/types.js";
import { ASCII, CHUNK, jsonNumber, predictionsBuffer } from "./json-buffer.js";
import type { Explanations } from "./predict-columns.js";

// The row writer below writes the four modes by hand.
const MODE_COUNT = MODE_HEADS.length as 4;
const LIKELIEST = MODE_HEADS.map((m) => `"${m}"`);

/** Writes answer after answer of one batch; remembers whether all it wrote was ASCII. */
class AnswerWriter {
  private readonly model: string;
  /** JSON of each machine id, once per distinct id. */
  private readonly midJson = new Map<string, string>();
  ascii: boolean;

  constructor(
    private readonly b: PredictionBatch,
    private readonly explanations: Explanations | null,
  ) {
    this.model = `,"model":{"name":${JSON.stringify(b.modelName)},"version":${JSON.stringify(b.modelVersion)}}`;
    // Explanations are rare and carry words with non-ASCII units: never worth the test.
    this.ascii = explanations === null && ASCII.test(this.model);
  }

  answer(i: number): string {
    const { ids, failureProbability: p, failurePredicted: f, modes } = this.b;
    const o = i * MODE_COUNT;
    const best = likeliest(modes, o, MODE_COUNT);
    const mid = this.b.machineId?.[i];
    let tail = "";
    if (mid) {
      let j = this.midJson.get(mid);
      if (j === undefined) {
        this.midJson.set(mid, (j = JSON.stringify(mid)));
        this.ascii &&= ASCII.test(j);
      }
      tail = `,"machine_id":${j}`;
    }
    if (this.explanations) tail += `,"explanation":${JSON.stringify(this.explanations[i])}`;
    return `{"id":"${ids[i]}","failure_probability":${jsonNumber(p[i])},"failure_predicted":${f[i] === 1},"modes":{"${MODE_HEADS[0]}":${jsonNumber(modes[o])},"${MODE_HEADS[1]}":${jsonNumber(modes[o + 1])},"${MODE_HEADS[2]}":${jsonNumber(modes[o + 2])},"${MODE_HEADS[3]}":${jsonNumber(modes[o + 3])}},"likeliest_mode":${best < 0 ? "null" : LIKELIEST[best]}${this.model}${tail}}`;
  }
}

/** The answer to an object body: the batch's one answer. */
export function singleAnswer(b: PredictionBatch, explanations: Explanations | null = null): string {
  return new AnswerWriter(b, explanations).answer(0);
}

/** The answer to an array body: `{"predictions":[...]}`, in reading order. */
export function batchAnswer(b: PredictionBatch, explanations: Explanations | null = null): Buffer {
  const w = new AnswerWriter(b, explanations);
  const chunks: string[] = [];
  let s = "";
  for (let i = 0; i < b.n; i++) {
    s += `${i % CHUNK === 0 ? "" : ","}${w.answer(i)}`;
    if ((i + 1) % CHUNK === 0 || i === b.n - 1) {
      chunks.push(s);
      s = "";
    }
  }
  // ASCII throughout (the usual case) lets the answer be sized by length and copied as latin1,
  // with no UTF-8 pass over it (Buffer.byteLength alone was ~0.4 µs per answer).
  return predictionsBuffer(chunks, w.ascii);
}
