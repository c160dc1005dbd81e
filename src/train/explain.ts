// Explanations a technician can read: TreeSHAP contributions of the machine_failure head, in
// log-odds, turned into sentences ("tool wear 221 min raises the failure risk (+1.42)").
import { FEATURE_WORDS } from "../data/schema.js";
import { FEATURE_NAMES } from "../features/physics.js";
import { treeShap } from "../model/shap.js";
import type { ModelBundle } from "./bundle.js";

export interface Contribution {
  feature: string;
  value: number | string;
  /** Contribution to the failure head's margin (log-odds); positive raises the risk. */
  contribution: number;
  text: string;
}

const TYPE_NAMES = ["L", "M", "H"];

function formatValue(feature: string, x: number): string {
  if (feature === "type") return TYPE_NAMES[x] ?? String(x);
  const abs = Math.abs(x);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 0 : 1;
  return x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function sentence(feature: string, x: number, c: number): string {
  const w = FEATURE_WORDS[feature] ?? { label: feature, unit: "" };
  const value =
    feature === "type"
      ? `quality ${formatValue(feature, x)}`
      : `${formatValue(feature, x)}${w.unit ? ` ${w.unit}` : ""}`;
  const label = feature === "type" ? "product" : w.label;
  const strength = Math.abs(c) >= 1 ? "strongly " : Math.abs(c) < 0.25 ? "slightly " : "";
  const verb = c >= 0 ? "raises" : "lowers";
  const sign = c >= 0 ? "+" : "−";
  return `${label} ${value} ${strength}${verb} the failure risk (${sign}${Math.abs(c).toFixed(2)} log-odds)`;
}

/** Top `k` contributions by magnitude for one feature row. */
export function explainRow(
  b: ModelBundle,
  x: Float64Array,
  k = 3,
): { expected: number; top: Contribution[] } {
  const { expectedValue, contributions } = treeShap(b.heads.machine_failure.booster, x);
  const order = Array.from(contributions.keys()).sort(
    (i, j) => Math.abs(contributions[j]) - Math.abs(contributions[i]),
  );
  const top = order.slice(0, k).map((i) => {
    const f = FEATURE_NAMES[i];
    return {
      feature: f,
      value: f === "type" ? (TYPE_NAMES[x[i]] ?? x[i]) : x[i],
      contribution: contributions[i],
      text: sentence(f, x[i], contributions[i]),
    };
  });
  return { expected: expectedValue, top };
}
