// The plan's risk ahead on the fleet board (GET /v1/fleet `plan_risk`), beside the model's risk
// within its horizon. A manager saw spindle bearing "Low 4.6 %" on the board and "58 % without" for
// the same machine on the plan page, and nothing on the board said that both are right: the board's
// figure is the next 24 h, the plan's the whole of its week, calibrated on how parts of that age
// failed (customer trial, issue 16). A line under the risk, its title and the legend under the table say so.
import { h, when } from "../dom.js";
import { nameWords } from "../server.js";
import { riskPct } from "../words.js";

/** What the legend and the sort call it. */
export const AHEAD_LABEL = "Plan's risk ahead";

/** The kind the plan sees as likeliest by its end, or null (none above 0.1 %). */
function topHead(pr) {
  let best = null;
  for (const [k, v] of Object.entries(pr.heads ?? {}))
    if (typeof v === "number" && v >= 0.001 && (best === null || v > pr.heads[best])) best = k;
  return best;
}

/** The cell's title: what the figure is, when the plan was made, and each kind's part of it. */
function aheadTitle(pr, horizon) {
  const kinds = Object.entries(pr.heads ?? {})
    .filter(([, v]) => typeof v === "number")
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${nameWords(k)} ${riskPct(v)}`);
  return [
    `The maintenance plan's forecast: ${riskPct(pr.by_end)} chance of a failure of a kind it plans for by the end of ${pr.until_label} if nothing is done.`,
    `It covers the plan's whole horizon${pr.part_age ? " and counts the part's age" : ""}, so it is not the risk${horizon ? ` within ${horizon}` : ""} above it, and is most often higher.`,
    kinds.length ? `By kind: ${kinds.join(", ")}.` : "",
    `Plan made ${when(pr.made_at)}, model ${pr.model_version}${pr.stale ? "; stale: the Plan page re-plans" : ""}.`,
  ]
    .filter((s) => s)
    .join(" ");
}

/**
 * The line under machine `m`'s risk: "Plan: 58.0 % by Mon night, mostly spindle bearing", its title
 * saying what that is; none before a plan (the legend says so). A machine that is down gets none:
 * it needs a repair now, and the plan's figure is from before it failed.
 */
export function aheadLine(m, horizon) {
  const pr = m.plan_risk;
  if (!pr || m.down) return [];
  const top = topHead(pr);
  return h(
    "span",
    { class: pr.stale ? "ahead stale" : "ahead", title: aheadTitle(pr, horizon) },
    `Plan${pr.stale ? " (stale)" : ""}: `,
    h("span", { class: "risk-pct" }, riskPct(pr.by_end)),
    ` by ${pr.until_label}${top ? `, mostly ${nameWords(top)}` : ""}`,
  );
}

/** The words under the table: what each of the two risks is, from the plan on the board if any. */
export function aheadLegend(machines, horizon) {
  const pr = machines.find((m) => m.plan_risk)?.plan_risk;
  const risk = `Risk${horizon ? `, next ${horizon}` : ""}: the model's chance of a failure${horizon ? ` within ${horizon}` : ""} of the machine's newest reading.`;
  if (!pr) return `${risk} Plan: no plan yet (the Plan page makes one), so no risk ahead.`;
  return `${risk} Plan: the maintenance plan's risk ahead, its forecast to ${pr.until_label} (${when(pr.until)}), nothing done${pr.part_age ? ", which counts each part's age" : ""}; from the plan made ${when(pr.made_at)}${pr.stale ? ", now stale (the Plan page re-plans)" : ""}.`;
}
