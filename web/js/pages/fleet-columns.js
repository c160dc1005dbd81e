// The fleet board's columns: the AI4I server's fixed ones, or a data-contract server's, from its
// contract: its first category attribute as the make-and-model column and filter, its other
// attributes with their words and units, its failure kinds, its time (a clock or a counter).
import { num, when } from "../dom.js";
import { capital, nameWords, withUnit } from "../server.js";
import { modeWords } from "../words.js";

/** The board's columns: AI4I's, or the contract's (attributes, failure kinds, its time). */
export function layout(contract) {
  if (!contract)
    return {
      model: { label: "Make and model", all: "All makes and models" },
      extra: [],
      failure: (m) => modeWords(m.likeliest_mode),
      riskLabel: "Risk",
      ahead: false,
      timeLabel: "Last reading (shop time)",
      time: (m) => when(m.last_reading_at ?? m.last_seen),
      timeOf: when,
    };
  const attrs = contract.attributes ?? [];
  const cat = attrs.find((a) => a.kind === "category");
  return {
    model: cat ? { label: capital(cat.words), all: `All (${cat.words})` } : null,
    extra: attrs
      .filter((a) => a !== cat)
      .map((a) => ({
        label: capital(withUnit(a)),
        get: (m) => {
          const v = m.attributes?.[a.name];
          return typeof v === "number" ? num(v, Number.isInteger(v) ? 0 : 1) : (v ?? "—");
        },
      })),
    // The kind's words only, as on the AI4I board: each kind's head is calibrated on its own, so
    // its percentage can exceed the machine's overall risk beside it, which reads as a contradiction;
    // the machine page draws every kind's risk over time.
    failure: (m) => (m.likeliest_kind ? nameWords(m.likeliest_kind) : "—"),
    // The model's risk is within the contract's horizon; the plan's (fleet-ahead.js) to its end.
    riskLabel: contract.horizon ? `Risk, next ${contract.horizon}` : "Risk",
    horizon: contract.horizon ?? null,
    ahead: true,
    timeLabel: contract.time?.counter ? "Last reading (count)" : "Last reading",
    time: (m) => (contract.time?.counter ? String(m.last_reading_at) : when(m.last_reading_at)),
    /** One of the contract's times (ISO, or the counter) as the board writes it. */
    timeOf: (t) => (contract.time?.counter ? String(t) : when(t)),
  };
}
