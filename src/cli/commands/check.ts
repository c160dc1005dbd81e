// `millwright check --contract FILE`: reads everything a contract names, as training would, and says
// what came through (rows, machines, time range, each sensor's presence and range, events and
// failures by kind, labelled rows) and what would make training weak. Trains nothing, writes nothing.
import { loadContract } from "../../contract/load.js";
import { spanWords } from "../../contract/spans.js";
import { readContractData } from "../../data/contract-data.js";
import { MIN_GROUP_ROWS } from "../../data/drift-groups.js";
import { type ContractProfile, profileContractData, type ReadingProfile } from "../../data/profile.js";
import { formatTimestamp } from "../../data/time.js";
import { zoneOffsetMinutes } from "../../data/time-format.js";
import { eventsOpt } from "../contract-opts.js";
import { isMillwrightError } from "../../core/errors.js";
import { errorJson, type Options, out, outJson, outThen, type Parsed, parse, requireOpt } from "../io.js";

export const CHECK_HELP = `millwright check --contract FILE [--data TELEMETRY.csv] [--events NAME=FILE]… [--json] [--strict]

Reads your data through your data contract (README "Data contract") exactly as train --contract
would (--data, one make's file say, as predict and evaluate read it: an optional reading it has no
column for is a warning), and prints what came through: rows, machines and time range; per reading,
the share of rows that have it and its range (a category: its levels by rows, the top 10, marking
those not in its levels:); events and failures by kind; how many rows fall within the horizon of a
failure. Then the problems that would make training weak (a sensor with no value, one that never
changes, a failure kind too rare for a head of its own or with none in the validation period, a
failure of a machine in neither the telemetry nor the machine table, a failure logged twice, a
tasks: head or task event kind the data does not have, named with the kinds it has and the one
meant: train refuses it; with --data a warning, as train --data says it), and the task and failure
cost each machine gets per failure kind (a head's own, or its first matching for: override),
grouped, with their makes and models; with monitor: { drift_by: [...] }, the groups of machines
whose drift is tested on its own, and those too small to be. Bad data is an error naming the file,
row and column, exit 2, as in training (past 20 lines, each file's errors counted by kind). Exit 0
when it reads; with --strict, exit 1 when it lists a problem (a pipeline that checks each new export
before retraining). --json prints the profile as JSON, or {"error": {"code", "message", …}} when the
data cannot be read (exit 2).`;

/** A profile figure, short: whole numbers as they are, others to three significant digits. */
const figure = (x: number | null) =>
  x === null ? "–" : Math.abs(x) >= 1000 || Number.isInteger(x) ? x.toFixed(0) : x.toPrecision(3);

/** So the user sees that `where` took the rows it meant (the PMs out of the failures). */
const leftOut = (n: number | undefined) => (n === undefined ? "" : `, ${n} other rows left out by where`);

/** A category's levels and their rows, as `levels:` would list them; an unlisted one reads as missing. */
function levelWords(r: ReadingProfile): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const seen = (r.levels ?? []).map(
    (l) => `${l.level} ${n(l.rows)}${l.listed ? "" : " (not in levels:, read as missing)"}`,
  );
  const more = r.more_levels ? `, … ${n(r.more_levels.levels)} more (${n(r.more_levels.rows)} rows)` : "";
  return seen.length === 0 ? "no level" : `levels ${seen.join(", ")}${more}`;
}

/** A reading's values: a category's levels, a number's range and mean. */
function valueWords(r: ReadingProfile): string {
  if (r.no_column) return "no column in the file read";
  if (r.levels) return levelWords(r);
  return `${figure(r.min)} – ${figure(r.max)}${r.unit ? ` ${r.unit}` : ""}, mean ${figure(r.mean)}`;
}

/** One line per head and override: the task each group of machines gets, and its makes and models. */
function taskLines(p: ContractProfile, currency: string): string[] {
  if (p.tasks.length === 0) return [];
  const money = (v: number) => `${currency}${Math.round(v).toLocaleString("en-GB")}`;
  return [
    "tasks per machine (the head's own, or its first matching for: override):",
    ...p.tasks.map((g) => {
      const models = Object.entries(g.models).map(([k, n]) => `${k} ${n}`);
      const machines = `${g.machines} machine${g.machines === 1 ? "" : "s"} (${models.slice(0, 6).join(", ")}${models.length > 6 ? `, and ${models.length - 6} more` : ""})`;
      if (!g.applies)
        return `  ${g.head} ${g.rule}: does not apply (applies: false): no task, risk or failure cost planned; ${machines}`;
      const task =
        g.task === null
          ? "no task"
          : `${g.task} ${g.hours} h, parts ${money(g.parts_cost ?? 0)}${g.skills.length > 0 ? `, skills ${g.skills.join(" and ")}` : ""}`;
      return `  ${g.head} ${g.rule}: ${task}; a failure costs ${money(g.failure_cost)}; ${machines}`;
    }),
  ];
}

/** `monitor.drift_by`'s groups: each tested for drift on its own, beside the fleet, or why not. */
function driftGroupLines(p: ContractProfile): string[] {
  const g = p.drift_groups;
  if (g.length === 0) return [];
  const by = [...new Set(g.map((x) => x.attribute))].join(", ");
  return [
    `drift groups (monitor.drift_by: ${by}): ${g.filter((x) => x.tested).length} of ${g.length} tested on their own, beside the fleet`,
    ...g.map(
      (x) =>
        `  ${`${x.attribute}=${x.value}`.padEnd(28)} ${x.machines} machine${x.machines === 1 ? "" : "s"}, ${x.rows} rows${x.tested ? "" : `: not tested (fewer than ${MIN_GROUP_ROWS} rows; the fleet's test covers it)`}`,
    ),
  ];
}

function render(p: ContractProfile, zone: string | null, currency = ""): string {
  const t = (x: number | null) => (x === null ? "–" : p.counter ? String(x) : formatTimestamp(x));
  // A local-time export is checked against the times its files show, not only their UTC instants.
  const off = zone && !p.counter && p.from !== null ? zoneOffsetMinutes(zone) : null;
  const local = (x: number) =>
    new Date(x + (off as (t: number) => number)(x) * 60_000).toISOString().slice(0, 19);
  const wall = off ? ` (${local(p.from as number)} to ${local(p.to as number)} ${zone} time)` : "";
  const lines = [
    `contract ${p.contract}: ${p.rows} telemetry rows, ${p.machines} machines, ${t(p.from)} to ${t(p.to)}${wall}`,
    ...p.files.map((f) => `  ${f.role.padEnd(12)} ${f.file} (${f.rows} rows)`),
    "readings (present = share of rows with a value):",
    ...p.readings.map(
      (r) =>
        `  ${r.name.padEnd(20)} ${`${(r.present * 100).toFixed(1)} %`.padStart(7)}  ${valueWords(r)}  (${r.columns.map((n) => `'${n}'`).join(" or ")})${
          r.converted.length > 0 ? `; read into ${r.unit}: ${r.converted.join(", ")}` : ""
        }${
          r.counter && !r.no_column
            ? `\n  ${"".padEnd(29)}a counter: the model sees its rate, ${figure(r.counter.min)} – ${figure(r.counter.max)} ${r.counter.unit}, mean ${figure(r.counter.mean)}; ${r.counter.resets} reset${r.counter.resets === 1 ? "" : "s"} (rate unknown there)`
            : ""
        }`,
    ),
    ...p.events.map(
      (e) =>
        `events ${e.name}: ${e.rows} (${Object.entries(e.kinds)
          .slice(0, 8)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ")}${Object.keys(e.kinds).length > 8 ? ", …" : ""})${leftOut(e.filtered)}`,
    ),
  ];
  if (p.failures) {
    const f = p.failures;
    lines.push(
      `failures: ${f.rows} (${Object.entries(f.kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(
          ", ",
        )})${leftOut(f.filtered)}; ${f.positive_rows} rows (${((f.positive_rows / Math.max(1, p.rows)) * 100).toFixed(2)} %) have a failure within ${spanWords(f.horizon)}, ${f.censored_rows} censored`,
    );
  }
  if (p.labels) {
    const modes = Object.entries(p.labels.modes).map(([k, n]) => `${k} ${n}`);
    lines.push(
      `labels ('${p.labels.column}'): ${p.labels.failure_rows} rows (${((p.labels.failure_rows / Math.max(1, p.rows)) * 100).toFixed(2)} %) are failures${modes.length > 0 ? ` (${modes.join(", ")})` : ""}`,
    );
  }
  lines.push(...taskLines(p, currency), ...driftGroupLines(p));
  for (const w of p.warnings) lines.push(`warning: ${w}`);
  lines.push(
    p.problems.length === 0
      ? "no problems found: ready for millwright train --contract"
      : `${p.problems.length} problem${p.problems.length > 1 ? "s" : ""} to look at before training:\n${p.problems.map((x) => `  - ${x}`).join("\n")}`,
  );
  return lines.join("\n");
}

const CHECK_OPTIONS: Options = {
  strings: ["contract", "data"],
  flags: ["json", "strict"],
  lists: ["events"],
};

export async function checkCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, CHECK_OPTIONS, CHECK_HELP);
  if (values.help) return outThen(CHECK_HELP, 0);
  try {
    return check(values);
  } catch (e) {
    // A pipeline reads --json from stdout: the error there too (main still says it on stderr, exit 2).
    if (values.json && isMillwrightError(e)) outJson(errorJson(e));
    throw e;
  }
}

function check(values: Parsed["values"]): number {
  const { contract } = loadContract(requireOpt(values, "contract", CHECK_HELP));
  // --data (one make's file, say) is read as predict and evaluate read it: an optional reading it
  // has no column for is a warning, not the error it is in the contract's whole telemetry.
  const data = readContractData(contract, {
    telemetry: values.data as string | undefined,
    events: eventsOpt(values.events),
    learn: true,
    labels: "if-present",
    whole: values.data === undefined,
    countLevels: true,
  });
  const profile = profileContractData(data, { part: values.data !== undefined });
  if (values.json) outJson(profile);
  else out(render(profile, contract.time?.zone ?? null, contract.tasks?.currency));
  // A problem is advice to a person reading it, so exit 0; a pipeline asks for --strict to stop on one.
  return values.strict && profile.problems.length > 0 ? 1 : 0;
}
