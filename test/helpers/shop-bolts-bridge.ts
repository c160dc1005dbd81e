// Shop G's bridge: what its gateway posts to the server for the days after the export. The server
// takes readings by the contract's names in the contract's units (README "Serving a contract
// model"), so the bridge does what the contract's column conversions do for the files: °F into
// °C, in/s into mm/s, a motor's kW into its load %. Times as the gateway writes them (local).
import type { Signal } from "./shop-bolts-fleet.js";
import { gatewayTime } from "./shop-bolts-files.js";
import type { BoltEvent, BoltRow, ShopBolts } from "./shop-bolts.js";

export type Reading = Record<string, string | number | null>;

/** Signal → [contract name, value in the contract's unit]. */
function contractValue(s: Signal, v: number, ratedKw: number, header: boolean): [string, number] | null {
  if (Number.isNaN(v)) return null;
  switch (s) {
    case "load_pct":
      return ["load", v];
    case "load_kw":
      return ["load", (v / ratedKw) * 100];
    case "count":
      return ["parts", v];
    case "speed":
      return [header ? "stroke_rate" : "spindle_speed", v];
    case "brg_c":
      return ["bearing_temp", v];
    case "brg_f":
      return ["bearing_temp", ((v - 32) * 5) / 9];
    case "oil_c":
      return ["oil_temp", v];
    case "oil_f":
      return ["oil_temp", ((v - 32) * 5) / 9];
    case "vib_mm":
      return ["vibration", v];
    case "vib_in":
      return ["vibration", v * 25.4];
  }
}

export function toReading(shop: ShopBolts, r: BoltRow): Reading {
  const m = shop.machines.find((x) => x.id === r.machine);
  const out: Reading = { machine_id: r.machine, timestamp: gatewayTime(r.time) };
  for (const [s, v] of Object.entries(r.v) as [Signal, number][]) {
    const cv = contractValue(s, v, m?.spec.ratedKw ?? 1, m?.spec.type === "header");
    if (cv) out[cv[0]] = cv[1];
  }
  return out;
}

export function toEvent(e: BoltEvent, i: number): Reading {
  return {
    id: `g-${e.table}-${i}`,
    table: e.table,
    machine_id: e.machine,
    timestamp: gatewayTime(e.time),
    kind: e.kind,
  };
}

/** The readings and events of [from, to), in time order, as the bridge posts them. */
export function posted(
  shop: ShopBolts,
  from: number,
  to: number,
): { readings: Reading[]; events: Reading[] } {
  return {
    readings: shop.rows.filter((r) => r.time >= from && r.time < to).map((r) => toReading(shop, r)),
    events: shop.events
      .map((e, i) => [e, i] as const)
      .filter(([e]) => e.time >= from && e.time < to)
      .map(([e, i]) => toEvent(e, i)),
  };
}
