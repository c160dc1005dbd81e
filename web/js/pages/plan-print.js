// The plan on paper: one A4 landscape page per day (issue 16). Hidden on screen; the print
// stylesheet (css/app.css, @media print) shows only this and breaks a page after each day. Each
// page has the day's technicians × shifts with their tasks, then the day's task list with a blank
// column for the technician's initials, and the plan's freshness so an old printout is recognisable.
import { h, pct } from "../dom.js";
import { cell, planDays, taskText, tasksByCell } from "../charts/timeline.js";
import { shiftText } from "./plan-tasks.js";

export function printDays(plan, freshness, moneyOf) {
  const byCell = tasksByCell(plan);
  const techs = plan.technicians ?? [];
  return h(
    "div",
    { class: "print-days", "aria-hidden": "true" },
    planDays(plan).map((d, i) => {
      const ids = new Set(d.slots.map((s) => s.index));
      // A carried task's shift is the one in progress, before the horizon: listed on the first day.
      const tasks = (plan.tasks ?? []).filter((t) => ids.has(t.shift?.index) || (i === 0 && t.carried));
      return h(
        "section",
        { class: "print-day", "data-day": d.key },
        h("h2", {}, `Maintenance plan: ${d.title}${d.date ? ` ${d.date}` : ""}`),
        h("p", { class: "hint" }, freshness),
        h(
          "table",
          { class: "day-grid" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, "Technician"),
              d.slots.map((s) => h("th", { scope: "col" }, s.label)),
            ),
          ),
          h(
            "tbody",
            {},
            techs.map((tech) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, tech.name),
                d.slots.map((s) => cell(tech, s, byCell)),
              ),
            ),
          ),
        ),
        tasks.length
          ? h(
              "table",
              { class: "day-tasks" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  [
                    "Machine",
                    "Task",
                    "Shift",
                    "Technician",
                    "Hours",
                    "Risk before → after",
                    "Avoided cost",
                    "Done (initials, time)",
                  ].map((c) => h("th", { scope: "col" }, c)),
                ),
              ),
              h(
                "tbody",
                {},
                tasks.map((t) =>
                  h(
                    "tr",
                    {},
                    h("th", { scope: "row" }, t.machine_id),
                    h("td", {}, taskText(t)),
                    h("td", {}, shiftText(t, plan.horizon?.clock)),
                    h("td", {}, t.technician),
                    h("td", {}, String(t.hours)),
                    h(
                      "td",
                      {},
                      `${pct(t.risk_before)} → ${t.risk_after === undefined ? "—" : pct(t.risk_after)}`,
                    ),
                    h("td", {}, moneyOf(t.avoided_cost)),
                    h("td", {}, t.status && t.status !== "planned" ? t.status : ""),
                  ),
                ),
              ),
            )
          : h("p", {}, "No task planned this day."),
      );
    }),
  );
}
