// Machine page: risk and readings over time, recent predictions with their labels once known, and
// the tasks planned for this machine. On a data-contract server, machine-contract.js draws it
// with the contract's readings, units and failure kinds.
import { ApiError, describeError, getJson } from "../api.js";
import { legend, lineChart } from "../charts/line-chart.js";
import { fill, h, money, num, pct, section, table, when } from "../dom.js";
import { SHIFT_HOURS, SHIFT_RISK_WORDS, shiftRisk } from "../risk-line.js";
import { isMissingEndpoint, serverInfo } from "../server.js";
import { FEATURE_WORDS, modeWords, riskLevel, riskPct, shopClockWords, TASK_WORDS } from "../words.js";
import { contractMachineView } from "./machine-contract.js";

const READINGS = ["tool_wear", "torque", "rotational_speed", "air_temperature", "process_temperature"];

export function machinePage(root, id, _ctx) {
  const body = h("div", { class: "stack" }, h("p", {}, "Loading…"));
  root.append(
    h("p", { class: "crumb" }, h("a", { href: "#/fleet" }, "← Fleet")),
    h("h1", {}, `Machine ${id ?? ""}`),
    body,
  );
  let last = "";
  let planTasks = null;
  let clockText = "";

  return {
    async refresh() {
      if (!id) {
        fill(body, h("p", { role: "alert" }, "No machine chosen: pick one on the fleet board."));
        return;
      }
      const { contract, sim: simulated } = await serverInfo();
      let data;
      try {
        data = await getJson(`/v1/machines/${encodeURIComponent(id)}`);
      } catch (e) {
        fill(body, h("p", { role: "alert", class: "error" }, describeError(e)));
        last = "";
        return;
      }
      // A contract server's plan changes as tasks are done: asked for on every poll there.
      if (!data.tasks?.length && (planTasks === null || contract)) planTasks = await tasksFromPlan(id);
      // The shop clock of a live simulation (a contract server has GET /v1/sim only when one feeds it).
      const sim = simulated ? await getJson("/v1/sim").catch(() => null) : null;
      clockText = sim?.running ? `Simulated fleet. ${shopClockWords(sim.clock)}` : "";
      if (contract) {
        const key = JSON.stringify([data, planTasks, clockText]);
        if (key !== last) {
          last = key;
          fill(body, contractMachineView(data, contract, tasksTable(planTasks ?? []), clockText));
        }
        return;
      }
      const key = JSON.stringify([data, clockText]);
      if (key === last) return;
      last = key;
      render(data, data.tasks?.length ? data.tasks : (planTasks ?? []));
    },
  };

  function render(d, tasks) {
    const hist = d.history ?? [];
    const now = hist[hist.length - 1];
    const lvl = now ? riskLevel(now.failure_probability, now.failure_predicted) : null;
    // Risk within the next shift, not one reading's probability (risk-line.js says why).
    const riskSeries = [
      {
        name: "Failure",
        cls: "series-0",
        points: shiftRisk(hist.map((p) => ({ t: timeOf(p), p: p.failure_probability }))),
      },
      ...["twf", "osf", "hdf", "pwf"].map((m, k) => ({
        name: modeWords(m),
        cls: `series-${k + 1}`,
        points: shiftRisk(hist.map((p) => ({ t: timeOf(p), p: p.modes?.[m] ?? null }))),
      })),
    ];
    const shiftNow = riskSeries[0].points[riskSeries[0].points.length - 1]?.y;
    fill(
      body,
      h(
        "p",
        { class: "lead" },
        `${d.machine_model}. `,
        now
          ? [
              "Current risk: ",
              h("span", { class: `badge risk-${lvl.key}` }, lvl.text),
              ` ${riskPct(now.failure_probability)} for the last reading, ${riskPct(shiftNow ?? 0)} within the next ${SHIFT_HOURS} h; likeliest failure: ${modeWords(likeliest(now.modes))}.`,
            ]
          : "No readings yet.",
      ),
      // Times below are the readings' own (shop) times, the axis's and the table's alike.
      clockText ? h("p", { class: "summary", id: "machine-clock" }, clockText) : [],
      aheadSection(d, tasks),
      section(
        "risk",
        `Risk within the next ${SHIFT_HOURS} h, over time`,
        h("p", { class: "summary", id: "risk-what" }, SHIFT_RISK_WORDS),
        lineChart(riskSeries, {
          label: `Chance of a failure of ${d.machine_id} within the next ${SHIFT_HOURS} h, over time, by failure mode`,
          yMin: 0,
          yMax: 1,
          width: 1000,
          height: 260,
          format: (v) => `${Math.round(v * 100)} %`,
        }),
        legend(riskSeries),
      ),
      section(
        "readings",
        "Readings over time",
        h(
          "div",
          { class: "small-multiples" },
          READINGS.map((f) =>
            h(
              "figure",
              {},
              lineChart(
                [
                  {
                    name: FEATURE_WORDS[f],
                    cls: "series-0",
                    points: hist.map((p) => ({ t: timeOf(p), y: p.reading?.[f] })),
                  },
                ],
                {
                  width: 400,
                  height: 200,
                  label: `${FEATURE_WORDS[f]} of ${d.machine_id} over time`,
                  format: (v) => String(Math.round(v * 10) / 10),
                },
              ),
              h("figcaption", {}, FEATURE_WORDS[f]),
            ),
          ),
        ),
      ),
      section("tasks", "Planned maintenance", tasksTable(tasks)),
      section(
        "preds",
        "Recent predictions",
        table(
          "Recent predictions, newest first, with the ground truth once it arrived",
          ["Time (shop)", "Risk", "Flagged", "Likeliest failure", "Actual outcome"],
          hist
            .slice(-25)
            .reverse()
            .map((p) => {
              const l = riskLevel(p.failure_probability, p.failure_predicted);
              return [
                when(new Date(timeOf(p)).toISOString()),
                h(
                  "span",
                  {},
                  h("span", { class: `badge risk-${l.key}` }, l.text),
                  ` ${riskPct(p.failure_probability)}`,
                ),
                p.failure_predicted ? "Yes" : "No",
                modeWords(likeliest(p.modes)),
                labelWords(p.label),
              ];
            }),
        ),
      ),
    );
  }
}

/**
 * The plan's forecast for this machine: the chance of a failure by the end of each shift of the
 * plan's week if nothing is done, with the planned tasks marked (issue 16: a per-reading
 * probability is no forecast anyone can plan on).
 */
function aheadSection(d, tasks) {
  const ahead = d.risk_ahead;
  if (!ahead?.shifts?.length)
    return section(
      "ahead",
      "Risk ahead",
      h("p", { id: "ahead-none" }, "No plan yet: the risk ahead comes with the next plan."),
    );
  const pts = ahead.shifts.map((s) => ({ t: Date.parse(s.start), y: s.risk }));
  const last = ahead.shifts[ahead.shifts.length - 1];
  const half = ahead.shifts.find((s) => s.risk >= 0.5);
  const planned = Array.isArray(tasks) ? tasks.filter((t) => t.shift?.label) : [];
  const series = [{ name: "Failure by the end of the shift, nothing done", cls: "series-0", points: pts }];
  return section(
    "ahead",
    "Risk ahead",
    h(
      "p",
      { class: "summary", id: "ahead-words" },
      `If nothing is done: ${riskPct(last.risk)} chance of a failure within the plan's week (to ${last.label})`,
      half && half !== last ? `, over 50 % by the end of ${half.label}` : "",
      planned.length
        ? `. Planned: ${planned.map((t) => `${TASK_WORDS[t.task] ?? t.task} ${t.shift.label}`).join(", ")}.`
        : ". Nothing is planned for it.",
      ` (the plan of ${when(ahead.made_at)}, model ${ahead.model_version})`,
    ),
    lineChart(series, {
      label: `Probability that ${d.machine_id} fails by the end of each shift of the plan's week, nothing done`,
      yMin: 0,
      yMax: 1,
      width: 1000,
      height: 200,
      format: (v) => `${Math.round(v * 100)} %`,
    }),
  );
}

function likeliest(modes) {
  let best = null;
  for (const [k, v] of Object.entries(modes ?? {}))
    if (typeof v === "number" && (best === null || v > modes[best])) best = k;
  return best;
}

function labelWords(label) {
  if (!label) return "not known yet";
  if (!label.machine_failure) return "no failure";
  const modes = Object.entries(label.modes ?? {})
    .filter(([, v]) => v === 1)
    .map(([k]) => modeWords(k));
  return `failure${modes.length ? ` (${modes.join(", ")})` : ""}`;
}

function tasksTable(tasks) {
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
          num(t.avoided_cost, 0),
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
 * The machine route may not list tasks; the current plan does. A missing plan is not an error here;
 * a server without the plan route at all gives "missing".
 */
async function tasksFromPlan(id) {
  try {
    const plan = await getJson("/v1/plan");
    return (plan?.tasks ?? []).filter((t) => t.machine_id === id);
  } catch (e) {
    if (isMissingEndpoint(e)) return "missing";
    // No technicians configured (contract server): its sentence says what to set.
    if (e instanceof ApiError && e.problem?.code === "MW_CONFIG") return { config: e.problem.detail };
    if (e instanceof ApiError) return [];
    throw e;
  }
}

/** Readings carry the machine's own clock (timestamp) when sent; otherwise the prediction time. */
function timeOf(p) {
  const t = Date.parse(p.reading?.timestamp ?? "");
  return Number.isFinite(t) ? t : Date.parse(p.predicted_at);
}
