// The contract plan's freshness (model version, data time, when made, stale) and the page's
// states that are not a plan: the server's MW_CONFIG sentence when no technicians are configured.
import { h, when } from "../dom.js";

/** "Model historian 1.0.0 · data up to … · made …": what the plan was made from, and when. */
export function freshnessWords(plan) {
  const m = plan.model ?? {};
  const data = typeof plan.data_time === "string" ? when(plan.data_time) : String(plan.data_time ?? "—");
  return `Model ${m.name ?? ""} ${m.version ?? "—"} · data up to ${data} · made ${when(plan.made_at)}${plan.stale ? " · stale: re-planning…" : ""}`;
}

export function freshnessCard(plan, words) {
  return h(
    "div",
    { class: `card freshness${plan.stale ? " stale" : ""}`, id: "plan-freshness", role: "status" },
    h("p", { class: "summary" }, words),
    plan.stale && plan.stale_reason ? h("p", { class: "hint" }, `Why: ${plan.stale_reason}.`) : null,
    plan.technicians_source
      ? h("p", { class: "hint" }, `Technicians from ${plan.technicians_source}.`)
      : null,
    plan.costs_source ? h("p", { class: "hint" }, `Costs from ${plan.costs_source}.`) : null,
  );
}

/** An amount in the contract's currency, as the server's sentences print it. */
export function contractMoney(v, currency) {
  return typeof v === "number" && Number.isFinite(v)
    ? `${currency ?? ""}${Math.round(v).toLocaleString("en-GB")}`
    : "—";
}

export function configProblem(e) {
  return h(
    "div",
    { class: "card empty-state", id: "plan-config" },
    h("h2", {}, "The server cannot plan yet"),
    h("p", {}, e.problem?.detail ?? e.message),
  );
}
