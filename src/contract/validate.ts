// Checks a parsed contract YAML and resolves its defaults. Pure: `file` names the source in every
// message ("shop.yaml: readings[2].min: must be a number"), and paths are resolved by the caller.
import { type Obj, configError, describe, join, list, mapping, text } from "../core/yamlcheck.js";
import { ExprError, parseExpr } from "../features/expr.js";
import { parseSpan } from "./spans.js";
import {
  type AttributeSpec,
  type Contract,
  type DerivedSpec,
  type EventSpec,
  type FailureSpec,
  type ReadingSpec,
  STATS,
  type Stat,
} from "./types.js";

const NAME = /^[a-z][a-z0-9_]*$/;

function optText(o: Obj, k: string, file: string, path: string): string | null {
  return o[k] === undefined || o[k] === null ? null : text(o[k], file, join(path, k));
}

function optNum(o: Obj, k: string, file: string, path: string): number | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isFinite(v))
    throw configError(file, join(path, k), `must be a number, got ${describe(v)}`);
  return v;
}

function optBool(o: Obj, k: string, file: string, path: string): boolean {
  const v = o[k];
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean")
    throw configError(file, join(path, k), `must be true or false, got ${describe(v)}`);
  return v;
}

function kindOf(o: Obj, file: string, path: string): "number" | "category" {
  const v = o.kind ?? "number";
  if (v !== "number" && v !== "category")
    throw configError(file, join(path, "kind"), `must be number or category, got ${describe(v)}`);
  return v;
}

function levelsOf(o: Obj, file: string, path: string): string[] | null {
  if (o.levels === undefined || o.levels === null) return null;
  return list(o.levels, file, join(path, "levels")).map((l, i) =>
    typeof l === "number" ? String(l) : text(l, file, join(join(path, "levels"), i)),
  );
}

class Names {
  private seen = new Map<string, string>();
  constructor(private file: string) {}
  add(v: unknown, path: string): string {
    const name = text(v, this.file, path);
    if (!NAME.test(name))
      throw configError(
        this.file,
        path,
        `'${name}' must be snake_case (a-z, 0-9, _; starting with a letter)`,
      );
    const before = this.seen.get(name);
    if (before) throw configError(this.file, path, `'${name}' is already the name of ${before}`);
    this.seen.set(name, path);
    return name;
  }
}

function reading(v: unknown, file: string, path: string, names: Names): ReadingSpec {
  const o = mapping(
    v,
    file,
    path,
    ["name", "column", "unit", "min", "max", "words", "optional", "kind", "levels"],
    ["name", "column"],
  );
  const name = names.add(o.name, join(path, "name"));
  const min = optNum(o, "min", file, path);
  const max = optNum(o, "max", file, path);
  if (min !== null && max !== null && min > max)
    throw configError(file, join(path, "max"), `${max} is below min ${min}`);
  return {
    name,
    column: text(o.column, file, join(path, "column")),
    kind: kindOf(o, file, path),
    unit: optText(o, "unit", file, path) ?? "",
    min,
    max,
    words: optText(o, "words", file, path) ?? name.replace(/_/g, " "),
    optional: optBool(o, "optional", file, path),
    levels: levelsOf(o, file, path),
  };
}

function attributes(v: unknown, file: string, names: Names): Contract["attributes"] {
  if (v === undefined || v === null) return null;
  const o = mapping(v, file, "attributes", ["file", "key", "columns"], ["file", "key", "columns"]);
  const columns: AttributeSpec[] = list(o.columns, file, "attributes.columns").map((c, i) => {
    const path = `attributes.columns[${i}]`;
    const a = mapping(
      c,
      file,
      path,
      ["name", "column", "kind", "unit", "words", "levels"],
      ["name", "column"],
    );
    const name = names.add(a.name, join(path, "name"));
    return {
      name,
      column: text(a.column, file, join(path, "column")),
      kind: kindOf(a, file, path),
      unit: optText(a, "unit", file, path) ?? "",
      words: optText(a, "words", file, path) ?? name.replace(/_/g, " "),
      levels: levelsOf(a, file, path),
    };
  });
  return { file: text(o.file, file, "attributes.file"), key: text(o.key, file, "attributes.key"), columns };
}

function spans(v: unknown, counter: boolean, file: string, path: string) {
  return list(v, file, path).map((w, i) => parseSpan(w, counter, file, join(path, i)));
}

function needTime(c: { time: Contract["time"] }, file: string, path: string): boolean {
  if (!c.time) throw configError(file, path, "needs a time column: add time: { column: … }");
  return c.time.counter;
}

/** Validates a parsed contract document. Relative file paths are returned as written. */
export function validateContract(doc: unknown, file: string): Contract {
  const o = mapping(
    doc,
    file,
    "",
    [
      "version",
      "name",
      "telemetry",
      "time",
      "machine",
      "readings",
      "attributes",
      "derived",
      "history",
      "events",
      "failures",
      "labels",
    ],
    ["version", "name", "readings"],
  );
  if (o.version !== 1) throw configError(file, "version", `must be 1, got ${describe(o.version)}`);
  const names = new Names(file);
  const t =
    o.time === undefined || o.time === null
      ? null
      : mapping(o.time, file, "time", ["column", "counter"], ["column"]);
  const time = t
    ? { column: text(t.column, file, "time.column"), counter: optBool(t, "counter", file, "time") }
    : null;
  const m =
    o.machine === undefined || o.machine === null
      ? null
      : mapping(o.machine, file, "machine", ["column"], ["column"]);
  const machine = m ? { column: text(m.column, file, "machine.column") } : null;
  const readings = list(o.readings, file, "readings").map((r, i) =>
    reading(r, file, `readings[${i}]`, names),
  );
  const attrs = attributes(o.attributes, file, names);
  if (attrs && !machine) throw configError(file, "attributes", "needs machine: { column: … } to join on");

  const numeric = new Set<string>([
    ...readings.filter((r) => r.kind === "number").map((r) => r.name),
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
    const numericReadings = readings.filter((r) => r.kind === "number").map((r) => r.name);
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
      ["name", "file", "time", "machine", "kind", "count", "since"],
      ["name", "file", "time"],
    );
    const ev: EventSpec = {
      name: names.add(x.name, join(path, "name")),
      file: text(x.file, file, join(path, "file")),
      time: text(x.time, file, join(path, "time")),
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

  let failures: FailureSpec | null = null;
  if (o.failures !== undefined && o.failures !== null) {
    const counter = needTime({ time }, file, "failures");
    const f = mapping(
      o.failures,
      file,
      "failures",
      ["file", "time", "machine", "kind", "horizon", "resets"],
      ["file", "time", "horizon"],
    );
    const resets = optText(f, "resets", file, "failures");
    if (resets !== null && !events.some((e) => e.name === resets && e.since))
      throw configError(
        file,
        "failures.resets",
        `'${resets}' is not an event table with since: true (known: ${
          events
            .filter((e) => e.since)
            .map((e) => e.name)
            .join(", ") || "none"
        })`,
      );
    failures = {
      file: text(f.file, file, "failures.file"),
      time: text(f.time, file, "failures.time"),
      machine: optText(f, "machine", file, "failures") ?? machine?.column ?? null,
      kind: optText(f, "kind", file, "failures"),
      horizon: parseSpan(f.horizon, counter, file, "failures.horizon"),
      resets,
      kinds: null,
    };
  }
  let labels: Contract["labels"] = null;
  if (o.labels !== undefined && o.labels !== null) {
    if (failures)
      throw configError(file, "labels", "give either failures (events) or labels (a column), not both");
    const l = mapping(o.labels, file, "labels", ["column", "modes"], ["column"]);
    const modes =
      l.modes === undefined || l.modes === null
        ? []
        : Object.entries(mapping(l.modes, file, "labels.modes", Object.keys(l.modes as Obj))).map(
            ([column, n]) => ({
              column,
              name: names.add(n, `labels.modes.${column}`),
            }),
          );
    labels = { column: text(l.column, file, "labels.column"), modes };
  }
  if (!failures && !labels)
    throw configError(file, "", "says nothing to predict: add failures: { … } or labels: { column: … }");
  return {
    version: 1,
    name: text(o.name, file, "name"),
    source: file,
    telemetry:
      o.telemetry === undefined || o.telemetry === null ? null : text(o.telemetry, file, "telemetry"),
    time,
    machine,
    readings,
    attributes: attrs,
    derived,
    history,
    events,
    failures,
    labels,
  };
}
