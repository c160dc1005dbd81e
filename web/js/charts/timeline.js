// The plan as a week grid: one column per day, one row per technician and shift, each cell the
// tasks that technician does in that shift with the hours used of the capacity. Days are columns
// (not the 21 shifts) so a week fits a 1,400 px screen (issue 16); a longer horizon gets one grid
// per week. An HTML table (not SVG) so screen readers move cell by cell with headers announced.
import { h } from "../dom.js";
import { modeWords, TASK_WORDS } from "../words.js";

const LONG = {
  Sun: "Sunday",
  Mon: "Monday",
  Tue: "Tuesday",
  Wed: "Wednesday",
  Thu: "Thursday",
  Fri: "Friday",
  Sat: "Saturday",
};

/** A task's words on either server: the contract's own, else the AI4I task and failure mode. */
export function taskText(t) {
  return t.task_words ?? `${TASK_WORDS[t.task] ?? t.task} (${modeWords(t.mode)})`;
}

/** The horizon's shifts grouped into days, in order: [{key, title, date, slots: [{index, label, name}]}]. */
export function planDays(plan) {
  const days = [];
  for (const s of shiftLabels(plan)) {
    const [day, ...rest] = String(s.label).split(" ");
    const name = rest.join(" ") || "shift";
    const prev = days[days.length - 1];
    // Consecutive shifts of the same weekday are one day; the same weekday a week later is another.
    if (prev && prev.day === day && !prev.slots.some((x) => x.name === name)) prev.slots.push({ ...s, name });
    else
      days.push({
        key: `d${days.length}`,
        day,
        title: LONG[day] ?? day,
        date: shiftDate(plan, s.index),
        slots: [{ ...s, name }],
      });
  }
  return days;
}

/** "3 Dec" for a shift's start (UTC), from the horizon's start and shift length when given. */
function shiftDate(plan, index) {
  const start = Date.parse(plan.horizon?.start ?? "");
  const hours = plan.horizon?.shift_hours;
  if (!Number.isFinite(start) || typeof hours !== "number") return "";
  return new Date(start + index * hours * 3_600_000).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

/** The shift names in their order within a day (the fullest day gives it). */
export function shiftOrder(days) {
  const full = [...days].sort((a, b) => b.slots.length - a.slots.length)[0];
  const names = (full?.slots ?? []).map((s) => s.name);
  for (const d of days) for (const s of d.slots) if (!names.includes(s.name)) names.push(s.name);
  return names;
}

/** Tasks by "technician|shift index". */
export function tasksByCell(plan) {
  const byCell = new Map();
  for (const t of plan.tasks ?? []) {
    const k = `${t.technician}|${t.shift?.index}`;
    if (!byCell.has(k)) byCell.set(k, []);
    byCell.get(k).push(t);
  }
  return byCell;
}

/** One technician's cell for one shift: the task chips and hours used / capacity (or "off"). */
export function cell(tech, slot, byCell) {
  if (!slot) return h("td", { class: "cell none" }, h("span", { class: "cap" }, "—"));
  const c = (tech.shifts ?? []).find((s) => s.shift === slot.index);
  const tasks = byCell.get(`${tech.name}|${slot.index}`) ?? [];
  const cls = c ? (tasks.length ? "cell busy" : "cell free") : "cell off";
  return h(
    "td",
    { class: cls },
    tasks.map((t) =>
      h(
        "div",
        {
          class: `chip mode-${t.mode}${t.status && t.status !== "planned" ? ` ${t.status}` : ""}`,
          title: t.why ?? "",
        },
        h("a", { href: `#/machine/${encodeURIComponent(t.machine_id)}` }, t.machine_id),
        ` ${taskText(t)}, ${t.hours} h`,
        t.status && t.status !== "planned" ? ` (${t.status})` : "",
      ),
    ),
    h("span", { class: "cap" }, c ? `${c.hours_used}/${c.capacity} h` : "off"),
  );
}

export function timelineGrid(plan) {
  const days = planDays(plan);
  const names = shiftOrder(days);
  const techs = plan.technicians ?? [];
  const byCell = tasksByCell(plan);
  const weeks = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  // A 7-day plan that starts mid-day ends on the same weekday a week later: one grid of 8 days, not
  // a second grid of one column (trial 9: "Week 2" held Thursday alone).
  if (weeks.length > 1 && weeks[weeks.length - 1].length === 1) weeks[weeks.length - 2].push(...weeks.pop());
  const tables = weeks.map((week, w) =>
    h(
      "table",
      { class: "grid week-grid" },
      h(
        "caption",
        {},
        weeks.length > 1 ? `Week ${w + 1}: ` : "",
        "tasks per technician and shift (hours used / capacity)",
      ),
      h(
        "colgroup",
        {},
        h("col", { class: "col-tech" }),
        h("col", { class: "col-shift" }),
        week.map(() => h("col", {})),
      ),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Technician"),
          h("th", { scope: "col" }, "Shift"),
          week.map((d) =>
            h(
              "th",
              { scope: "col", class: "day-col" },
              d.title,
              d.date ? h("span", { class: "cap" }, d.date) : "",
            ),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        techs.flatMap((tech) =>
          names.map((name, i) =>
            h(
              "tr",
              { class: i === 0 ? "tech-first" : "" },
              i === 0 ? h("th", { scope: "rowgroup", rowspan: String(names.length) }, tech.name) : null,
              h("th", { scope: "row", class: "shift-name" }, name),
              week.map((d) =>
                cell(
                  tech,
                  d.slots.find((s) => s.name === name),
                  byCell,
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return h(
    "div",
    {
      class: "table-wrap timeline",
      tabindex: "0",
      role: "region",
      "aria-label": "Plan week grid: technicians by shift",
    },
    tables,
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
