// Shop G's 14 later days as the contract monitor sees them, for the drift tests that replay them
// hour by hour (test/contract/shop-bolts-counter.test.ts, shop-bolts-groups.test.ts).
import type { ContractData } from "../../src/data/contract-data.js";
import { telemetryRates } from "../../src/features/counter-rate.js";
import { featurePlan } from "../../src/features/plan.js";

/** The same contract reading the later days (later/…) instead of the export. */
export const laterContract = (c: string): string =>
  c
    .replace("telemetry: export/exports/*.csv", "telemetry: later/exports/*.csv")
    .replace(/export\//g, "later/");

/** The live rows in time order as the monitor keeps them: values in contract order (a counter's as its rate). */
export function liveRows(d: ContractData) {
  const t = d.telemetry;
  const values = telemetryRates(featurePlan(d.contract), t);
  return Array.from({ length: t.n }, (_, i) => ({
    machine: t.machines[t.machine[i]],
    time: t.time[i],
    values: values.map((v) => (Number.isNaN(v[i]) ? null : v[i])),
  })).sort((a, b) => a.time - b.time);
}
