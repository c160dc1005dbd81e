// The plan as a grid: one row per technician, one column per shift, each cell the tasks that
// technician does in that shift with the hours used of the capacity. An HTML table (not SVG) so
// screen readers can move cell by cell with headers announced.
import { h } from "../dom.js";
import { modeWords, TASK_WORDS } from "../words.js";

export function timelineGrid(plan) {
  const labels = shiftLabels(plan);
  const techs = plan.technicians ?? [];
  const byCell = new Map();
  for (const t of plan.tasks ?? []) {
    const k = `${t.technician}|${t.shift?.index}`;
    if (!byCell.has(k)) byCell.set(k, []);
    byCell.get(k).push(t);
  }
  const head = h(
    "tr",
    {},
    h("th", { scope: "col" }, "Technician"),
    labels.map((l) => h("th", { scope: "col", class: "shift-col" }, l.label)),
  );
  const rows = techs.map((tech) => {
    const cap = new Map((tech.shifts ?? []).map((s) => [s.shift, s]));
    return h(
      "tr",
      {},
      h("th", { scope: "row" }, tech.name),
      labels.map((l) => {
        const tasks = byCell.get(`${tech.name}|${l.index}`) ?? [];
        const c = cap.get(l.index);
        const cls = c ? (tasks.length ? "cell busy" : "cell free") : "cell off";
        return h(
          "td",
          { class: cls },
          tasks.map((t) =>
            h(
              "div",
              { class: `chip mode-${t.mode}`, title: t.why ?? "" },
              h("a", { href: `#/machine/${encodeURIComponent(t.machine_id)}` }, t.machine_id),
              ` ${TASK_WORDS[t.task] ?? t.task} (${modeWords(t.mode)}), ${t.hours} h`,
            ),
          ),
          c
            ? h("span", { class: "cap" }, `${c.hours_used}/${c.capacity} h`)
            : h("span", { class: "cap" }, "off"),
        );
      }),
    );
  });
  return h(
    "div",
    {
      class: "table-wrap timeline",
      tabindex: "0",
      role: "region",
      "aria-label": "Plan timeline: technicians by shift",
    },
    h(
      "table",
      { class: "grid" },
      h("caption", {}, "Tasks per technician and shift (hours used / capacity)"),
      h("thead", {}, head),
      h("tbody", {}, rows),
    ),
  );
}

/** Shift columns: the horizon's labels when given, else every shift a task or technician mentions. */
function shiftLabels(plan) {
  if (Array.isArray(plan.horizon?.labels))
    return plan.horizon.labels.map((label, index) => ({ index, label }));
  const m = new Map();
  for (const t of plan.tasks ?? []) m.set(t.shift.index, t.shift.label ?? `shift ${t.shift.index}`);
  for (const tech of plan.technicians ?? [])
    for (const s of tech.shifts ?? []) if (!m.has(s.shift)) m.set(s.shift, s.label ?? `shift ${s.shift}`);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([index, label]) => ({ index, label }));
}
