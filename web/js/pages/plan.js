// Plan page: the current maintenance plan as a technician × shift grid, its solver status,
// objective, gap and solve time, and a form to re-plan with another horizon or downtime cost.
import { ApiError, describeError, getJson, postJson } from "../api.js";
import { timelineGrid } from "../charts/timeline.js";
import { fill, h, money, num, pct, section, setText, table } from "../dom.js";
import { isMissingEndpoint, notAvailable } from "../server.js";
import { adminToken, tokenField } from "../token.js";
import { modeWords, TASK_WORDS } from "../words.js";

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
  const body = h("div", { class: "stack" }, h("p", {}, "Loading the plan…"));
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
    tokenField("plan-token", "Re-planning needs the admin token."),
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
      render(plan);
      const msg = `Re-planned: ${plan.tasks?.length ?? 0} tasks, status ${plan.status}, objective ${money(plan.objective)}.`;
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

  const replan = section("replan", "Re-plan", form);
  root.append(h("h1", {}, "Maintenance plan"), replan, body);
  /** This server has no plan route at all: say so once, and stop asking. */
  let missing = false;

  return {
    async refresh() {
      if (posting || missing) return;
      let plan;
      try {
        plan = await getJson("/v1/plan");
      } catch (e) {
        if (isMissingEndpoint(e)) {
          missing = true;
          replan.hidden = true;
          fill(body, notAvailable("plan-na", "Maintenance planning"));
          return;
        }
        if (!(e instanceof ApiError)) throw e;
        if (last !== "none") fill(body, noPlan(e));
        last = "none";
        return;
      }
      if (posting) return;
      const key = JSON.stringify(plan);
      if (key === last) return;
      last = key;
      render(plan);
    },
  };

  function render(plan) {
    fill(
      body,
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
          fact("Objective (expected avoided cost)", money(plan.objective)),
          fact("Optimality gap", plan.gap === null || plan.gap === undefined ? "—" : pct(plan.gap, 2)),
          fact("Solve time", `${num(plan.solve_ms, 1)} ms`),
          fact("Tasks", String(plan.tasks?.length ?? 0)),
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
        "Timeline",
        (plan.technicians ?? []).length ? timelineGrid(plan) : h("p", {}, "No technicians in this plan."),
      ),
      section(
        "tasks",
        "Tasks and why",
        (plan.tasks ?? []).length
          ? table(
              "Planned tasks in shift order",
              [
                "Machine",
                "Task",
                "Failure mode",
                "Shift",
                "Technician",
                "Hours",
                "Risk before",
                "Avoided cost",
                "Why",
              ],
              plan.tasks.map((t) => [
                h("a", { href: `#/machine/${encodeURIComponent(t.machine_id)}` }, t.machine_id),
                TASK_WORDS[t.task] ?? t.task,
                modeWords(t.mode),
                t.shift?.label ?? String(t.shift?.index ?? "—"),
                t.technician,
                num(t.hours, 1),
                pct(t.risk_before),
                money(t.avoided_cost),
                t.why ?? "",
              ]),
              { rowHeaders: true },
            )
          : h("p", {}, "No task is worth its cost in this horizon."),
      ),
      (plan.unplanned_risks ?? []).length
        ? section(
            "unplanned",
            "Risks left unplanned",
            table(
              "Risks the plan does not cover, costliest first",
              ["Machine", "Task", "Failure mode", "Risk", "Expected cost", "Reason"],
              plan.unplanned_risks.map((u) => [
                u.machine_id,
                TASK_WORDS[u.task] ?? u.task,
                modeWords(u.mode),
                pct(u.risk),
                money(u.expected_cost),
                u.reason,
              ]),
              { rowHeaders: true },
            ),
          )
        : null,
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
