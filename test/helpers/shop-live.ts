// Shop E: a job shop whose integration engineer trained a first model on a 30-day export and then
// feeds Millwright only through the HTTP API from an MQTT bridge. Ten machines of two makes (Okuma
// GENOS M560 and Brother Speedio S700), a reading every 5 minutes under the shop's own sensor names,
// an alarm and a maintenance stream, and two parts that fail foretold by their signals (a spindle
// bearing by vibration over the two days before, an X-axis drive by its motor current). From day
// `driftDay` of the live period the shop changes: the vibration sensors are recalibrated (they now
// read 0.8 of what they did, and the controller's vibration alarm, set on the reading, goes quiet)
// and a new coolant damps a worn bearing's shaking and carries its heat away, so the first model
// misses bearing failures and a retrained one has something to win (`change: "recalibration"` is the
// trial's first version: 0.45× and 5 °C cooler). Seeded: same options, same bytes.
import { createRng, type Rng } from "../../src/core/rng.js";

import { iso, type LiveReading, MAKES, writeExport } from "./shop-live-files.js";

export { SHOP_LIVE_CONTRACT, SHOP_LIVE_TECHNICIANS } from "./shop-live-files.js";

export interface ShopLiveOptions {
  machines?: number;
  /** Days in the training export. */
  days?: number;
  /** Days the bridge posts live after it. */
  liveDays?: number;
  /** The live day (0-based) from which the vibration sensors read differently. */
  driftDay?: number;
  seed?: number;
  /**
   * What changes on `driftDay`: "coolant" (the default) as above; "recalibration", the first
   * version of this trial, only rescales and cools (vibration 0.45×, coolant 5 °C cooler), a
   * change the model barely feels but a drift monitor must see.
   */
  change?: "coolant" | "recalibration";
}

export type { LiveReading };

/** An event as the bridge posts it to /v1/events, and when the bridge learns of it (`postAt`). */
export interface LiveEvent {
  id: string;
  table: "alarms" | "maintenance" | "failures";
  machine_id: string;
  timestamp: string;
  kind: string;
  /** ms: the bridge posts it once the readings reach this time (a failure is confirmed hours late). */
  postAt: number;
}

export interface ShopLive {
  dir: string;
  machines: string[];
  /** The first instant of the live period, and of the drift. */
  liveFrom: number;
  driftFrom: number;
  /** The live readings in time order (all machines interleaved), and the live events. */
  readings: LiveReading[];
  events: LiveEvent[];
  /**
   * What the bridge posts once before going live (README "Serving a contract model": the last
   * horizon of telemetry and the events in it): the export's last 24 h of readings, its alarms, and
   * each machine's last maintenance of each part, whose time-since features would be unknown without.
   */
  warmup: { readings: LiveReading[]; events: Omit<LiveEvent, "postAt">[] };
  /** Every failure of both periods. */
  failures: { t: number; machine: string; part: string }[];
  exportRows: number;
}

export const PARTS = ["spindle_bearing", "x_axis_drive"] as const;
type PartName = (typeof PARTS)[number];
const LIFE_DAYS: Record<PartName, [number, number]> = { spindle_bearing: [5, 12], x_axis_drive: [7, 15] };
const RAMP_DAYS = 2;
export const STEP_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** How late the bridge learns of a failure (the maintenance system confirms it). */
export const FAILURE_DELAY_MS = 3 * 3600_000;
export const START = Date.UTC(2027, 2, 1);

interface Part {
  name: PartName;
  fitted: number;
  life: number;
}

export function shopLive(dir: string, opts: ShopLiveOptions = {}): ShopLive {
  const { machines: n = 10, days = 30, liveDays = 20, driftDay = 8, seed = 5 } = opts;
  const recal = opts.change === "recalibration";
  const rng = createRng(seed);
  const liveFrom = START + days * DAY_MS;
  const driftFrom = liveFrom + driftDay * DAY_MS;
  const end = liveFrom + liveDays * DAY_MS;
  const ids = Array.from({ length: n }, (_, i) => `${MAKES[i % 2].prefix}-${String(i + 1).padStart(2, "0")}`);
  const failures: ShopLive["failures"] = [];
  const services: { t: number; machine: string; part: string; why: string }[] = [];
  const alarms: { t: number; machine: string; code: string }[] = [];
  const rows: { t: number; cells: LiveReading }[] = [];
  ids.forEach((id, i) => {
    const make = i % 2;
    const parts: Part[] = PARTS.map((name) => {
      const life = lifeOf(rng, name);
      const fitted = START - Math.round((rng.next() * 0.7 * life) / STEP_MS) * STEP_MS;
      services.push({ t: fitted, machine: id, part: name, why: "installed" });
      return { name, fitted, life };
    });
    let down = 0;
    for (let t = START; t < end; t += STEP_MS) {
      for (const p of parts) {
        if (t - p.fitted < p.life) continue;
        const hours = 4 + rng.int(12);
        failures.push({ t, machine: id, part: p.name });
        down = Math.max(down, t + hours * 3600_000);
        p.fitted = t + hours * 3600_000;
        p.life = lifeOf(rng, p.name);
        services.push({ t: p.fitted, machine: id, part: p.name, why: "replaced after failure" });
      }
      if (t < down) continue;
      if (rng.next() < 0.0008) continue; // a reading the bridge never got (network)
      const wear = (p: Part) => Math.max(0, 1 - (p.fitted + p.life - t) / (RAMP_DAYS * DAY_MS)) ** 2;
      const [bearing, drive] = [wear(parts[0]), wear(parts[1])];
      const rpm = (make === 0 ? 6000 : 9000) + rng.int(40) * 100;
      const power = (make === 0 ? 6 : 4) + rng.next() * 8;
      // After the change the new coolant damps the spindle (a worn bearing barely shakes it) and
      // carries the bearing's heat away instead; the recalibrated sensor reads 0.8 of before.
      const drifted = t >= driftFrom;
      const vibTrue = 0.9 + rpm / 20000 + (drifted ? 0.8 : 3.2) * bearing + 0.12 * rng.normal();
      const vib = Math.max(0, drifted ? (recal ? 0.45 : 0.8) * vibTrue : vibTrue);
      const current = (make === 0 ? 11 : 8) + power * 0.4 + 6 * drive + 0.5 * rng.normal();
      const heat = drifted ? (recal ? -5 : 6 * bearing) : 0;
      const coolant = 21 + power * 0.2 + heat + 0.6 * rng.normal();
      rows.push({
        t,
        cells: {
          machine_id: id,
          timestamp: iso(t),
          spindle_vib_rms: round(vib, 3),
          axis_x_current: round(current, 2),
          spindle_rpm: rpm,
          spindle_power_kw: round(power, 2),
          coolant_temp_c: round(coolant, 1),
        },
      });
      // the controller's vibration alarm is set on the reading, so the recalibration silences it
      if (vib > 2.6 && rng.next() < 0.15) alarms.push({ t, machine: id, code: "VIB-HIGH" });
      if (rng.next() < 0.02 * drive) alarms.push({ t, machine: id, code: "SERVO-OVERLOAD" });
      if (rng.next() < 0.001) alarms.push({ t, machine: id, code: "DOOR-OPEN" });
      if (rng.next() < 0.0004) {
        // a planned service renews a part early
        const p = parts[rng.int(parts.length)];
        p.fitted = t;
        p.life = lifeOf(rng, p.name);
        services.push({ t, machine: id, part: p.name, why: "planned" });
      }
    }
  });
  rows.sort((a, b) => a.t - b.t || (a.cells.machine_id < b.cells.machine_id ? -1 : 1));
  const exported = rows.filter((r) => r.t < liveFrom);
  writeExport(dir, ids, exported, alarms, services, failures, liveFrom);
  const events: LiveEvent[] = [];
  let k = 0;
  for (const a of alarms)
    if (a.t >= liveFrom)
      events.push({
        id: `a${k++}`,
        table: "alarms",
        machine_id: a.machine,
        timestamp: iso(a.t),
        kind: a.code,
        postAt: a.t,
      });
  for (const s of services)
    if (s.t >= liveFrom && s.t < end)
      events.push({
        id: `m${k++}`,
        table: "maintenance",
        machine_id: s.machine,
        timestamp: iso(s.t),
        kind: s.part,
        postAt: s.t,
      });
  for (const f of failures)
    if (f.t >= liveFrom)
      events.push({
        id: `f${k++}`,
        table: "failures",
        machine_id: f.machine,
        timestamp: iso(f.t),
        kind: f.part,
        postAt: f.t + FAILURE_DELAY_MS,
      });
  events.sort((a, b) => a.postAt - b.postAt);
  const warmFrom = liveFrom - DAY_MS;
  const warmEvents: Omit<LiveEvent, "postAt">[] = alarms
    .filter((a) => a.t >= warmFrom && a.t < liveFrom)
    .map((a, i) => ({
      id: `w${i}`,
      table: "alarms",
      machine_id: a.machine,
      timestamp: iso(a.t),
      kind: a.code,
    }));
  const lastService = new Map<string, (typeof services)[number]>();
  for (const sv of services.filter((x) => x.t < liveFrom).sort((a, b) => a.t - b.t))
    lastService.set(`${sv.machine}/${sv.part}`, sv);
  for (const [key, sv] of lastService)
    warmEvents.push({
      id: `w-${key}`,
      table: "maintenance",
      machine_id: sv.machine,
      timestamp: iso(sv.t),
      kind: sv.part,
    });
  return {
    dir,
    machines: ids,
    liveFrom,
    driftFrom,
    readings: rows.filter((r) => r.t >= liveFrom).map((r) => r.cells),
    warmup: { readings: exported.filter((r) => r.t >= warmFrom).map((r) => r.cells), events: warmEvents },
    events,
    failures: failures.sort((a, b) => a.t - b.t),
    exportRows: exported.length,
  };
}

function lifeOf(rng: Rng, part: PartName): number {
  const [lo, hi] = LIFE_DAYS[part];
  return (lo + rng.next() * (hi - lo)) * DAY_MS;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
