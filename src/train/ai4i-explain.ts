// Explanations a technician can read: TreeSHAP contributions of the machine_failure head turned
// into sentences in shop-floor words and percentages, never in the model's internal units:
// "tool wear 221 min raises the risk a lot (risk 12 %; 0.4 % if tool wear were typical)".
// "Typical" is what SHAP compares with: the reading's contribution taken out of the model's score,
// the rest of the row kept, and the score calibrated to a risk as the prediction itself is.
import { FEATURE_WORDS } from "../data/schema.js";
import { FEATURE_NAMES } from "../features/physics.js";
import { applyPlatt } from "../model/calibrate.js";
import { treeShap } from "../model/shap.js";
import type { ModelBundle } from "./bundle.js";

export interface Contribution {
  feature: string;
  value: number | string;
  /** The reading's push on the failure head's score (log-odds, for tools); positive raises the risk. */
  contribution: number;
  /** The calibrated failure risk (0-1) with this reading's push taken out ("if it were typical"). */
  risk_without: number;
  text: string;
}

const TYPE_NAMES = ["L", "M", "H"];

function formatValue(feature: string, x: number): string {
  if (feature === "type") return TYPE_NAMES[x] ?? String(x);
  const abs = Math.abs(x);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 0 : 1;
  return x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A risk as people read it: "12 %", "0.4 %", "under 0.1 %". */
export function riskWords(p: number): string {
  if (p < 0.001) return "under 0.1 %";
  if (p < 0.1) return `${(p * 100).toFixed(1)} %`;
  return `${Math.round(p * 100)} %`;
}

function sentence(feature: string, x: number, c: number, risk: number, without: number): string {
  const w = FEATURE_WORDS[feature] ?? { label: feature, unit: "" };
  const value =
    feature === "type"
      ? `quality ${formatValue(feature, x)}`
      : `${formatValue(feature, x)}${w.unit ? ` ${w.unit}` : ""}`;
  const label = feature === "type" ? "product" : w.label;
  // A push of 1 on the score multiplies the odds by e (2.7): "a lot"; under a quarter: "a little".
  const how = Math.abs(c) >= 1 ? " a lot" : Math.abs(c) < 0.25 ? " a little" : "";
  const verb = c >= 0 ? "raises" : "lowers";
  const typical = feature === "type" ? "the product quality were typical" : `${label} were typical`;
  return `${label} ${value} ${verb} the risk${how} (risk ${riskWords(risk)}; ${riskWords(without)} if ${typical})`;
}

/** Top `k` contributions by magnitude for one feature row. */
export function explainRow(
  b: ModelBundle,
  x: Float64Array,
  k = 3,
): { expected: number; top: Contribution[] } {
  const head = b.heads.machine_failure;
  const { expectedValue, contributions } = treeShap(head.booster, x);
  let margin = expectedValue;
  for (const c of contributions) margin += c;
  const risk = applyPlatt(head.calibration, margin);
  const order = Array.from(contributions.keys()).sort(
    (i, j) => Math.abs(contributions[j]) - Math.abs(contributions[i]),
  );
  const top = order.slice(0, k).map((i) => {
    const f = FEATURE_NAMES[i];
    const without = applyPlatt(head.calibration, margin - contributions[i]);
    return {
      feature: f,
      value: f === "type" ? (TYPE_NAMES[x[i]] ?? x[i]) : x[i],
      contribution: contributions[i],
      risk_without: without,
      text: sentence(f, x[i], contributions[i], risk, without),
    };
  });
  return { expected: expectedValue, top };
}
