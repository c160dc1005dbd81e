// Open Inference Protocol v2 tensors of a data-contract model, and an infer request read into
// readings. Inputs: one tensor per contract field (machine_id and timestamp as BYTES, each reading
// FP64 or BYTES for a category), shape [N]; outputs: failure_probability, one <kind>_probability per
// head and prediction_id (each reading's id, the `id` /v1/predict answers, so a label can be joined
// to it later). A request's tensors become the same reading objects /v1/predict takes, so one
// pipeline scores both. No I/O: the routes are serve/contract/oip.ts and oip-models.ts.
import { MillwrightError } from "../core/errors.js";
import { isEpoch } from "../data/time-format.js";
import type { HistoryModel } from "../train/history-model.js";

export interface OipTensor {
  name: string;
  datatype: string;
  shape: number[];
}

/** A model's tensors, once per model: a swap may serve a version with other heads. */
const TENSORS = new WeakMap<HistoryModel, { inputs: OipTensor[]; outputs: OipTensor[]; kinds: string[] }>();

/**
 * The inputs (one per contract field, shape [N]) and outputs (failure_probability, one
 * <kind>_probability per trained head, and prediction_id: the id /v1/predict answers as `id`).
 */
export function tensorsOf(m: HistoryModel): { inputs: OipTensor[]; outputs: OipTensor[]; kinds: string[] } {
  let t = TENSORS.get(m);
  if (t) return t;
  const c = m.contract;
  const inputs = [
    { name: "machine_id", datatype: "BYTES", shape: [-1] },
    ...(c.time ? [{ name: "timestamp", datatype: c.time.counter ? "FP64" : "BYTES", shape: [-1] }] : []),
    ...c.readings.map((r) => ({
      name: r.name,
      datatype: r.kind === "category" ? "BYTES" : "FP64",
      shape: [-1],
    })),
  ];
  const kinds = m.headNames.filter((h) => h !== "machine_failure" && m.heads[h]);
  const outputs = [
    ...["failure_probability", ...kinds.map((k) => `${k}_probability`)].map((name) => ({
      name,
      datatype: "FP64",
      shape: [-1],
    })),
    { name: "prediction_id", datatype: "BYTES", shape: [-1] },
  ];
  t = { inputs, outputs, kinds };
  TENSORS.set(m, t);
  return t;
}

interface Tensor extends OipTensor {
  data: unknown[];
}

const invalid = (field: string, message: string) => new MillwrightError("MW_VALIDATION", message, { field });

/**
 * An infer request's body read for model `m`: its readings (objects, as /v1/predict takes them),
 * the outputs it asks for (null: all) and its `id`, to echo. Each tensor is checked against the
 * model's; a 400 names what was wrong.
 */
export function readInfer(
  m: HistoryModel,
  raw: unknown,
  maxBatch: number,
): { items: Record<string, unknown>[]; asked: Set<string> | null; id: string | undefined } {
  const { inputs, outputs } = tensorsOf(m);
  const body = raw as { id?: unknown; inputs?: unknown; outputs?: unknown };
  if (!body || typeof body !== "object" || !Array.isArray(body.inputs))
    throw invalid("inputs", "inputs: must be a list of tensors");
  const want = new Map(inputs.map((i) => [i.name, i.datatype]));
  const byName = new Map<string, Tensor>();
  for (const t of body.inputs as Tensor[]) {
    if (!t || typeof t !== "object" || typeof t.name !== "string" || !Array.isArray(t.data))
      throw invalid("inputs", "inputs[]: each tensor needs a name and a flat data list");
    if (!want.has(t.name))
      throw invalid(
        "inputs",
        `inputs: unknown tensor '${t.name.slice(0, 64)}' (expected ${inputs.map((i) => i.name).join(", ")})`,
      );
    byName.set(t.name, t);
  }
  const ids = byName.get("machine_id");
  if (!ids) throw invalid("inputs", "inputs: the machine_id tensor is required");
  const n = ids.data.length;
  if (n === 0) throw new MillwrightError("MW_EMPTY_BATCH", "the batch is empty");
  if (n > maxBatch)
    throw new MillwrightError("MW_BATCH_TOO_LARGE", `${n} rows: at most ${maxBatch} per request`);
  const epoch = isEpoch(m.contract.time?.format);
  for (const t of byName.values()) {
    if (t.data.length !== n)
      throw invalid(
        "inputs",
        `inputs: tensor '${t.name}' has ${t.data.length} values, machine_id has ${n} (shape [N], flat data)`,
      );
    // The declared shape and datatype must say what the data is (trial 6: shape [3] with one value
    // scored one row, and an INT32 tensor for an FP64 input was taken): a client that built the
    // wrong tensor is told, not answered for rows it did not mean.
    const s = t.shape as unknown;
    const fits = Array.isArray(s) && s[0] === n && (s.length === 1 || (s.length === 2 && s[1] === 1));
    if (!fits)
      throw invalid(
        "inputs",
        `inputs: tensor '${t.name}' has shape ${shapeWords(s)} for its ${n} values (shape [${n}] or [${n}, 1], flat data)`,
      );
    const expected = want.get(t.name);
    const numeric = typeof t.datatype === "string" && NUMERIC.test(t.datatype);
    const ok =
      t.datatype === expected ||
      (expected === "FP64" && numeric) ||
      // An epoch time may come as a number, as /v1/predict takes it.
      (t.name === "timestamp" && epoch && numeric);
    if (!ok)
      throw invalid(
        "inputs",
        `inputs: tensor '${t.name}' has datatype ${typeof t.datatype === "string" ? `'${t.datatype.slice(0, 20)}'` : "none (not a string)"}; the model takes ${expected}${expected === "FP64" ? " (or another number type)" : ""} (GET /v2/models/${m.name})`,
      );
  }
  const asked = requestedOutputs(
    body,
    outputs.map((o) => o.name),
  );
  const items = Array.from({ length: n }, (_, i) => {
    const o: Record<string, unknown> = {};
    for (const [k, t] of byName) o[k] = t.data[i];
    return o;
  });
  return { items, asked, id: typeof body.id === "string" ? body.id : undefined };
}

/** A declared shape in a message, without stringifying whatever a client sent (it may nest 8,000 deep). */
function shapeWords(s: unknown): string {
  if (!Array.isArray(s)) return "none (not a list)";
  if (s.length > 4 || !s.every((d) => typeof d === "number")) return "that is not a short list of numbers";
  return `[${s.join(", ")}]`;
}

/** Numbers of any OIP number type: JSON carries them alike. */
const NUMERIC = /^(FP(16|32|64)|U?INT(8|16|32|64))$/;

/**
 * The outputs a request asks for (`outputs: [{name}]`), or null for all; an unknown name is a 400
 * naming the outputs there are (it was ignored, and every output answered: trial 6).
 */
function requestedOutputs(body: { outputs?: unknown }, names: string[]): Set<string> | null {
  if (body.outputs === undefined) return null;
  if (!Array.isArray(body.outputs)) throw invalid("outputs", "outputs: must be a list of {name}");
  const asked = new Set<string>();
  for (const o of body.outputs as { name?: unknown }[]) {
    const name = o && typeof o === "object" ? o.name : undefined;
    if (typeof name !== "string" || !names.includes(name))
      throw invalid(
        "outputs",
        `outputs: unknown output ${typeof name === "string" ? `'${name.slice(0, 64)}'` : "(a name must be a string)"} (the model answers ${names.join(", ")})`,
      );
    asked.add(name);
  }
  return asked;
}
