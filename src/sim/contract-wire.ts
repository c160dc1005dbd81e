// The live AI4I simulator (sim/live.ts) feeding a data-contract server: each reading in the
// contract's names (machine_id, its readings, and its time: the process counter on a counter
// contract such as examples/contracts/ai4i.yaml, else the shop time), and each ground truth with
// the failure modes the contract declares. What the contract does not declare is left out, since a
// contract server refuses it (400 naming the field): the simulator's machine_model, and rnf, which
// ai4i.yaml has no head for. Declaring rnf in the contract instead would add a head for random
// failures (0.1 % of processes whatever the readings), which has nothing to learn.
import type { Contract } from "../contract/types.js";
import { MillwrightError } from "../core/errors.js";
import { type KnownLabels, LABELS, RAW_FEATURES } from "../data/schema.js";
import type { FleetReading } from "../data/simulate.js";
import type { Label } from "./label-queue.js";
import type { LiveWire } from "./live.js";

/** What the simulator's readings and labels hold, by name. */
const READINGS: readonly string[] = ["type", ...RAW_FEATURES];
const MODES: readonly string[] = LABELS.filter((l) => l !== "machine_failure");

function refuse(c: Contract, msg: string): never {
  throw new MillwrightError("MW_CONFIG", `the AI4I simulator cannot feed contract '${c.name}': ${msg}`);
}

/**
 * The wire for contract `c`. On a counter contract a reading's counter is `counterFrom` plus the
 * simulator's process number (UDI, from 1): a restarted server goes on after its history's newest.
 */
export function contractWire(c: Contract, counterFrom = 0): LiveWire {
  const unknown = c.readings.map((r) => r.name).filter((n) => !READINGS.includes(n));
  if (unknown.length > 0)
    refuse(c, `it reads ${unknown.join(", ")}; the simulator has ${READINGS.join(", ")}`);
  if (!c.labels) refuse(c, "its ground truth is failure events; the simulator labels each reading");
  const modes = c.labels.modes.map((m) => m.name as keyof KnownLabels);
  const unknownModes = modes.filter((m) => !MODES.includes(m));
  if (unknownModes.length > 0)
    refuse(c, `its failure modes ${unknownModes.join(", ")} are not the simulator's`);
  const time = c.time;
  if (time && !time.counter && (time.format || time.zone))
    refuse(c, "its time has a format or zone; the simulator writes ISO 8601 UTC");
  const names = c.readings.map((r) => r.name as keyof FleetReading);
  return {
    reading(r) {
      const w: Record<string, unknown> = { machine_id: r.machine_id };
      if (time) w.timestamp = time.counter ? counterFrom + Number(r.udi) : r.timestamp;
      for (const n of names) w[n] = r[n];
      return w;
    },
    label(id, r) {
      const l: Label = { prediction_id: id, machine_failure: r.machine_failure };
      for (const m of modes) l[m] = r[m];
      return l;
    },
  };
}
