// The machine page's content on a data-contract server: risk over time per failure kind, each
// reading the machine reports over time with the contract's words and unit, its events, and
// recent predictions with the ground truth the failures told. No AI4I name appears here.
import { legend, lineChart } from "../charts/line-chart.js";
import { h, num, section, table, when } from "../dom.js";
import { capital, nameWords, withUnit } from "../server.js";
import { downWords, riskLevel, riskPct } from "../words.js";
import { kindsSection } from "./machine-kinds.js";

const SERIES = 5;

/**
 * The page body for GET /v1/machines/:id `d`, with `contract` from GET /v1/contract; `parts.tasks`
 * and `parts.ahead` are nodes (the plan's, machine.js); `clock` the live simulation's shop clock in
 * words ("" without one).
 */
export function contractMachineView(d, contract, parts, clock = "") {
  const counter = !!contract.time?.counter;
  const hist = d.history ?? [];
  const now = hist[hist.length - 1];
  const lvl = now ? riskLevel(now.failure_probability, now.failure_predicted) : null;
  const timeOf = (x) => (counter ? Number(x.timestamp) : Date.parse(x.timestamp));
  const timeText = (x) => (counter ? String(x.timestamp) : when(x.timestamp));
  const chartTime = counter ? { tFormat: (t) => String(Math.round(t)) } : {};
  const horizon = d.horizon ? ` within ${d.horizon}` : "";
  const heads = d.heads ?? [];
  // A stretch without readings (the machine down, the bridge off) breaks the lines, not a straight
  // line across it that reads as a gradual change (trial 9): a gap is over 3 × the median spacing.
  const times = hist.map(timeOf);
  const steps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .sort((a, b) => a - b);
  const gap = steps.length ? 3 * steps[Math.floor(steps.length / 2)] : Number.POSITIVE_INFINITY;
  const withGaps = (y) =>
    hist.flatMap((p, i) => {
      const pt = { t: times[i], y: y(p) };
      return i > 0 && times[i] - times[i - 1] > gap ? [{ t: times[i] - 1, y: null }, pt] : [pt];
    });
  const riskSeries = [
    { name: `Any failure${horizon}`, cls: "series-0", points: withGaps((p) => p.failure_probability) },
    ...heads.map((k, i) => ({
      name: nameWords(k),
      cls: `series-${1 + (i % (SERIES - 1))}`,
      points: withGaps((p) => p.heads?.[k] ?? null),
    })),
  ];
  // Failures and the work that replaces a part (the contract's `resets` table) as marks on the
  // chart, with what and when as their title.
  const marks = (d.events ?? [])
    .filter((e) => e.table === "failures" || (contract.resets && e.table === contract.resets))
    .map((e) => ({
      t: timeOf(e),
      text: `${nameWords(e.table)}${e.kind ? `: ${nameWords(e.kind)}` : ""}, ${timeText(e)}`,
      cls: e.table === "failures" ? "mark-failure" : "mark-maintenance",
    }));
  // A contract model's risks are often small: scale the axis to them (at least 0–5 %) so a rise shows.
  const top = Math.max(0, ...riskSeries.flatMap((se) => se.points.map((p) => p.y ?? 0)));
  const yMax = Math.min(1, Math.max(0.05, Math.ceil(top * 12) / 10));
  const numeric = (d.readings ?? contract.readings).filter((r) => r.kind !== "category");
  const reported = numeric.filter((r) => hist.some((p) => typeof p.reading?.[r.name] === "number"));
  const absent = numeric.filter((r) => !reported.includes(r));
  const attrs = (contract.attributes ?? []).map((a) => {
    const v = d.attributes?.[a.name];
    const said =
      typeof v === "number" ? `${num(v, Number.isInteger(v) ? 0 : 1)}${a.unit ? ` ${a.unit}` : ""}` : v;
    return `${capital(a.words)}: ${said ?? "unknown"}. `;
  });
  return [
    h(
      "p",
      { class: "lead" },
      attrs,
      now
        ? [
            "Current risk of a failure",
            horizon,
            ": ",
            h("span", { class: `badge risk-${lvl.key}` }, lvl.text),
            ` ${riskPct(now.failure_probability)}, likeliest failure: ${nameWords(now.likeliest_kind)}.`,
          ]
        : "No readings yet.",
    ),
    d.down
      ? h(
          "p",
          { class: "lead down-words", id: "machine-down" },
          h("span", { class: "badge risk-down" }, "Down"),
          ` ${capital(downWords(d.down, (t) => (counter ? String(t) : when(t))))}: the risk above is from its last reading before the failure, and the next reading scores it again.`,
        )
      : [],
    clock ? h("p", { class: "summary", id: "machine-clock" }, clock) : [],
    parts.ahead,
    kindsSection(d, now, d.horizon ?? ""),
    section(
      "risk",
      "Risk over time",
      lineChart(riskSeries, {
        label: `Failure risk of ${d.machine_id} over time, by failure kind`,
        yMin: 0,
        yMax,
        width: 1000,
        height: 260,
        format: (v) => `${Math.round(v * 100)} %`,
        marks,
        ...chartTime,
      }),
      legend(riskSeries),
    ),
    section(
      "readings",
      "Readings over time",
      h(
        "div",
        { class: "small-multiples" },
        reported.map((r) =>
          h(
            "figure",
            { "data-reading": r.name },
            lineChart(
              [
                {
                  name: withUnit(r),
                  cls: "series-0",
                  points: hist.map((p) => ({ t: timeOf(p), y: p.reading?.[r.name] ?? null })),
                },
              ],
              {
                width: 400,
                height: 200,
                label: `${withUnit(r)} of ${d.machine_id} over time`,
                format: (v) => String(Math.round(v * 10) / 10),
                ...chartTime,
              },
            ),
            h("figcaption", {}, capital(withUnit(r))),
          ),
        ),
      ),
      absent.length
        ? h("p", { class: "hint" }, `Not reported by this machine: ${absent.map((r) => r.words).join(", ")}.`)
        : [],
    ),
    section("tasks", "Planned maintenance", parts.tasks),
    section(
      "events",
      "Recent events",
      (d.events ?? []).length
        ? table(
            "Events told for this machine, newest first",
            ["Time", "Table", "Kind"],
            // By time, not as posted (a backfill posts table by table: trial 9).
            [...d.events]
              .sort((a, b) => timeOf(b) - timeOf(a))
              .map((e) => [timeText(e), nameWords(e.table), e.kind || "—"]),
          )
        : h("p", {}, "No events for this machine yet."),
    ),
    section(
      "preds",
      "Recent predictions",
      table(
        "Recent predictions, newest first, with the ground truth once the failures tell it",
        ["Time", "Risk", "Flagged", "Likeliest failure", "Actual outcome"],
        hist
          .slice(-25)
          .reverse()
          .map((p) => {
            const l = riskLevel(p.failure_probability, p.failure_predicted);
            return [
              timeText(p),
              h(
                "span",
                {},
                h("span", { class: `badge risk-${l.key}` }, l.text),
                ` ${riskPct(p.failure_probability)}`,
              ),
              p.failure_predicted ? "Yes" : "No",
              nameWords(p.likeliest_kind),
              outcome(p.label, horizon),
            ];
          }),
      ),
    ),
  ];
}

function outcome(label, horizon) {
  if (!label) return "not known yet";
  if (!label.machine_failure) return `no failure${horizon}`;
  const kinds = (label.kinds ?? []).map(nameWords);
  return `failure${horizon}${kinds.length ? ` (${kinds.join(", ")})` : ""}`;
}
