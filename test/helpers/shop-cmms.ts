// Shop D: a US job shop whose truth lives in its CMMS, written the way such exports look, not the way
// Millwright's simulator writes them. Telemetry is hourly aggregates from a US monitoring system: one
// CSV for all machines, every field quoted, ISO times with the New York offset (-04:00, then -05:00
// after the clocks go back on 2026-11-01, so the 01:00 hour comes twice), US units (°F, psi, in/min),
// aggregate columns ("Spindle Load Max %"). The Haas machines got a vibration sensor on day 30 (its
// column is empty before and on the other makes); CNC-0115 was commissioned on day 22, CNC-0109
// decommissioned on day 45; some hours are missing and a machine is down while it is repaired. The
// CMMS work-order export is the maintenance AND failure source: PM, CM and EMERG rows in one file,
// local times on a 12-hour clock ("10/14/2026 2:35 PM") without an offset, an empty Closed on an open work order, "Parts $"
// with thousands separators, and work orders on the air compressor (not a CNC). The Fanuc alarm log
// has codes (SV0401, OH0700, SP9012, EX1020) and a severity. Failures are foretold by the signals:
// a spindle's peak load, coolant temperature and vibration drift up over the 4 days before it fails,
// the way lube pressure sags over 3 days before the pump fails, ATC alarms burst over the 2 days
// before the tool changer fails. Seeded (core/rng), pure: it returns file texts, the test writes them.
import { createRng } from "../../src/core/rng.js";
import { cmmsTime, csv, DAY, HOUR, isoNewYork, local, money, pad, START } from "./shop-cmms-format.js";

export { DST_END, START } from "./shop-cmms-format.js";
export const DAYS = 75;
/** The training export is the first 60 days; `later` holds the 15 after it. */
export const LATER_FROM = START + 60 * DAY + HOUR; // midnight EST
export const PARTS = ["Spindle", "Way lube pump", "ATC"] as const;
export const MAKES = [
  { make: "Haas", model: "VF-4SS", n: 6 },
  { make: "Okuma", model: "GENOS M560-V", n: 5 },
  { make: "Mazak", model: "VCN-530C", n: 4 },
] as const;
export const COMMISSIONED = { asset: "CNC-0115", day: 22 };
export const DECOMMISSIONED = { asset: "CNC-0109", day: 45 };
export const TELEMETRY_HEADER = [
  "Asset",
  "Hour Start",
  "Spindle Load Avg %",
  "Spindle Load Max %",
  "Spindle RPM Avg",
  "Feed Rate in/min",
  "Coolant Temp F",
  "Way Lube Pressure psi",
  "Spindle Vib in/s",
];

export interface CmmsFailure {
  asset: string;
  time: number;
  part: (typeof PARTS)[number];
  type: "CM" | "EMERG";
  wo: string;
}

export interface ShopCmms {
  /** File name → text: the training export (hourly.csv, machines.csv, alarms.csv, work_orders.csv). */
  files: Record<string, string>;
  /** The 15 days after it: hourly.csv, alarms.csv, work_orders.csv. */
  later: Record<string, string>;
  assets: string[];
  failures: CmmsFailure[];
  rows: { export: number; later: number };
}

const ALARM_HEADER = ["Machine", "Date Time", "Alarm No.", "Severity", "Message"];
const WO_HEADER = [
  "WO#",
  "Asset",
  "Type",
  "Component",
  "Description",
  "Opened",
  "Closed",
  "Labor Hrs",
  "Parts $",
];
const NOISE_ALARMS = [
  ["OH0700", "Warning", "OVERHEAT: CONTROL UNIT"],
  ["SV0401", "Alarm", "IMPROPER V_READY OFF"],
  ["PS0010", "Warning", "PROGRAM STOP"],
];

export function shopCmms(seed = 11): ShopCmms {
  const rng = createRng(seed);
  const u = (a: number, b: number) => a + (b - a) * rng.next();
  const end = START + DAYS * DAY;
  const tel: [number, string[]][] = [];
  const alarms: [number, string[]][] = [];
  const orders: [number, string[]][] = [];
  const failures: CmmsFailure[] = [];
  const machines: string[][] = [];
  const assets: string[] = [];
  let wo = 24800;
  let m = 0;
  for (const mk of MAKES)
    for (let k = 0; k < mk.n; k++, m++) {
      const asset = `CNC-${pad(101 + m, 4)}`;
      assets.push(asset);
      const from = START + (asset === COMMISSIONED.asset ? COMMISSIONED.day * DAY : 0);
      const to = asset === DECOMMISSIONED.asset ? START + DECOMMISSIONED.day * DAY : end;
      const commissioned = asset === COMMISSIONED.asset ? from : Date.UTC(2015 + rng.int(10), rng.int(12), 1);
      machines.push([
        asset,
        mk.make,
        mk.model,
        `SN${70000 + rng.int(29999)}`,
        cmmsTime(commissioned).slice(0, 10),
      ]);
      // Each part's next failure, its run-up before it (the signals drift over it) and mean life.
      const parts = PARTS.map((name, i) => ({
        name,
        ramp: [4, 3, 2][i] * DAY,
        life: [32, 38, 42][i],
        next: from + u(3, 50) * DAY,
      }));
      const wear = (i: number, t: number) => Math.max(0, 1 - (parts[i].next - t) / parts[i].ramp);
      let downUntil = 0;
      let nextPm = from + u(2, 20) * DAY;
      const outage = m === 3 ? START + 17 * DAY + 5 * HOUR : -1; // 8 h the network was down
      for (let t = from; t < to; t += HOUR) {
        for (const p of parts)
          if (t >= p.next) {
            const at = p.next + rng.int(3600) * 1000;
            const type =
              p.name === "Spindle" && rng.next() < 0.5 ? "EMERG" : rng.next() < 0.2 ? "EMERG" : "CM";
            const id = `WO${wo++}`;
            failures.push({ asset, time: Math.floor(at / 60_000) * 60_000, part: p.name, type, wo: id });
            // One waits on parts over the export's end: its Closed is empty in the training export.
            const drawn = Math.round(u(4, 30));
            const waits = at >= LATER_FROM - 3 * DAY && at < LATER_FROM;
            const down = waits ? Math.ceil((LATER_FROM - at) / HOUR) + 24 : drawn;
            const closed = at + down * HOUR;
            const cost = p.name === "Spindle" ? u(4000, 14000) : u(150, 2500);
            const what = {
              Spindle: "Spindle seized, replaced cartridge",
              "Way lube pump": "No lube, replaced pump",
              ATC: "ATC arm overtravel, rebuilt",
            }[p.name];
            orders.push([
              at,
              [
                id,
                asset,
                type,
                p.name,
                what,
                cmmsTime(at),
                closed < (at < LATER_FROM ? LATER_FROM : end) ? cmmsTime(closed) : "",
                u(2, 20).toFixed(1),
                money(cost),
              ],
            ]);
            downUntil = Math.max(downUntil, closed);
            p.next = closed + u(0.5, 1.5) * p.life * DAY;
          }
        if (t >= nextPm) {
          const part = PARTS[rng.int(3)];
          const closed = t + u(1, 4) * HOUR;
          orders.push([
            t,
            [
              `WO${wo++}`,
              asset,
              "PM",
              part,
              `Quarterly PM - ${part.toLowerCase()}`,
              cmmsTime(t),
              cmmsTime(closed),
              u(1, 4).toFixed(1),
              money(u(0, 400)),
            ],
          ]);
          nextPm = t + u(14, 28) * DAY;
        }
        if (t < downUntil || rng.next() < 0.012 || (t >= outage && t < outage + 8 * HOUR)) continue;
        const l = local(t);
        const shift = l.dow > 0 && l.dow < 6 && l.h >= 6 && l.h < 22;
        const run = rng.next() < (shift ? 0.9 : 0.12) ? 0.5 + 0.5 * rng.next() : 0;
        const [dS, dL, dA] = [wear(0, t), wear(1, t), wear(2, t)];
        const ambient = 72 - (8 * (t - START)) / (DAYS * DAY); // autumn: the shop cools
        const avg = run ? 30 + 25 * run + 18 * dS + 3 * rng.normal() : 1.5 + 0.5 * Math.abs(rng.normal());
        const max = run ? avg + 35 + 40 * dS + 6 * rng.normal() : avg + 2;
        const vib =
          mk.make === "Haas" && t >= START + 30 * DAY
            ? Math.max(0.005, 0.04 + 0.02 * run + 0.1 * dS + 0.005 * rng.normal())
            : null;
        tel.push([
          t,
          [
            asset,
            isoNewYork(t),
            avg.toFixed(1),
            max.toFixed(1),
            run ? String(Math.round(6000 + 3000 * run + 200 * rng.normal())) : "0",
            run ? (80 + 120 * run + 10 * rng.normal()).toFixed(1) : "0.0",
            (ambient + 10 * run + 16 * dS + 1.5 * rng.normal()).toFixed(1),
            (42 - 18 * dL + 1.5 * rng.normal()).toFixed(1),
            vib === null ? "" : vib.toFixed(3),
          ],
        ]);
        const alarm = (code: string, sev: string, msg: string) =>
          alarms.push([t + rng.int(3600) * 1000, [asset, "", code, sev, msg]]);
        if (run && rng.next() < 0.004 + 0.3 * dS * dS) alarm("SP9012", "Alarm", "SPINDLE LOAD EXCESSIVE");
        if (rng.next() < 0.3 * dL * dL) alarm("EX1020", "Warning", "WAY LUBE PRESSURE LOW");
        if (rng.next() < 0.005 + 0.4 * dA) alarm("EX1042", "Alarm", "ATC ARM OVERTRAVEL");
        if (rng.next() < 0.01) alarm(...(NOISE_ALARMS[rng.int(3)] as [string, string, string]));
      }
    }
  // The plant's air compressor is in the CMMS too: its work orders are not a CNC's.
  for (let t = START + 9 * DAY; t < end; t += 21 * DAY)
    orders.push([
      t,
      [
        `WO${wo++}`,
        "COMP-0001",
        "CM",
        "Compressor",
        "Air leak",
        cmmsTime(t),
        cmmsTime(t + 2 * HOUR),
        "2.0",
        "85.00",
      ],
    ]);
  for (const [t, row] of alarms) row[1] = isoNewYork(t);
  // Telemetry as the export orders it (by hour, all machines); the CMMS by work order number.
  tel.sort((a, b) => a[0] - b[0]);
  alarms.sort((a, b) => a[0] - b[0]);
  orders.sort((a, b) => a[1][0].localeCompare(b[1][0]));
  failures.sort((a, b) => a.time - b.time);
  const before = <T>(xs: [number, T][], later: boolean) =>
    xs.filter(([t]) => t >= LATER_FROM === later).map(([, r]) => r);
  const period = (later: boolean) => ({
    "hourly.csv": csv(TELEMETRY_HEADER, before(tel, later)),
    "alarms.csv": csv(ALARM_HEADER, before(alarms, later)),
    "work_orders.csv": csv(WO_HEADER, before(orders, later)),
  });
  const machinesCsv = csv(["Asset Tag", "Make", "Model", "Serial No", "Commissioned"], machines);
  return {
    files: { ...period(false), "machines.csv": machinesCsv },
    later: period(true),
    assets,
    failures,
    rows: { export: before(tel, false).length, later: before(tel, true).length },
  };
}
