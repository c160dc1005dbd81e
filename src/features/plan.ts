// The feature plan: which columns a contract's model sees, in which order, with their words and
// units. Pure; built from the resolved contract (with its learned levels and kinds), so a model
// version and its contract always agree on the columns.
import { spanWords } from "../contract/spans.js";
import { type Contract, counterSlots } from "../contract/types.js";
import { compileExpr } from "./expr.js";

export interface FeatureInfo {
  name: string;
  /** Words for people and the unit, from the contract ("spindle load, mean over 24h", "%"). */
  words: string;
  unit: string;
  /** Where it comes from: a reading as read, an attribute, a derived expression, history, an event. */
  source: "reading" | "attribute" | "derived" | "history" | "events";
}

export interface FeaturePlan {
  features: FeatureInfo[];
  /** Base slots of the counter readings (`kind: counter`): the row holds their rate (features/counter-rate.ts). */
  counters: number[];
  /** Base values per row: readings, then attributes, then derived (the slots derived read). */
  nBase: number;
  nReadings: number;
  nAttributes: number;
  derived: ((x: Float64Array) => number)[];
  /** History: for each (base slot, window) pair, the stats wanted. */
  history: { slot: number; window: number; stats: string[] }[];
  windows: number[];
  /** Clock time in hours (ms ÷ 3.6e6) or counter rows: the unit windows and `since` use. */
  counter: boolean;
  events: { counts: number[]; since: string[] | null }[];
}

export const MS_PER_HOUR = 3_600_000;

export function featurePlan(c: Contract): FeaturePlan {
  const features: FeatureInfo[] = [];
  const slotOf = new Map<string, number>();
  const base = (name: string, words: string, unit: string, source: FeatureInfo["source"]) => {
    slotOf.set(name, features.length);
    features.push({ name, words, unit, source });
  };
  const counter = c.time?.counter !== false;
  // A counter reading's slot holds its rate, and its windows are windows of the rate.
  for (const r of c.readings)
    if (r.kind !== "counter") base(r.name, r.words, r.unit, "reading");
    else
      base(
        r.name,
        `${r.words} per ${counter ? "step" : "hour"}`,
        `${r.unit || "counts"}/${counter ? "step" : "h"}`,
        "reading",
      );
  for (const a of c.attributes?.columns ?? []) base(a.name, a.words, a.unit, "attribute");
  const derived = c.derived.map((d) => {
    const f = compileExpr(d.ast, (n) => slotOf.get(n) as number);
    base(d.name, d.words, d.unit, "derived");
    return f;
  });
  const nBase = features.length;
  const toUnits = (size: number) => (counter ? size : size / MS_PER_HOUR);
  const history: FeaturePlan["history"] = [];
  const windows = (c.history?.windows ?? []).map((w) => toUnits(w.size));
  for (const name of c.history?.readings ?? []) {
    const slot = slotOf.get(name) as number;
    const info = features[slot];
    (c.history?.windows ?? []).forEach((w, wi) => {
      const stats = c.history?.stats ?? [];
      history.push({ slot, window: wi, stats });
      for (const s of stats)
        features.push({
          name: `${name}_${s}_${w.label}`,
          words: `${info.words}, ${s === "slope" ? "trend" : s} over ${spanWords(w.label)}`,
          unit: s === "slope" ? `${info.unit || "units"}/${counter ? "row" : "h"}` : info.unit,
          source: "history",
        });
    });
  }
  const events = c.events.map((e) => {
    for (const w of e.count)
      features.push({
        name: `${e.name}_count_${w.label}`,
        words: `${e.name.replace(/_/g, " ")} in the last ${spanWords(w.label)}`,
        unit: "",
        source: "events",
      });
    const kinds = e.since ? (e.kinds ?? []) : null;
    for (const k of kinds ?? [])
      features.push({
        name:
          k === "" ? `${e.name}_since` : `${e.name}_since_${k.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase()}`,
        // A failure restarts the clock of the table it resets (a repair replaces the part): the words
        // say so (trial 7: "time since maintenance of electrical" was the time since its last failure).
        words: `time since ${e.name.replace(/_/g, " ")}${c.failures?.resets === e.name ? " or failure" : ""}${e.kind ? ` of ${k}` : ""}`,
        unit: counter ? "rows" : "h",
        source: "events",
      });
    return { counts: e.count.map((w) => toUnits(w.size)), since: kinds };
  });
  return {
    features,
    counters: counterSlots(c),
    nBase,
    nReadings: c.readings.length,
    nAttributes: c.attributes?.columns.length ?? 0,
    derived,
    history,
    windows,
    counter,
    events,
  };
}
