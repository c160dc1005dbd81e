// The machine page's risk per failure kind, two ways side by side: the model's within its horizon
// (the newest reading's heads, as on the board) and the latest plan's by the end of its horizon
// (GET /v1/machines/{id} `plan_risk`). A manager read spindle bearing 0.9 % on the board and 58 %
// "without" in the plan for the same machine; both are right, and this table says why.
import { h, section, table, when } from "../dom.js";
import { nameWords } from "../server.js";
import { riskPct } from "../words.js";

/** `d`: GET /v1/machines/{id}; `now` its newest reading; `horizon` the contract's ("24h") or "". */
export function kindsSection(d, now, horizon) {
  const pr = d.plan_risk ?? null;
  const heads = d.heads ?? [];
  if (!now || heads.length === 0) return [];
  const within = horizon ? `Within ${horizon}` : "Now";
  const byEnd = pr ? `By ${pr.until_label} (plan)` : "By the plan's end";
  const planned = (k) => {
    if (!pr) return "—";
    const v = pr.heads?.[k];
    if (v === null) return "does not apply";
    return typeof v === "number" ? riskPct(v) : "not planned for";
  };
  const rows = [
    {
      attrs: { "data-kind": "" },
      cells: ["Any failure", riskPct(now.failure_probability), pr ? riskPct(pr.by_end) : "—"],
    },
    ...heads.map((k) => ({
      attrs: { "data-kind": k },
      cells: [nameWords(k), riskPct(now.heads?.[k]), planned(k)],
    })),
  ];
  return section(
    "kinds",
    "Risk by failure kind",
    h(
      "p",
      { class: "hint", id: "kinds-words" },
      pr
        ? `${within}: the model's risk from the newest reading. ${byEnd}: the maintenance plan's forecast to ${when(pr.until)}, nothing done, over its whole horizon${pr.part_age ? " and counting the part's age (the plan's calibration)" : ""}, so most often the higher; its "any failure" is any kind it plans for. From the plan made ${when(pr.made_at)}, model ${pr.model_version}${pr.stale ? "; stale: the Plan page re-plans" : ""}.`
        : `${within}: the model's risk from the newest reading. No plan yet: the plan's risk by its end comes with the next plan (the Plan page makes one).`,
    ),
    table(
      `Risk of ${d.machine_id} by failure kind: ${within.toLowerCase()}, and by the plan's end`,
      ["Failure kind", within, byEnd],
      rows,
    ),
  );
}
