// Shop G: a maker of bolts and nuts with 22 makes and models (shop-bolts-fleet.ts), exported the
// way its own systems write it, not the way Millwright's simulator does: the gateway writes one CSV
// per make and model under the controller's names and units, a row every 10-15 minutes while the
// machine runs (headers and rollers Mon 06:00 to Sat 14:00, lathes and centres 06:00-22:00 on
// weekdays; nothing while off, down for repair or while the gateway is out), local wall-clock time
// (America/Chicago, across the spring clock change); counters roll over where the old ones do.
// The CMMS spreadsheet writes maintenance and breakdowns with US dates. Failures are rare per make
// (0-3) and foretold by what each make has: a worn bearing in vibration and bearing temperature
// where present, else in load (and a slower stroke rate); a failing lube system in oil temperature
// where present, else in load. Seeded (core/rng), pure: it returns rows and file texts.
import { createRng } from "../../src/core/rng.js";
import { FLEET, type MakeModel, NEW_MACHINE, PREFIX, type Signal } from "./shop-bolts-fleet.js";

export interface ShopBoltsOptions {
  seed?: number;
  /** Days in the export (default 60), then days after it to score (default 14). */
  days?: number;
  laterDays?: number;
}

export interface BoltMachine {
  id: string;
  spec: MakeModel;
  year: number;
  /** When it first runs (the new machine: after the export). */
  from: number;
}

/** A row as the gateway logged it: each signal the make has, in its own unit, as written. */
export interface BoltRow {
  machine: string;
  time: number;
  v: Partial<Record<Signal, number>>;
}

export interface BoltEvent {
  table: "alarms" | "maintenance" | "failures";
  machine: string;
  time: number;
  kind: string;
}

export interface ShopBolts {
  machines: BoltMachine[];
  rows: BoltRow[];
  events: BoltEvent[];
  start: number;
  /** The export's end: rows before it are the export, the rest are to score. */
  exportEnd: number;
  end: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** 2026-03-08 02:00 CST: US clocks go forward (the export runs January to March 2026). */
const DST_START = Date.UTC(2026, 2, 8, 8);
/** Shop time (America/Chicago) as milliseconds on a UTC clock, for schedules and files. */
export const localMs = (t: number) => t + (t >= DST_START ? -5 : -6) * HOUR;
const RAMP = { bearing: 4 * DAY, lube: 2.5 * DAY };

/** Running by the shop's schedule (local time). */
function running(type: MakeModel["type"], t: number): boolean {
  const l = new Date(localMs(t));
  const dow = l.getUTCDay();
  const h = l.getUTCHours();
  if (type === "lathe" || type === "mc") return dow >= 1 && dow <= 5 && h >= 6 && h < 22;
  if (dow === 0) return false;
  if (dow === 1) return h >= 6;
  if (dow === 6) return h < 14;
  return true;
}

/** The shop's machines in fleet order, ids by type (H-01…, R-01…, L-01…, M-01…). */
export function fleetMachines(exportEnd: number): BoltMachine[] {
  const n: Record<string, number> = {};
  const out: BoltMachine[] = [];
  for (const spec of [...FLEET, NEW_MACHINE])
    for (const year of spec.years) {
      const p = PREFIX[spec.type];
      n[p] = (n[p] ?? 0) + 1;
      const id = `${p}-${String(n[p]).padStart(2, "0")}`;
      // The new machine runs from the Monday after the export's end.
      out.push({ id, spec, year, from: spec === NEW_MACHINE ? exportEnd + 3 * DAY : 0 });
    }
  return out;
}

export function shopBolts(opts: ShopBoltsOptions = {}): ShopBolts {
  const rng = createRng(opts.seed ?? 9);
  const days = opts.days ?? 60;
  const later = opts.laterDays ?? 14;
  // Monday 12 January 2026, 00:00 in Chicago.
  const start = Date.UTC(2026, 0, 12, 6);
  const exportEnd = start + days * DAY;
  const end = exportEnd + later * DAY;
  const u = (a: number, b: number) => a + (b - a) * rng.next();
  const machines = fleetMachines(exportEnd);
  const rows: BoltRow[] = [];
  const events: BoltEvent[] = [];
  const ofSpec = new Map<MakeModel, BoltMachine[]>();
  for (const m of machines) ofSpec.set(m.spec, [...(ofSpec.get(m.spec) ?? []), m]);
  // Failures, placed per make before any machine runs: rare, on that make's machines in turn.
  const planned = new Map<string, { time: number; kind: "bearing" | "lube" }[]>();
  for (const [spec, ms] of ofSpec) {
    let k = 0;
    for (const kind of ["bearing", "lube"] as const)
      for (let i = 0; i < spec.failures[kind]; i++) {
        const m = ms[k++ % ms.length];
        const from = spec.failures.late ? exportEnd + 2 * DAY : start + 5 * DAY;
        let t = from + u(0, end - DAY - from);
        while (!running(spec.type, t)) t += 17 * MIN;
        planned.set(
          m.id,
          [...(planned.get(m.id) ?? []), { time: t, kind }].sort((a, b) => a.time - b.time),
        );
      }
  }
  for (const m of machines) {
    const s = m.spec;
    const has = (x: Signal) => s.cols[x] !== undefined;
    const fails = planned.get(m.id) ?? [];
    const base = { header: 52, roller: 38, lathe: 34, mc: 28 }[s.type] + u(-6, 6);
    const rate = { header: 160, roller: 90, lathe: 1.2, mc: 0.8 }[s.type];
    let count = Math.floor(u(1e5, 9e6));
    const roll = s.make === "Hartford" ? 1_000_000 : Number.POSITIVE_INFINITY;
    let job = { load: base, speed: 1, vib: u(1.4, 3.2), until: 0 };
    let down = 0;
    let gap = 0;
    let lastOverload = 0;
    let lastOil = 0;
    let lastVib = 0;
    let t = Math.max(start, m.from) + u(0, 15) * MIN;
    while (t < end) {
      const f = fails[0];
      if (f && t >= f.time) {
        fails.shift();
        events.push({ table: "failures", machine: m.id, time: f.time, kind: f.kind.toUpperCase() });
        down = f.time + u(4, 36) * HOUR;
        events.push({ table: "maintenance", machine: m.id, time: down, kind: f.kind.toUpperCase() });
      }
      const on = running(s.type, t) && t >= down && t >= gap;
      if (rng.next() < 1 / (8 * 24 * 5)) gap = t + u(1, 10) * HOUR; // the gateway loses the machine
      if (rng.next() < 1 / (28 * 24 * 5))
        events.push({ table: "maintenance", machine: m.id, time: t, kind: rng.next() < 0.5 ? "PM" : "LUBE" });
      if (on) {
        if (t >= job.until)
          job = { load: base + u(-8, 8), speed: u(0.7, 1.3), vib: job.vib, until: t + u(4, 16) * HOUR };
        const d = (kind: "bearing" | "lube") =>
          f && f.kind === kind ? Math.max(0, 1 - (f.time - t) / RAMP[kind]) : 0;
        const dB = d("bearing");
        const dL = d("lube");
        const amb = 3 * Math.sin((2 * Math.PI * (localMs(t) % DAY)) / DAY - 2);
        const load = Math.min(150, Math.max(0, job.load + 11 * dB + 7 * dL + 2.5 * rng.normal()));
        const brg = 36 + 0.15 * load + amb + 16 * dB + 4 * dL + 0.5 * rng.normal();
        const oil = 41 + 0.08 * load + amb + 13 * dL + 2 * dB + 0.4 * rng.normal();
        const vib = Math.max(0.1, job.vib * (1 + 1.6 * dB ** 1.5) + 0.12 * rng.normal());
        const dt = 12.5 * MIN;
        count = (count + Math.round(rate * job.speed * (1 - 0.12 * dB) * (dt / MIN))) % roll;
        const speed = s.type === "header" ? 140 * job.speed : 2200 * job.speed;
        const v: BoltRow["v"] = {};
        const put = (x: Signal, value: number, digits: number) => {
          // A temperature or vibration sensor drops out now and then: an empty cell.
          if (has(x))
            v[x] =
              !x.startsWith("load") && x !== "count" && rng.next() < 0.003
                ? Number.NaN
                : round(value, digits);
        };
        put("load_pct", load, 0);
        put("load_kw", (load / 100) * (s.ratedKw ?? 0), 1);
        put("count", count, 0);
        put("speed", speed * (1 - 0.04 * dB), 0);
        put("brg_c", brg, 1);
        put("brg_f", (brg * 9) / 5 + 32, 1);
        put("oil_c", oil, 1);
        put("oil_f", (oil * 9) / 5 + 32, 0);
        put("vib_mm", vib, 2);
        put("vib_in", vib / 25.4, 3);
        rows.push({ machine: m.id, time: t, v });
        const alarm = (kind: string) =>
          events.push({ table: "alarms", machine: m.id, time: t + 7_000, kind });
        if (load > job.load + 9 && t - lastOverload > 2 * HOUR && rng.next() < 0.3) {
          alarm(s.make === "Carlo Salvi" || s.make === "Sacma" ? "SOVRACCARICO" : "OVERLOAD");
          lastOverload = t;
        }
        if ((has("oil_c") || has("oil_f")) && dL > 0.6 && t - lastOil > 3 * HOUR && rng.next() < 0.3) {
          alarm("OIL TEMP HIGH");
          lastOil = t;
        }
        if ((has("vib_mm") || has("vib_in")) && dB > 0.6 && t - lastVib > 3 * HOUR && rng.next() < 0.3) {
          alarm("VIB HIGH");
          lastVib = t;
        }
        if (rng.next() < 0.02) alarm(["DOOR OPEN", "SHORT FEED", "PART JAM", "KNOCKOUT"][rng.int(4)]);
      }
      t += u(10, 15) * MIN;
    }
  }
  rows.sort((a, b) => a.time - b.time || (a.machine < b.machine ? -1 : 1));
  events.sort((a, b) => a.time - b.time || (a.machine < b.machine ? -1 : 1));
  return { machines, rows, events, start, exportEnd, end };
}

function round(x: number, digits: number): number {
  const p = 10 ** digits;
  return Math.round(x * p) / p;
}
