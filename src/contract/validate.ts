// Checks a parsed contract YAML and resolves its defaults. Pure: `file` names the source in every
// message ("shop.yaml: readings[2].min: must be a number"), and paths are resolved by the caller.
import { configError, describe, join, list, mapping, text } from "../core/yamlcheck.js";
import { ExprError, parseExpr } from "../features/expr.js";
import {
  Names,
  attributes,
  columnNames,
  csvFormat,
  needTime,
  optBool,
  optText,
  reading,
  spans,
  tableTime,
  timeSpec,
} from "./fields.js";
import { longLayout } from "./long.js";
import { validateMonitor } from "./monitor.js";
import { failuresSpec, labelsSpec, optionalWhere, rowFilter } from "./outcomes.js";
import { validateTasks } from "./tasks.js";
import { validateTraining } from "./training.js";
import { type Contract, type DerivedSpec, type EventSpec, isNumeric, STATS, type Stat } from "./types.js";

export function validateContract(doc: unknown, file: string): Contract {
  const o = mapping(
    doc,
    file,
    "",
    [
      "version",
      "name",
      "telemetry",
      "csv",
      "long",
      "time",
      "machine",
      "readings",
      "attributes",
      "derived",
      "history",
      "events",
      "failures",
      "labels",
      "tasks",
      "training",
      "monitor",
    ],
    ["version", "name", "readings"],
  );
  if (o.version !== 1) throw configError(file, "version", `must be 1, got ${describe(o.version)}`);
  const names = new Names(file);
  const t =
    o.time === undefined || o.time === null
      ? null
      : mapping(o.time, file, "time", ["column", "counter", "format", "zone"], ["column"]);
  const time = t ? timeSpec(t, file, "time", true) : null;
  const m =
    o.machine === undefined || o.machine === null
      ? null
      : mapping(o.machine, file, "machine", ["column"], ["column"]);
  const machineNames = m ? columnNames(m.column, file, "machine.column") : null;
  const machine = machineNames
    ? {
        column: machineNames.column,
        ...(machineNames.aliases.length > 0 ? { aliases: machineNames.aliases } : {}),
      }
    : null;
  const readings = list(o.readings, file, "readings").map((r, i) => {
    const spec = reading(r, file, `readings[${i}]`, names);
    if (spec.kind === "counter" && !time)
      throw configError(
        file,
        `readings[${i}].kind`,
        "a counter's rate is per hour between a machine's readings: it needs time: { column: … }",
      );
    return spec;
  });
  const attrs = attributes(o.attributes, file, names);
  if (attrs && !machine) throw configError(file, "attributes", "needs machine: { column: … } to join on");

  const numeric = new Set<string>([
    ...readings.filter(isNumeric).map((r) => r.name),
    ...(attrs?.columns ?? []).filter((a) => a.kind === "number").map((a) => a.name),
  ]);
  const derived: DerivedSpec[] = (o.derived === undefined ? [] : list(o.derived, file, "derived")).map(
    (d, i) => {
      const path = `derived[${i}]`;
      const x = mapping(d, file, path, ["name", "expr", "unit", "words"], ["name", "expr"]);
      const name = names.add(x.name, join(path, "name"));
      const expr = text(x.expr, file, join(path, "expr"));
      let ast: DerivedSpec["ast"];
      try {
        ast = parseExpr(expr, numeric);
      } catch (e) {
        if (e instanceof ExprError) throw configError(file, join(path, "expr"), `'${expr}': ${e.message}`);
        throw e;
      }
      numeric.add(name);
      return {
        name,
        expr,
        ast,
        unit: optText(x, "unit", file, path) ?? "",
        words: optText(x, "words", file, path) ?? name.replace(/_/g, " "),
      };
    },
  );

  let history: Contract["history"] = null;
  if (o.history !== undefined && o.history !== null) {
    const counter = needTime({ time }, file, "history");
    const h = mapping(o.history, file, "history", ["windows", "stats", "readings"], ["windows"]);
    const stats = (
      h.stats === undefined ? ["mean", "std", "min", "max", "slope"] : list(h.stats, file, "history.stats")
    ).map((s, i) => {
      if (!STATS.includes(s as Stat))
        throw configError(
          file,
          `history.stats[${i}]`,
          `unknown stat ${describe(s)} (known: ${STATS.join(", ")})`,
        );
      return s as Stat;
    });
    const numericReadings = readings.filter(isNumeric).map((r) => r.name);
    const allowed = [...numericReadings, ...derived.map((d) => d.name)];
    const rs =
      h.readings === undefined || h.readings === "all"
        ? numericReadings
        : list(h.readings, file, "history.readings").map((r, i) => {
            const n = text(r, file, `history.readings[${i}]`);
            if (!allowed.includes(n))
              throw configError(
                file,
                `history.readings[${i}]`,
                `'${n}' is not a numeric reading or derived feature (known: ${allowed.join(", ")})`,
              );
            return n;
          });
    history = {
      windows: spans(h.windows, counter, file, "history.windows"),
      stats: [...new Set(stats)],
      readings: rs,
    };
  }

  const events: EventSpec[] = (
    o.events === undefined || o.events === null ? [] : list(o.events, file, "events")
  ).map((e, i) => {
    const path = `events[${i}]`;
    const counter = needTime({ time }, file, path);
    const x = mapping(
      e,
      file,
      path,
      ["name", "file", "time", "machine", "kind", "count", "since", "where"],
      ["name", "file", "time"],
    );
    const at = tableTime(x.time, file, join(path, "time"), time);
    const ev: EventSpec = {
      name: names.add(x.name, join(path, "name")),
      file: text(x.file, file, join(path, "file")),
      time: at.column,
      ...(at.clock ? { clock: at.clock } : {}),
      ...optionalWhere(rowFilter(x, file, path)),
      machine: optText(x, "machine", file, path) ?? machine?.column ?? null,
      kind: optText(x, "kind", file, path),
      count:
        x.count === undefined || x.count === null ? [] : spans(x.count, counter, file, join(path, "count")),
      since: optBool(x, "since", file, path),
      kinds: null,
    };
    if (ev.count.length === 0 && !ev.since)
      throw configError(file, path, "makes no feature: give count: [windows] or since: true");
    return ev;
  });

  const failures = failuresSpec(o.failures, file, { time, machine, events });
  const labels = labelsSpec(o.labels, file, names, failures !== null);
  if (!failures && !labels)
    throw configError(file, "", "says nothing to predict: add failures: { … } or labels: { column: … }");
  return {
    version: 1,
    name: text(o.name, file, "name"),
    source: file,
    telemetry:
      o.telemetry === undefined || o.telemetry === null
        ? []
        : Array.isArray(o.telemetry)
          ? list(o.telemetry, file, "telemetry").map((t, i) => text(t, file, `telemetry[${i}]`))
          : [text(o.telemetry, file, "telemetry")],
    csv: csvFormat(o.csv, file),
    long: longLayout(o.long, file, time, machine),
    time,
    machine,
    readings,
    attributes: attrs,
    derived,
    history,
    events,
    failures,
    labels,
    tasks: validateTasks(o.tasks, file, {
      counter: time?.counter !== false,
      readings,
      events,
      heads: labels ? labels.modes.map((m) => m.name) : null,
      attributes: attrs?.columns ?? [],
    }),
    training: validateTraining(o.training, file),
    monitor: validateMonitor(o.monitor, file, attrs?.columns ?? null),
  };
}
