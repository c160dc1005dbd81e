// Why a contract model scored a reading as it did, in the contract's words: TreeSHAP on the
// machine_failure head, the three largest contributions, each said as the risk with and without
// that feature's contribution ("spindle vibration, trend over 24h 0.31 mm/s/h raises the risk of a
// failure within 24h from 4 % to 19 %"): a shop floor reads percentages, not log-odds. Pure.
import { spanWords } from "../contract/spans.js";
import type { Contract } from "../contract/types.js";
import type { FeaturePlan } from "../features/plan.js";
import { sigmoid } from "../model/predict.js";
import { treeShap } from "../model/shap.js";
import type { HistoryModel } from "../train/history-model.js";

export interface ContractReason {
  feature: string;
  /** The feature's value (a category's level name; null when missing). */
  value: number | string | null;
  unit: string;
  /** Contribution to the calibrated head's margin; positive raises the risk. */
  contribution: number;
  /** The probability without this contribution, the answer's probability with it. */
  risk_without: number;
  text: string;
}

function levelName(c: Contract, name: string, code: number): string | null {
  const r = c.readings.find((x) => x.name === name) ?? c.attributes?.columns.find((x) => x.name === name);
  return r?.kind === "category" ? (r.levels?.[code] ?? null) : null;
}

/** A value for people: grouped in thousands from 10,000 only, so a year built reads 1998, not 1,998. */
export function showValue(v: number): string {
  const a = Math.abs(v);
  return v.toLocaleString("en-US", {
    maximumFractionDigits: a >= 100 ? 0 : a >= 1 ? 1 : 3,
    useGrouping: a >= 10_000,
  });
}

/**
 * The features to give as reasons: the k largest contributions of features with a value. A fleet
 * of many makes has sensors only some makes have, and "oil temperature unknown lowers the risk"
 * stood among the top three reasons of 20 of trial G's 40 machines, all without an oil sensor: a
 * missing value is a reason only when no feature with a value contributes.
 */
export function reasonOrder(contributions: Float64Array, x: Float64Array, k: number): number[] {
  const top = (valued: boolean) =>
    Array.from(contributions.keys())
      .filter((i) => contributions[i] !== 0 && Number.isNaN(x[i]) !== valued)
      .sort((i, j) => Math.abs(contributions[j]) - Math.abs(contributions[i]))
      .slice(0, k);
  const valued = top(true);
  return valued.length > 0 ? valued : top(false);
}

/**
 * Two probabilities for people, "from A to B": whole percent from 10 %, one decimal below (a 0.4 %
 * → 0.9 % change matters), and more decimals (up to three) while both would read the same: on a
 * quiet fleet "from 0.2 % to 0.2 %" says nothing, "from 0.15 % to 0.22 %" does.
 */
export function pctPair(from: number, to: number): [string, string] {
  const f = (p: number, extra: number) => {
    const d = (p >= 0.1 ? 0 : 1) + extra;
    return `${p * 100 < 10 ** -d && p > 0 ? `<${10 ** -d}` : (p * 100).toFixed(d)} %`;
  };
  let extra = 0;
  while (extra < 2 && f(from, extra) === f(to, extra)) extra++;
  return [f(from, extra), f(to, extra)];
}

export function explainReading(m: HistoryModel, plan: FeaturePlan, x: Float64Array, k = 3): ContractReason[] {
  const head = m.heads.machine_failure;
  if (!head) return [];
  const { expectedValue, contributions } = treeShap(head.booster, x);
  let margin = expectedValue;
  for (const c of contributions) margin += c;
  const { a, b } = head.calibration;
  const p = sigmoid(a * margin + b);
  const horizon = m.contract.failures ? ` within ${spanWords(m.contract.failures.horizon.label)}` : "";
  return reasonOrder(contributions, x, k).map((i) => {
    const f = plan.features[i];
    const c = contributions[i];
    const without = sigmoid(a * (margin - c) + b);
    const level = Number.isNaN(x[i]) ? null : levelName(m.contract, f.name, x[i]);
    const value = Number.isNaN(x[i]) ? null : (level ?? x[i]);
    const said =
      value === null
        ? "unknown"
        : typeof value === "string"
          ? value
          : `${showValue(value)}${f.unit ? ` ${f.unit}` : ""}`;
    const verb = c >= 0 ? "raises" : "lowers";
    return {
      feature: f.name,
      value,
      unit: f.unit,
      contribution: c,
      risk_without: without,
      text: `${f.words} ${said} ${verb} the risk of a failure${horizon} from ${pctPair(without, p).join(" to ")}`,
    };
  });
}
