// The monitoring page's contract parts: realised quality from /v1/monitor (the failures told label
// the readings), its history charted below it (monitor.js), and the drift of each group of machines
// the contract's monitor.drift_by names (make=Okuma: its readings against its own training days).
import { h, num, pct, section, table } from "../dom.js";

function fact(k, v) {
  return h("div", {}, h("dt", {}, k), h("dd", {}, v));
}

/** Realised quality on a contract server: readings whose horizon has passed, labelled by the failures told. */
export function realisedSection(m, contract) {
  const q = m.quality ?? {};
  const v = (x) => (typeof x === "number" ? num(x, 3) : "not enough labels yet");
  return section(
    "quality",
    "Model quality",
    h(
      "dl",
      { class: "facts", id: "quality-facts" },
      fact(
        "Labelled readings",
        `${q.n ?? 0} (${q.positives ?? 0} followed by a failure within ${contract.horizon ?? "the horizon"}${typeof q.failures === "number" ? `: ${q.failures} ${q.failures === 1 ? "failure" : "failures"}` : ""})`,
      ),
      fact("Realised PR-AUC", v(q.pr_auc)),
      fact("Realised ROC-AUC", v(q.roc_auc)),
      fact("Recall", v(q.recall)),
      fact("Precision", v(q.precision)),
    ),
    h(
      "p",
      { class: "hint" },
      "A reading's label is known once its machine's clock has passed the horizon, or a failure was told within it (POST /v1/events).",
    ),
  );
}

/** Drift per group of machines (monitor.drift_by), beside the fleet's; nothing when the contract names none. */
export function groupsSection(m, words) {
  const groups = m.groups ?? [];
  const skipped = m.groups_skipped ?? [];
  if (groups.length + skipped.length === 0) return null;
  const drifted = (g) => (g.drift?.features ?? []).filter((f) => f.drifted).map((f) => words(f.feature));
  return section(
    "groups",
    "Drift per group of machines",
    table(
      "Each group's last day of readings against its own training days",
      ["Group", "Machines", "Dataset drift", "Drifted readings"],
      groups.map((g) => [
        `${g.attribute} ${g.value}`,
        g.machines.join(", ") || "—",
        g.drift
          ? h(
              "span",
              { class: `badge ${g.drift.dataset_drift ? "risk-high" : "risk-low"}` },
              g.drift.dataset_drift ? "Drifted" : "Stable",
            )
          : "not enough data",
        g.drift ? `${drifted(g).join(", ") || "none"} (${pct(g.drift.drift_share, 0)})` : "—",
      ]),
      { rowHeaders: true, class: "groups" },
    ),
    skipped.length > 0
      ? h(
          "p",
          { class: "hint" },
          `Tested with the fleet only: ${skipped.map((g) => `${g.attribute} ${g.value} (${g.reason})`).join("; ")}.`,
        )
      : null,
  );
}
