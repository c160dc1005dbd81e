// A model card input shared by the card and report tests.
import { evaluateBinary, type ModelCardInput } from "../../src/evaluate/index.js";

export function sampleCard(): ModelCardInput {
  const y = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0];
  const p = [0.91, 0.12, 0.64, 0.55, 0.03, 0.22, 0.08, 0.01, 0.3, 0.02];
  return {
    name: "machine-failure",
    version: "1.2.0",
    created: "2026-11-27T12:00:00.000Z",
    data: { file: "fleet.csv", sha256: "ab".repeat(32), rows: 10000, failures: 339 },
    params: { nEstimators: 300, learningRate: 0.1 },
    seed: 7,
    gitCommit: "0123456789abcdef0123456789abcdef01234567",
    millwrightVersion: "0.1.0",
    metrics: {
      split: "test split (20 %, stratified)",
      main: evaluateBinary(y, p, 0.5),
      modes: { hdf: evaluateBinary([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], p, 0.5) },
      modeRecall: { twf: { recall: 0.5, n: 2 }, rnf: { recall: null, n: 0 } },
    },
    threshold: { value: 0.5, method: "f1" },
    calibration: "isotonic",
    features: [
      { name: "torque", importance: 0.2 },
      { name: "power <W> | x", importance: 0.5 },
      { name: "tool_wear", importance: 0.3 },
    ],
  };
}
