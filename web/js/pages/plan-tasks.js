// The plan's task list grouped by machine (costliest first) and paged, so a fleet's plan is not
// one 12,000 px table (issue 16). On a data-contract server each task row has Done and Skipped
// (with a reason) buttons, the risk after the task and its status; the AI4I rows are as before. A
// task carried from the shift in progress (before the horizon) says "in progress (this shift)".
import { h, num, pct, shopDay } from "../dom.js";
import { taskText } from "../charts/timeline.js";
import { modeWords, TASK_WORDS } from "../words.js";

export const MACHINES_PER_PAGE = 8;

/**
 * `view.page` (0-based) survives polls; `actions` (contract only): {done(t), skip(t, reason)}, each
 * returning a promise; `moneyOf` formats an amount in the plan's currency.
 */
export function taskList(plan, view, moneyOf, actions) {
  const groups = new Map();
  for (const t of plan.tasks ?? []) {
    if (!groups.has(t.machine_id)) groups.set(t.machine_id, []);
    groups.get(t.machine_id).push(t);
  }
  const total = (ts) => ts.reduce((s, t) => s + (t.avoided_cost ?? 0), 0);
  const ordered = [...groups.entries()].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]));
  const pages = Math.max(1, Math.ceil(ordered.length / MACHINES_PER_PAGE));
  view.page = Math.min(view.page ?? 0, pages - 1);
  const shown = ordered.slice(view.page * MACHINES_PER_PAGE, (view.page + 1) * MACHINES_PER_PAGE);
  const contract = !!actions;
  const heads = contract
    ? [
        "Machine",
        "Task",
        "Shift",
        "Technician",
        "Hours",
        "Risk before",
        "Risk after",
        "Avoided cost",
        "Why",
        "Status",
      ]
    : [
        "Machine",
        "Task",
        "Failure mode",
        "Shift",
        "Technician",
        "Hours",
        "Risk before",
        "Avoided cost",
        "Why",
      ];
  const row = (t) =>
    h(
      "tr",
      { "data-task": t.id ?? "", class: `task-row ${t.status ?? ""}${t.carried ? " carried" : ""}` },
      h(
        "th",
        { scope: "row", "data-label": "Machine" },
        h("a", { href: `#/machine/${encodeURIComponent(t.machine_id)}` }, t.machine_id),
      ),
      (contract
        ? [
            taskText(t),
            shiftText(t, plan.horizon?.clock),
            t.technician,
            num(t.hours, 1),
            pct(t.risk_before),
            pct(t.risk_after),
            moneyOf(t.avoided_cost),
            t.why ?? "",
            statusCell(t, actions),
          ]
        : [
            TASK_WORDS[t.task] ?? t.task,
            modeWords(t.mode),
            t.shift?.label ?? String(t.shift?.index ?? "—"),
            t.technician,
            num(t.hours, 1),
            pct(t.risk_before),
            moneyOf(t.avoided_cost),
            t.why ?? "",
          ]
      ).map((c, i) => h("td", { "data-label": heads[i + 1] }, c)),
    );
  const table = h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Planned tasks by machine" },
    h(
      "table",
      { class: "tasks" },
      h("caption", {}, "Planned tasks by machine, machines with the most avoided cost first"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          heads.map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      shown.map(([id, ts]) =>
        h(
          "tbody",
          { "data-machine": id },
          h(
            "tr",
            { class: "group" },
            h(
              "th",
              { scope: "rowgroup", colspan: String(heads.length) },
              `${id}${ts[0].machine_model ? ` (${ts[0].machine_model})` : ""}: ${ts.length} task${ts.length === 1 ? "" : "s"}, avoids ${moneyOf(total(ts))}`,
            ),
          ),
          ts.map(row),
        ),
      ),
    ),
  );
  if (pages === 1) return table;
  const go = (p) => {
    view.page = p;
    view.rerender();
  };
  return h(
    "div",
    {},
    table,
    h(
      "nav",
      { class: "pager", "aria-label": "Task pages" },
      h(
        "button",
        { type: "button", id: "tasks-prev", disabled: view.page === 0, onclick: () => go(view.page - 1) },
        "Previous machines",
      ),
      h(
        "span",
        { id: "tasks-page" },
        `Machines ${view.page * MACHINES_PER_PAGE + 1}–${view.page * MACHINES_PER_PAGE + shown.length} of ${ordered.length} (page ${view.page + 1} of ${pages})`,
      ),
      h(
        "button",
        {
          type: "button",
          id: "tasks-next",
          disabled: view.page === pages - 1,
          onclick: () => go(view.page + 1),
        },
        "Next machines",
      ),
    ),
  );
}

/**
 * A task's shift with its date on the shop's clock (`clock`: the plan's horizon.clock; a 7-day plan
 * holds the same weekday twice); a carried one's (the shift in progress when the plan was re-made,
 * before the plan's horizon: the server kept its open task) says it is under way.
 */
export function shiftText(t, clock) {
  const date = t.shift?.start ? shopDay(t.shift.start, clock) : "";
  const label = `${t.shift?.label ?? "—"}${date ? `, ${date}` : ""}`;
  return t.carried ? `${label}: in progress (this shift)` : label;
}

/** Done / Skipped buttons for a planned task; its status (and reason) once marked. */
function statusCell(t, actions) {
  if (t.status === "done") return h("span", { class: "badge risk-low" }, "done");
  const wrap = h("div", { class: "task-actions" });
  const msg = h("p", { class: "form-msg", role: "status" });
  const done = h(
    "button",
    { type: "button", class: "primary task-done" },
    "Done",
    h("span", { class: "sr-only" }, ` ${t.id}`),
  );
  const skip = h(
    "button",
    { type: "button", class: "task-skip" },
    "Skipped",
    h("span", { class: "sr-only" }, ` ${t.id}`),
  );
  const fail = (e) => {
    msg.textContent = e;
    msg.className = "form-msg error";
  };
  done.addEventListener("click", () => actions.done(t).catch(fail));
  skip.addEventListener("click", () => {
    const id = `skip-${t.id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    const reason = h("input", { id, class: "skip-reason", type: "text", required: true, maxlength: "500" });
    const form = h(
      "form",
      { class: "skip-form" },
      h("label", { for: id }, "Reason"),
      reason,
      h("button", { type: "submit", class: "primary" }, "Save skip"),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (reason.value.trim()) actions.skip(t, reason.value.trim()).catch(fail);
    });
    wrap.replaceChildren(form, msg);
    reason.focus();
  });
  const skipped =
    t.status === "skipped" ? h("p", { class: "muted" }, `skipped: ${t.skipped_reason ?? ""}`) : null;
  wrap.append(...[skipped, done, t.status === "skipped" ? null : skip, msg].filter(Boolean));
  return wrap;
}
