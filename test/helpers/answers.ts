// The /v1/predict answer as the documented objects (schemas.ts predictionSchema), built from a
// PredictionBatch the plain way: the oracle the hand-written writer (serve/answers.ts) must equal
// under JSON.stringify.
import { MODE_HEADS } from "../../src/data/schema.js";
import { likeliestKey, unpackModes } from "../../src/store/record-layout.js";
import type { PredictionBatch } from "../../src/store/types.js";

export interface AnswerObject {
  id: string;
  failure_probability: number;
  failure_predicted: boolean;
  modes: Record<string, number | null>;
  likeliest_mode: string | null;
  model: { name: string; version: string };
  machine_id?: string;
  explanation?: unknown[];
}

export function answerObjects(b: PredictionBatch, explanations: unknown[][] | null = null): AnswerObject[] {
  const model = { name: b.modelName, version: b.modelVersion };
  return Array.from({ length: b.n }, (_, i) => {
    const modes = unpackModes(b.modes, i * b.modeKeys.length, b.modeKeys);
    const a: AnswerObject = {
      id: b.ids[i],
      failure_probability: b.failureProbability[i],
      failure_predicted: b.failurePredicted[i] === 1,
      modes,
      likeliest_mode: likeliestKey(modes, MODE_HEADS),
      model,
    };
    const mid = b.machineId?.[i];
    if (mid) a.machine_id = mid;
    if (explanations) a.explanation = explanations[i];
    return a;
  });
}
