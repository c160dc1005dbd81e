// The live simulator's readings and labels as a server takes them (sim/live.ts sends them): the
// AI4I app's names here, a data contract's in contract-wire.ts.
import type { Reading } from "../data/schema.js";
import type { FleetReading } from "../data/simulate.js";
import type { Label } from "./label-queue.js";

/** A fleet reading as the server's POST /v1/predict takes it, and its ground truth for /v1/feedback. */
export interface LiveWire {
  reading(r: FleetReading): object;
  label(id: string | number, r: FleetReading): Label;
}

/** What of a reading a client sends: all of it by default; a plain AI4I client knows no model or time. */
export interface WireOptions {
  machineId?: boolean;
  machineModel?: boolean;
  timestamp?: boolean;
}

/** The reading as the API takes it: canonical names only, no labels or row identifiers. */
export function wireReading(r: FleetReading, opts: WireOptions = {}): Reading {
  const w: Reading = {
    type: r.type,
    air_temperature: r.air_temperature,
    process_temperature: r.process_temperature,
    rotational_speed: r.rotational_speed,
    torque: r.torque,
    tool_wear: r.tool_wear,
  };
  if (opts.machineId !== false) w.machine_id = r.machine_id;
  if (opts.machineModel !== false) w.machine_model = r.machine_model;
  if (opts.timestamp !== false) w.timestamp = r.timestamp;
  return w;
}

/** All of the reading, as the live fleet sends it (one argument: safe to pass to `map`). */
export const toWire = (r: FleetReading): Reading => wireReading(r);

/** The reading's ground truth as /v1/feedback takes it, for the answer `id`. */
export function wireLabel(id: string | number, r: FleetReading): Label {
  return {
    prediction_id: id,
    machine_failure: r.machine_failure,
    twf: r.twf,
    hdf: r.hdf,
    pwf: r.pwf,
    osf: r.osf,
    rnf: r.rnf,
  };
}

/** The AI4I app's names: the whole reading and every failure mode. */
export const AI4I_WIRE: LiveWire = { reading: toWire, label: wireLabel };
