// Number formatting for human-facing text (gate reasons, model cards, reports): up to 4 decimals, trailing
// zeros trimmed, so 0.030000000000000027 reads "0.03"; null reads "n/a".

export function fmt(x: number | null | undefined, decimals = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "n/a";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "-∞";
  if (Number.isInteger(x)) return String(x);
  const s = x.toFixed(decimals);
  const trimmed = s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  return trimmed === "-0" ? "0" : trimmed;
}

/** Display names of the metric keys. */
export const METRIC_LABELS: Record<string, string> = {
  roc_auc: "ROC-AUC",
  pr_auc: "PR-AUC",
  precision: "Precision",
  recall: "Recall",
  f1: "F1",
  accuracy: "Accuracy",
  brier: "Brier score",
};
