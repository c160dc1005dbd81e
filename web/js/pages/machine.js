// Machine page: risk and readings over time, recent predictions with their labels once known, and
// the tasks planned for this machine. On a data-contract server, machine-contract.js draws it
// with the contract's readings, units and failure kinds.
import { describeError, getJson } from "../api.js";
import { legend, lineChart } from "../charts/line-chart.js";
import { fill, h, section, table, when } from "../dom.js";
import { SHIFT_HOURS, SHIFT_RISK_WORDS, shiftRisk } from "../risk-line.js";
import { serverInfo } from "../server.js";
import { FEATURE_WORDS, modeWords, riskLevel, riskPct, shopClockWords } from "../words.js";
import { aheadSection, fromPlan, tasksTable } from "./machine-plan.js";
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
  let ahead = null;
  let currency = "";
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
      if (!data.tasks?.length && (planTasks === null || contract))
        ({ tasks: planTasks, ahead, currency = "" } = await fromPlan(id));
      // The shop clock of a live simulation (a contract server has GET /v1/sim only when one feeds it).
      const sim = simulated ? await getJson("/v1/sim").catch(() => null) : null;
      clockText = sim?.running ? `Simulated fleet. ${shopClockWords(sim.clock)}` : "";
      if (contract) {
        const key = JSON.stringify([data, planTasks, ahead, currency, clockText]);
        if (key !== last) {
          last = key;
          const parts = {
            tasks: tasksTable(planTasks ?? [], currency),
            ahead: aheadSection(id, ahead, planTasks),
          };
          fill(body, contractMachineView(data, contract, parts, clockText));
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
      aheadSection(d.machine_id, d.risk_ahead, tasks),
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

/** Readings carry the machine's own clock (timestamp) when sent; otherwise the prediction time. */
function timeOf(p) {
  const t = Date.parse(p.reading?.timestamp ?? "");
  return Number.isFinite(t) ? t : Date.parse(p.predicted_at);
}
