// The monitoring page's quality part on a data-contract server: realised quality from /v1/monitor
// (the failures told label the readings); its history is charted below it (monitor.js).
import { h, num, section } from "../dom.js";

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
        `${q.n ?? 0} (${q.positives ?? 0} followed by a failure within ${contract.horizon ?? "the horizon"})`,
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
