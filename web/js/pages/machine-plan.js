// The machine page's parts from the maintenance plan (both servers): this machine's planned tasks,
// and "Risk ahead", the plan's forecast for it: the chance of a failure by the end of each shift of
// the plan's week if nothing is done, with the planned tasks named (issue 16: a per-reading
// probability is no forecast anyone can plan on). The AI4I server gives the forecast in
// GET /v1/machines/{id} (`risk_ahead`); a contract plan gives it per machine
// (`machines[].risk_ahead`), read here into the same shape.
import { ApiError, getJson } from "../api.js";
import { lineChart } from "../charts/line-chart.js";
import { h, money, num, pct, section, shopDay, table, when } from "../dom.js";
import { isMissingEndpoint } from "../server.js";
import { modeWords, riskPct, TASK_WORDS } from "../words.js";
import { contractMoney } from "./plan-fresh.js";

/** A contract plan's forecast for machine `id` as {model_version, made_at, shifts}; null when none. */
function aheadFromPlan(plan, id) {
  const mine = plan?.machines?.find((m) => m.machine_id === id);
  if (!plan?.horizon || !mine?.risk_ahead?.length) return null;
  const start = Date.parse(plan.horizon.start);
  const hours = plan.horizon.shift_hours;
  return {
    model_version: plan.model?.version,
    made_at: plan.made_at,
    clock: plan.horizon.clock,
    shifts: mine.risk_ahead.map((risk, s) => ({
      start: new Date(start + s * hours * 3_600_000).toISOString(),
      label: plan.horizon.labels[s],
      risk,
    })),
  };
}

/** The section for `ahead` ({model_version, made_at, shifts: [{start, label, risk}]} or null). */
export function aheadSection(machineId, ahead, tasks) {
  if (!ahead?.shifts?.length)
    return section(
      "ahead",
      "Risk ahead",
      h("p", { id: "ahead-none" }, "No plan yet: the risk ahead comes with the next plan."),
    );
  const pts = ahead.shifts.map((s) => ({ t: Date.parse(s.start), y: s.risk }));
  const last = ahead.shifts[ahead.shifts.length - 1];
  const half = ahead.shifts.find((s) => s.risk >= 0.5);
  // A skipped task is not planned (trial 10: four skipped bookings read "Planned: …"); said apart.
  const all = Array.isArray(tasks) ? tasks.filter((t) => t.shift?.label) : [];
  const planned = all.filter((t) => t.status !== "skipped");
  const skipped = all.length - planned.length;
  const series = [{ name: "Failure by the end of the shift, nothing done", cls: "series-0", points: pts }];
  const taskWords = (t) => t.task_words ?? TASK_WORDS[t.task] ?? t.task;
  // Each shift with its date (trial 10: "to Thu day. Planned: … Thu day" named two Thursdays).
  const dated = (label, start) => `${label}, ${shopDay(start, ahead.clock)}`;
  return section(
    "ahead",
    "Risk ahead",
    h(
      "p",
      { class: "summary", id: "ahead-words" },
      `If nothing is done: ${riskPct(last.risk)} chance of a failure within the plan's week (to ${dated(last.label, last.start)})`,
      half && half !== last ? `, over 50 % by the end of ${dated(half.label, half.start)}` : "",
      planned.length
        ? `. Planned: ${planned.map((t) => `${taskWords(t)} ${t.shift.start ? dated(t.shift.label, t.shift.start) : t.shift.label}`).join(", ")}.`
        : ". Nothing is planned for it.",
      skipped ? ` ${skipped} booking${skipped === 1 ? " was" : "s were"} skipped (below).` : "",
      ` (the plan of ${when(ahead.made_at)}, model ${ahead.model_version})`,
    ),
    lineChart(series, {
      label: `Probability that ${machineId} fails by the end of each shift of the plan's week, nothing done`,
      yMin: 0,
      yMax: 1,
      width: 1000,
      height: 200,
      format: (v) => `${Math.round(v * 100)} %`,
    }),
  );
}

/**
 * This machine's planned tasks; `currency` the contract plan's (its amounts as the Plan page writes
 * them: "$1,405", not "1405", which read as another figure beside the plan's).
 */
export function tasksTable(tasks, currency = "") {
  if (tasks === "missing")
    return h("p", { id: "tasks-na" }, "Maintenance planning is not available on this server.");
  if (tasks.config) return h("p", { id: "tasks-config" }, tasks.config);
  if (!tasks.length) return h("p", {}, "No maintenance is planned for this machine in the current plan.");
  // A contract plan's rows: the contract's task words, the computed risk after, the status.
  if (tasks[0].task_words !== undefined)
    return table(
      "Tasks planned for this machine",
      ["Shift", "Task", "Technician", "Hours", "Risk before", "Risk after", "Avoided cost", "Status", "Why"],
      tasks.map((t) => ({
        attrs: { "data-task": t.id },
        cells: [
          t.shift?.label ?? when(t.shift?.start),
          t.task_words,
          t.technician ?? "—",
          num(t.hours, 1),
          pct(t.risk_before),
          pct(t.risk_after),
          contractMoney(t.avoided_cost, currency),
          t.status ?? "planned",
          t.why ?? "",
        ],
      })),
    );
  return table(
    "Tasks planned for this machine",
    ["Shift", "Task", "Failure mode", "Technician", "Hours", "Avoided cost", "Why"],
    tasks.map((t) => [
      t.shift?.label ?? when(t.shift?.start),
      TASK_WORDS[t.task] ?? t.task,
      modeWords(t.mode),
      t.technician ?? "—",
      num(t.hours, 1),
      money(t.avoided_cost),
      t.why ?? "",
    ]),
  );
}

/**
 * This machine's tasks from the current plan, and (a contract plan) its risk ahead. The machine route
 * may not list tasks; the plan does. A missing plan is not an error here; a server without the plan
 * route at all gives tasks "missing".
 */
export async function fromPlan(id) {
  try {
    const plan = await getJson("/v1/plan");
    return {
      tasks: (plan?.tasks ?? []).filter((t) => t.machine_id === id),
      ahead: aheadFromPlan(plan, id),
      currency: plan?.currency ?? "",
    };
  } catch (e) {
    if (isMissingEndpoint(e)) return { tasks: "missing", ahead: null };
    // No technicians configured (contract server): its sentence says what to set.
    if (e instanceof ApiError && e.problem?.code === "MW_CONFIG")
      return { tasks: { config: e.problem.detail }, ahead: null };
    if (e instanceof ApiError) return { tasks: [], ahead: null };
    throw e;
  }
}
