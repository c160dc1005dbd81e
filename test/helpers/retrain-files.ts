// Reading back what retraining wrote (src/retrain/contract-data.ts retrainFiles) through the
// contract it stored, and a row's identity for comparing telemetry before and after.
import { readContractData } from "../../src/data/contract-data.js";
import type { retrainFiles } from "../../src/retrain/contract-data.js";

type Telemetry = ReturnType<typeof readContractData>["telemetry"];

export function readRetrainFiles(
  files: ReturnType<typeof retrainFiles>,
): ReturnType<typeof readContractData> {
  return readContractData(files.contract, {
    telemetry: files.telemetry,
    events: files.events,
    learn: true,
    labels: "require",
  });
}

/** Machine, time and every value (NaN where missing) of row i. */
export function rowKey(tel: Telemetry, i: number): string {
  return `${tel.machines[tel.machine[i]]} ${tel.time[i]} ${tel.values.map((v) => v[i]).join(",")}`;
}
