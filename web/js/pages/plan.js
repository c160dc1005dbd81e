// Plan page: the current maintenance plan as a week grid of technicians × shifts, its solver
// status, objective, gap and solve time, the tasks grouped by machine, and a form to re-plan. On a
// data-contract server also the plan's freshness (model, data time, made at, stale), Done and
// Skipped per task, and the week's planned work against what was done. Printed, it is one A4 page per day.
import { ApiError, describeError, getJson, postJson } from "../api.js";
import { timelineGrid } from "../charts/timeline.js";
import { fill, h, money, num, pct, section, setText, table } from "../dom.js";
import { isMissingEndpoint, nameWords, notAvailable, serverInfo } from "../server.js";
import { adminToken, tokenField } from "../token.js";
import { modeWords, TASK_WORDS } from "../words.js";
import { configProblem, contractMoney, freshnessCard, freshnessWords } from "./plan-fresh.js";
import { printDays } from "./plan-print.js";
import { costsUpload, techniciansUpload } from "./plan-upload.js";
import { taskList } from "./plan-tasks.js";
import { weekSection } from "./plan-week.js";

export function planPage(root, _arg, ctx) {
  const horizon = h("input", {
    id: "plan-horizon",
    name: "horizon_days",
    type: "number",
    min: "1",
    max: "14",
    step: "1",
    required: true,
  });
  horizon.value = "7";
  /** The task list's page, kept across polls; rerender redraws the last plan. */
  const view = { page: 0, rerender: () => lastPlan && render(lastPlan) };
  let lastPlan = null;
  /** True on a data-contract server (known after the first refresh). */
  let contract = false;
  const cost = h("input", {
    id: "plan-cost",
    name: "cost_per_hour",
    type: "number",
    min: "0",
    step: "10",
    placeholder: "server default",
    "aria-describedby": "plan-cost-hint",
  });
  const submit = h("button", { type: "submit", class: "primary" }, "Re-plan");
  const formMsg = h("p", { class: "form-msg", id: "plan-msg", role: "status" });
  const body = h("div", { class: "stack", id: "plan-body" }, h("p", {}, "Loading the plan…"));
  let last = "";
  let posting = false;

  const form = h(
    "form",
    { class: "controls", "aria-label": "Re-plan", id: "plan-form" },
    h("div", { class: "field" }, h("label", { for: "plan-horizon" }, "Horizon (days)"), horizon),
    h(
      "div",
      { class: "field" },
      h("label", { for: "plan-cost" }, "Cost per downtime hour ($)"),
      cost,
      h("p", { class: "hint", id: "plan-cost-hint" }, "Leave empty for the configured costs."),
    ),
    // Re-planning replaces the plan everyone sees: the server asks for the admin token.
    tokenField(
      "plan-token",
      "Re-planning needs the admin token; marking a task done or skipped takes the admin or feedback token.",
    ),
    h("div", { class: "field field-button" }, submit),
    formMsg,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const req = { horizon_days: Number(horizon.value) };
    if (cost.value !== "") req.cost_per_hour = Number(cost.value);
    posting = true;
    submit.disabled = true;
    setText(formMsg, "Planning…");
    try {
      const plan = await postJson("/v1/plan", req, adminToken() || undefined);
      last = JSON.stringify(plan);
      lastPlan = plan;
      render(plan);
      const msg = `Re-planned: ${plan.tasks?.length ?? 0} tasks, status ${plan.status}, net saving ${contract ? contractMoney(plan.objective, plan.currency) : money(plan.objective)}.`;
      setText(formMsg, msg);
      ctx.announce(msg);
    } catch (err) {
      setText(formMsg, `Could not re-plan: ${describeError(err)}`);
      formMsg.classList.add("error");
    } finally {
      posting = false;
      submit.disabled = false;
    }
  });

  const costField = cost.closest(".field");
  const replan = section("replan", "Re-plan", form);
  // Technicians and costs (a contract server's: its tasks: key as a file of its own, MILLWRIGHT_COSTS).
  // After an upload the page asks for the plan again at once.
  const again = () => {
    last = "";
    refresh();
  };
  const upload = techniciansUpload(again);
  const costsForm = costsUpload(again);
  root.append(h("h1", {}, "Maintenance plan"), replan, upload, costsForm, body);
  /** This server has no plan route at all: say so once, and stop asking. */
  let missing = false;

  const actions = {
    done: (t) => mark(t, "done", {}),
    skip: (t, reason) => mark(t, "skipped", { reason }),
  };
  return { refresh };

  async function refresh() {
    if (posting || missing) return;
    contract = !!(await serverInfo()).contract;
    // A contract server's re-plan takes a horizon only: its costs come from its tasks (the upload).
    if (costField) costField.hidden = contract;
    upload.hidden = false;
    costsForm.hidden = false;
    let plan;
    try {
      plan = await getJson("/v1/plan");
    } catch (e) {
      if (isMissingEndpoint(e)) {
        missing = true;
        replan.hidden = true;
        upload.hidden = true;
        costsForm.hidden = true;
        fill(body, notAvailable("plan-na", "Maintenance planning"));
        return;
      }
      if (!(e instanceof ApiError)) throw e;
      // No technicians configured: the server's own sentence says what to set; re-planning cannot help.
      const config = e.problem?.code === "MW_CONFIG";
      replan.hidden = config;
      const key = `none:${e.problem?.detail ?? e.status}`;
      if (last !== key) fill(body, config ? configProblem(e) : noPlan(e));
      last = key;
      return;
    }
    replan.hidden = false;
    if (posting) return;
    const key = JSON.stringify(plan);
    if (key === last) return;
    last = key;
    lastPlan = plan;
    render(plan);
  }

  /** A technician's word on a task (feedback or admin token), then the plan as the server has it now. */
  async function mark(t, what, req) {
    const r = await postJson(
      `/v1/plan/tasks/${encodeURIComponent(t.id)}/${what}`,
      req,
      adminToken() || undefined,
    ).catch((e) => {
      throw describeError(e);
    });
    const msg = `${t.machine_id}: ${t.task_words ?? t.task} marked ${r.status}.`;
    setText(formMsg, msg);
    formMsg.className = "form-msg ok";
    ctx.announce(msg);
    last = "";
    await refresh();
  }

  function render(plan) {
    const c = contract;
    const moneyOf = c ? (v) => contractMoney(v, plan.currency) : money;
    // Both servers' plans say what they were made from (model, data time, made at, stale).
    const fresh = plan.model ? freshnessWords(plan) : "";
    fill(
      body,
      plan.model ? freshnessCard(plan, fresh) : null,
      section(
        "status",
        "Solver",
        h(
          "dl",
          { class: "facts", id: "plan-facts" },
          fact(
            "Status",
            plan.status === "optimal" ? "optimal" : `${plan.status ?? "unknown"} (not proven optimal)`,
          ),
          // The objective is the net saving, not the avoided cost (trial 9 read it as that); the
          // totals a manager budgets with beside it.
          fact("Net saving (avoided − cost of work)", moneyOf(plan.objective)),
          plan.summary && typeof plan.summary.expected_failure_cost === "number"
            ? fact(
                "If nothing is done",
                `${moneyOf(plan.summary.expected_failure_cost)} expected failure cost; this plan avoids ${moneyOf(plan.summary.avoided_cost)} of it for ${moneyOf(plan.summary.planned_cost)} of work and parts`,
              )
            : null,
          fact("Optimality gap", plan.gap === null || plan.gap === undefined ? "—" : pct(plan.gap, 2)),
          fact("Solve time", `${num(plan.solve_ms, 1)} ms`),
          fact("Tasks", String(plan.tasks?.length ?? 0)),
          // Skipped tasks stay listed, but the summary's totals leave them out (trial 7).
          plan.summary?.skipped?.tasks
            ? fact(
                "Skipped",
                `${plan.summary.skipped.tasks}: ${moneyOf(plan.summary.skipped.avoided_cost)} avoided for ${moneyOf(plan.summary.skipped.planned_cost)}, not in the totals`,
              )
            : null,
          // Tasks of the shift in progress kept by a re-plan: still to be done, so in the totals.
          plan.summary?.carried?.tasks
            ? fact(
                "In progress (this shift)",
                `${plan.summary.carried.tasks}: ${moneyOf(plan.summary.carried.avoided_cost)} avoided for ${moneyOf(plan.summary.carried.planned_cost)}, in the totals`,
              )
            : null,
          plan.horizon
            ? fact("Horizon", `${plan.horizon.shifts} shifts of ${plan.horizon.shift_hours} h`)
            : null,
        ),
        (plan.warnings ?? []).length
          ? h(
              "ul",
              { class: "warnings" },
              plan.warnings.map((w) => h("li", {}, w)),
            )
          : null,
      ),
      section(
        "timeline",
        "Week",
        (plan.technicians ?? []).length ? timelineGrid(plan) : h("p", {}, "No technicians in this plan."),
      ),
      section(
        "tasks",
        "Tasks and why",
        (plan.tasks ?? []).length
          ? taskList(plan, view, moneyOf, c ? actions : null)
          : h("p", {}, "No task is worth its cost in this horizon."),
      ),
      c && plan.week
        ? section("week", "This week: planned and done", weekSection(plan.week, plan.horizon?.clock, moneyOf))
        : null,
      (plan.unplanned_risks ?? []).length
        ? section(
            "unplanned",
            "Risks left unplanned",
            table(
              "Risks the plan does not cover, costliest first",
              ["Machine", "Task", "Failure mode", "Risk", "Expected cost", "Reason"],
              plan.unplanned_risks.map((u) => [
                u.machine_id,
                c ? nameWords(u.task) : (TASK_WORDS[u.task] ?? u.task),
                c ? nameWords(u.head ?? u.mode) : modeWords(u.mode),
                pct(u.risk),
                moneyOf(u.expected_cost),
                u.reason,
              ]),
              { rowHeaders: true, class: "unplanned" },
            ),
          )
        : null,
      printDays(plan, fresh, moneyOf),
    );
  }
}

function fact(k, v) {
  return h("div", {}, h("dt", {}, k), h("dd", {}, v));
}

function noPlan(e) {
  return h(
    "div",
    { class: "card empty-state", id: "no-plan" },
    h("h2", {}, "No plan yet"),
    h("p", {}, "The server has no current maintenance plan. Use the form above to make one."),
    h("p", { class: "hint" }, `Server said: ${describeError(e)}`),
  );
}
