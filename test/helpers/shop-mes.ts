// Shop A's MES export, as a German job shop's MES writes it (nothing like the built-in examples): one
// wide telemetry CSV per make under the controller's own German headers, semicolons and decimal
// commas, local Berlin wall-clock time ("25.10.2026 02:10:00", the hour repeated when the clocks go
// back), a reading every 10 minutes with outages, empty cells, a sensor only one make has, machine ids
// like "NLX 2500 #3"; a machines table and alarm, maintenance and failure logs, the last two written
// by a Windows tool (BOM, CRLF). Failures are foretold by their signals over the days before them
// (a spindle bearing by vibration and spindle temperature, a coolant pump by coolant temperature, a
// Mazak hydraulic unit by falling pressure), so a model has something to learn. Seeded: same options,
// same bytes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRng, type Rng } from "../../src/core/rng.js";
import {
  alarmsCsv,
  berlin,
  type Failure,
  failuresCsv,
  maintenanceCsv,
  num,
  type Service,
} from "./shop-mes-files.js";

export {
  berlin,
  postedEvents,
  postedReadings,
  SHOP_MES_CONTRACT,
  SHOP_MES_TECHNICIANS,
} from "./shop-mes-files.js";

export interface ShopMesOptions {
  machines?: number;
  /** Days in the training export (written to export/). */
  days?: number;
  /** Days after it (written to later/, for predict). */
  laterDays?: number;
  seed?: number;
}

export interface ShopMes {
  dir: string;
  machines: string[];
  /** Every failure, both periods. */
  failures: Failure[];
  /** The first instant of the later period. */
  laterFrom: Date;
  /** Telemetry rows per period. */
  rows: { export: number; later: number };
}

/** Each make's controller, file and own header names (the Haas writes its columns differently). */
export const MAKES = [
  {
    make: "DMG MORI NLX 2500",
    id: "NLX 2500 #",
    file: "Telemetrie DMG MORI NLX 2500.csv",
    header: ["Zeitstempel", "Maschine", "Spindeldrehzahl [1/min]", "Spindellast [%]", "Vibration [mm/s]"],
    temps: ["Temp. Spindel °C", "Kühlmitteltemp. °C"],
  },
  {
    make: "Haas VF-2",
    id: "VF-2 #",
    file: "Telemetrie Haas VF-2.csv",
    header: ["Zeitstempel", "Maschine", "Drehzahl S1 [1/min]", "Last S1 [%]", "Schwingung [mm/s]"],
    temps: ["Spindeltemperatur [°C]", "Kühlmittel [°C]"],
  },
  {
    make: "Mazak QTN 200",
    id: "QTN 200 #",
    file: "Telemetrie Mazak QTN 200.csv",
    header: ["Zeitstempel", "Maschine", "Spindeldrehzahl [1/min]", "Spindellast [%]", "Vibration [mm/s]"],
    temps: ["Temp. Spindel °C", "Kühlmitteltemp. °C", "Hydraulikdruck [bar]"],
  },
] as const;

/** The shop's words for its parts, as the failure and maintenance logs write them. */
export const PARTS = ["Spindellager", "Kühlmittelpumpe", "Hydraulikaggregat"] as const;
const LIFE_DAYS: Record<(typeof PARTS)[number], [number, number]> = {
  Spindellager: [14, 34],
  Kühlmittelpumpe: [12, 30],
  Hydraulikaggregat: [10, 26],
};
/** Days before a failure over which its signal rises. */
const RAMP_DAYS = 3;
const STEP_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
/** 21.09.2026 00:00 in Berlin (CEST, UTC+2): 60 days reach past the clock change of 25.10.2026. */
const START = Date.UTC(2026, 8, 20, 22);

interface Part {
  name: (typeof PARTS)[number];
  fitted: number;
  life: number;
}

export function shopMes(dir: string, opts: ShopMesOptions = {}): ShopMes {
  const { machines: n = 13, days = 60, laterDays = 10, seed = 11 } = opts;
  const rng = createRng(seed);
  const end = START + (days + laterDays) * DAY_MS;
  const laterFrom = START + days * DAY_MS;
  const failures: Failure[] = [];
  const services: Service[] = [];
  const alarms: { t: number; machine: string; code: string; text: string }[] = [];
  const machines: { id: string; make: number; year: number; hall: string }[] = [];
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const make = i % 3;
    machines.push({
      id: `${MAKES[make].id}${Math.floor(i / 3) + 1}`,
      make,
      year: 2008 + rng.int(16),
      hall: `Halle ${1 + (i % 2)}`,
    });
  }
  const tele: string[][][] = MAKES.map(() => []);
  const later: string[][][] = MAKES.map(() => []);
  for (const m of machines) {
    const parts: Part[] = PARTS.filter((p) => p !== "Hydraulikaggregat" || m.make === 2).map((name) => {
      const [lo, hi] = LIFE_DAYS[name];
      const life = (lo + rng.next() * (hi - lo)) * DAY_MS;
      // fitted some time before the export starts, logged in the maintenance log
      const fitted = START - rng.next() * 0.6 * life;
      services.push({ t: fitted, machine: m.id, part: name, note: "Einbau" });
      return { name, fitted, life };
    });
    let down = 0;
    for (let t = START; t < end; t += STEP_MS) {
      for (const p of parts) {
        if (t - p.fitted < p.life) continue;
        // the part fails: the machine stands for the repair, the part is new afterwards
        const hours = 6 + rng.int(18);
        failures.push({ t, machine: m.id, part: p.name, hours });
        down = Math.max(down, t + hours * 3600_000);
        p.fitted = t + hours * 3600_000;
        p.life = lifeOf(rng, p.name);
        services.push({
          t: p.fitted,
          machine: m.id,
          part: p.name,
          note: "Austausch nach Ausfall; Lager neu",
        });
      }
      if (t < down) continue;
      if (rng.next() < 0.002) {
        down = t + (1 + rng.int(8)) * 3600_000; // an outage the export has no rows for
        continue;
      }
      if (rng.next() < 0.0015) {
        // a planned service renews a part early
        const p = parts[rng.int(parts.length)];
        p.fitted = t;
        p.life = lifeOf(rng, p.name);
        services.push({ t, machine: m.id, part: p.name, note: "Wartung" });
      }
      const wear = (p: Part | undefined) =>
        p ? Math.max(0, 1 - (p.fitted + p.life - t) / (RAMP_DAYS * DAY_MS)) ** 2 : 0;
      const [bearing, pump, hydraulic] = [wear(parts[0]), wear(parts[1]), wear(parts[2])];
      const row = signals(rng, m.make, bearing, pump, hydraulic);
      for (const [code, text, w] of [
        [m.make === 1 ? "108" : "2010", "Spindel; Übertemperatur", bearing],
        [m.make === 1 ? "141" : "3050", "Kühlmittel Durchfluss gering", pump],
        ["HYD-LOW", "Hydraulikdruck niedrig", hydraulic],
      ] as const) {
        if (rng.next() < 0.03 * w) alarms.push({ t, machine: m.id, code, text });
      }
      if (rng.next() < 0.002) alarms.push({ t, machine: m.id, code: "1001", text: "Tür offen" });
      (t < laterFrom ? tele : later)[m.make].push([berlin(t), m.id, ...row]);
      counts[t < laterFrom ? 0 : 1]++;
    }
  }
  const write = (sub: string, rows: string[][][]) => {
    mkdirSync(join(dir, sub), { recursive: true });
    MAKES.forEach((mk, i) => {
      const header = [...mk.header, ...mk.temps].join(";");
      writeFileSync(join(dir, sub, mk.file), `${[header, ...rows[i].map((r) => r.join(";"))].join("\n")}\n`);
    });
  };
  write("export", tele);
  write("later", later);
  const ex = join(dir, "export");
  const inPeriod = <T extends { t: number }>(xs: T[], late: boolean) =>
    xs.filter((x) => x.t < laterFrom !== late).sort((a, b) => a.t - b.t);
  writeFileSync(
    join(ex, "Maschinen.csv"),
    `Maschine;Hersteller/Modell;Baujahr;Standort\n${machines
      .map((m) => `${m.id};${MAKES[m.make].make};${m.year};${m.hall}`)
      .join("\n")}\n`,
  );
  for (const [sub, late] of [
    ["export", false],
    ["later", true],
  ] as const) {
    writeFileSync(join(dir, sub, "Alarme.csv"), alarmsCsv(inPeriod(alarms, late)));
    writeFileSync(join(dir, sub, "Wartung.csv"), maintenanceCsv(inPeriod(services, late)));
    writeFileSync(join(dir, sub, "Ausfaelle.csv"), failuresCsv(inPeriod(failures, late)));
  }
  return {
    dir,
    machines: machines.map((m) => m.id),
    failures: failures.sort((a, b) => a.t - b.t),
    laterFrom: new Date(laterFrom),
    rows: { export: counts[0], later: counts[1] },
  };
}

function lifeOf(rng: Rng, part: (typeof PARTS)[number]): number {
  const [lo, hi] = LIFE_DAYS[part];
  return (lo + rng.next() * (hi - lo)) * DAY_MS;
}

/** One row's sensor cells (decimal commas; an empty cell where a sensor dropped out). */
function signals(rng: Rng, make: number, bearing: number, pump: number, hydraulic: number): string[] {
  const speed = 1500 + rng.int(70) * 100;
  const load = 20 + rng.next() * 55;
  const vib = 0.8 + speed / 8000 + 3.5 * bearing + 0.25 * rng.normal();
  const spindleTemp = 27 + load * 0.12 + 14 * bearing + 0.8 * rng.normal();
  const coolant = 19 + 7 * pump + 0.5 * rng.normal();
  const cells = [
    String(speed),
    num(load, 1),
    rng.next() < 0.01 ? "" : num(Math.max(0, vib), 2),
    num(spindleTemp, 1),
    rng.next() < 0.005 ? "" : num(coolant, 1),
  ];
  if (make === 2) cells.push(num(62 - 14 * hydraulic + 0.8 * rng.normal(), 1));
  return cells;
}
