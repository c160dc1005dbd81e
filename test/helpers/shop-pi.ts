// Shop B: a plant whose sensor data comes out of a process historian (PI-style), written the way
// such an export looks, not the way Millwright's own simulator writes it: telemetry LONG (one row per
// tag and sample: Tag,Timestamp,Value,Quality, the tag CNC07.SPINDLE.LOAD_PCT naming the machine
// first; or an Asset column beside SPINDLE.LOAD_PCT), UTC ISO times with milliseconds and 'Z', each
// tag at its own rate (5 min, 10 min, 15 min, on change, and a 1-minute scan kept only on change as a
// historian's compression does), `Bad` quality rows whose value is a system state ("I/O Timeout"),
// and two makes whose controllers name the same physical reading differently. Machines, alarms (with
// a severity), work orders and breakdowns come from other systems with their own headers. Failures
// are foretold by the signals: a spindle bearing's load, temperature and vibration drift up over the
// four days before it fails; a coolant pump's coolant temperature over the three days before. Seeded
// (core/rng), pure: it returns file texts, the test writes them.
import { createRng } from "../../src/core/rng.js";

export interface ShopPiOptions {
  machines?: number;
  days?: number;
  seed?: number;
  /** The first instant, ISO (default 2026-03-02T00:00:00.000Z). */
  start?: string;
  /**
   * Time as each machine's spindle-hours counter (column SpindleHours, 4 decimals) instead of a clock,
   * in every file; the counter stands still while the spindle is idle, so samples taken then are not
   * exported (the export's filter: spindle running), as two samples of a tag at one count would clash.
   */
  counter?: boolean;
  /**
   * An Asset column beside a tag name relative to it (SPINDLE.LOAD_PCT), as a PI AF export writes it.
   * Default: the raw PI export, Tag,Timestamp,Value,Quality, the machine first in the tag name
   * (CNC07.SPINDLE.LOAD_PCT).
   */
  asset?: boolean;
}

export interface ShopPi {
  /** File name → CSV text: telemetry.csv, machines.csv, alarms.csv, workorders.csv, breakdowns.csv. */
  files: Record<string, string>;
  machines: string[];
  /** Machines of each make (the Okuma tags and the Mazak tags). */
  makes: Record<"okuma" | "mazak", string[]>;
  failures: { asset: string; time: number; component: string }[];
  /** Telemetry rows written with Quality Bad. */
  badRows: number;
  /** The newest sample's time. */
  end: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Each make's tag for a physical reading (Mazak also exports vibration). */
export const TAGS = {
  okuma: {
    speed: "SPINDLE.SPEED_RPM",
    load: "SPINDLE.LOAD_PCT",
    temp: "SPINDLE.TEMP_C",
    coolant: "COOLANT.TEMP_C",
  },
  mazak: {
    speed: "SP1.RPM",
    load: "SP1.LOAD",
    temp: "SP1.BRG_TEMP",
    coolant: "CLNT.TEMP",
    vib: "SP1.VIB_RMS",
  },
} as const;

const SYSTEM_STATES = ["I/O Timeout", "Comm Fail", "Bad Input"];
const PROGRAMS = [0, 2500, 6000, 9000, 12000];

export function shopPi(opts: ShopPiOptions = {}): ShopPi {
  const n = opts.machines ?? 12;
  const days = opts.days ?? 60;
  const rng = createRng(opts.seed ?? 7);
  const counter = opts.counter === true;
  const t0 = Date.parse(opts.start ?? "2026-03-02T00:00:00.000Z");
  const end = t0 + days * DAY;
  const iso = (t: number) => new Date(t).toISOString();
  const u = (a: number, b: number) => a + (b - a) * rng.next();
  const tel: string[][] = [];
  const alarms: string[][] = [];
  const orders: string[][] = [];
  const breakdowns: string[][] = [];
  const failures: ShopPi["failures"] = [];
  const machines: string[] = [];
  const makes: ShopPi["makes"] = { okuma: [], mazak: [] };
  const machineRows: string[][] = [];
  let badRows = 0;
  let wo = 41000;

  for (let m = 0; m < n; m++) {
    const asset = `CNC${String(m + 1).padStart(2, "0")}`;
    const make = m % 2 === 0 ? "okuma" : "mazak";
    machines.push(asset);
    makes[make].push(asset);
    machineRows.push([
      asset,
      make === "okuma" ? "Okuma" : "Mazak",
      make === "okuma" ? "MB-5000H" : "VCN-530C",
      String(2008 + rng.int(15)),
    ]);
    const tags: Record<string, string> = TAGS[make];
    let speed = 0;
    const rows: string[][] = [];
    // The spindle-hours counter at the current minute `tm` (counter mode), and a time's cell.
    let sh = counter ? u(5000, 20000) : 0;
    let tm = t0;
    const when = (t: number, cmms = 0) =>
      counter
        ? (sh + (speed > 0 ? Math.min(t - tm, MIN) / HOUR : 0)).toFixed(4)
        : cmms
          ? iso(t).replace("T", " ").slice(0, cmms)
          : iso(t);
    // A sample at t (jittered by up to `jitter` ms, never past the end), Bad now and then.
    const sample = (tag: string, t: number, v: number, digits: number) => {
      if (counter && speed === 0) return;
      if (rng.next() < 0.004) {
        rows.push([asset, tags[tag], when(t), SYSTEM_STATES[rng.int(3)], "Bad"]);
        badRows++;
      } else rows.push([asset, tags[tag], when(t), v.toFixed(digits), "Good"]);
    };
    // Component lives: the next failure, its 4-day (bearing) or 3-day (pump) run-up, the repair.
    const parts = [
      { name: "SPINDLE_BEARING", ramp: 4 * DAY, next: t0 + u(12, 40) * DAY },
      { name: "COOLANT_PUMP", ramp: 3 * DAY, next: t0 + u(8, 35) * DAY },
    ];
    const wear = (p: (typeof parts)[number], t: number) => Math.max(0, 1 - (p.next - t) / p.ramp);
    let speedAt = t0;
    let nextProgram = t0;
    let coolantLast = Number.NaN;
    let coolantAt = 0;
    let lastTempAlarm = 0;
    let lastCoolAlarm = 0;
    let lastLube = t0 + u(0, 14) * DAY;
    const phase = [rng.int(5), rng.int(10), rng.int(15)];
    for (let t = t0; t < end; t += MIN) {
      tm = t;
      for (const p of parts)
        if (t >= p.next) {
          failures.push({ asset, time: p.next, component: p.name });
          const down = Math.round(u(3, 8));
          breakdowns.push([asset, when(p.next, 19), p.name, String(down)]);
          const done = p.next + down * HOUR;
          // The repair is hours away on the clock, none on the spindle (it is stopped).
          const doneAt = counter ? (sh + 0.001).toFixed(4) : when(done, 16);
          orders.push([`WO-${wo++}`, asset, doneAt, p.name, "CORRECTIVE"]);
          p.next = done + u(15, 45) * DAY;
        }
      if (t - lastLube >= 14 * DAY) {
        lastLube = t;
        orders.push([`WO-${wo++}`, asset, when(t, 16), "LUBRICATION", "PREVENTIVE"]);
      }
      const dB = wear(parts[0], t);
      const dP = wear(parts[1], t);
      const minute = Math.round((t - t0) / MIN);
      // Speed is stored on change, and at least every 8 h (the historian's compression maximum).
      if (t >= nextProgram) {
        const s = rng.next() < 0.15 ? 0 : PROGRAMS[1 + rng.int(4)];
        const changed = s !== speed || t === t0;
        speed = s;
        if (changed) {
          sample("speed", t + rng.int(30_000), s, 0);
          speedAt = t;
        }
        nextProgram = t + u(20, 120) * MIN;
      } else if (t - speedAt >= 8 * HOUR) {
        sample("speed", t, speed, 0);
        speedAt = t;
      }
      const running = speed > 0 ? 1 : 0;
      if (minute % 5 === phase[0]) {
        const load = running
          ? 20 + (speed / 12000) * 40 + 28 * dB + 3 * rng.normal()
          : 2 + 0.5 * rng.normal();
        sample("load", t + rng.int(20_000), Math.max(0, load), 1);
      }
      const temp = 28 + (speed / 1000) * 1.2 + 18 * dB + 0.6 * rng.normal();
      if (minute % 10 === phase[1]) sample("temp", t + rng.int(20_000), temp, 2);
      if (make === "mazak" && minute % 15 === phase[2])
        sample(
          "vib",
          t + rng.int(20_000),
          Math.max(0, 1.2 + (speed / 12000) * 0.8 + 3.5 * dB + 0.15 * rng.normal()),
          3,
        );
      // A 1-minute scan, stored only when it moved by more than the deadband (or an hour passed).
      const coolant = 21 + 2 * Math.sin((2 * Math.PI * (t - t0)) / DAY) + 7 * dP + 0.08 * rng.normal();
      if (!(Math.abs(coolant - coolantLast) <= 0.3) || t - coolantAt >= HOUR) {
        sample("coolant", t + rng.int(1000), coolant, 2);
        coolantLast = coolant;
        coolantAt = t;
      }
      if (temp > 50 && t - lastTempAlarm > 2 * HOUR && rng.next() < 0.2) {
        alarms.push([when(t + 1234), asset, "SP_TEMP_HIGH", "HIGH", "Spindle temperature high"]);
        lastTempAlarm = t;
      }
      if (coolant > 26.5 && t - lastCoolAlarm > 3 * HOUR && rng.next() < 0.2) {
        alarms.push([when(t + 4321), asset, "CLNT_TEMP_HIGH", "MEDIUM", "Coolant temperature high"]);
        lastCoolAlarm = t;
      }
      if (rng.next() < 2 / 1440)
        alarms.push([when(t + rng.int(MIN)), asset, "DOOR_INTERLOCK", "LOW", "Door opened during cycle"]);
      if (speed > 0) sh += 1 / 60;
    }
    // A historian exports tag by tag: sorted by asset, tag, then time.
    const byTime = (x: string, y: string) => (counter ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0);
    rows.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : byTime(a[2], b[2])));
    tel.push(...rows);
  }
  alarms.sort((a, b) =>
    counter
      ? a[1].localeCompare(b[1]) || Number(a[0]) - Number(b[0])
      : a[0] < b[0]
        ? -1
        : a[0] > b[0]
          ? 1
          : 0,
  );
  const T = (clock: string) => (counter ? "SpindleHours" : clock);
  const csv = (header: string[], rows: string[][]) =>
    `${[header, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")).join("\n")}\n`;
  return {
    files: {
      "telemetry.csv": opts.asset
        ? csv(["Asset", "Tag", T("Timestamp"), "Value", "Quality"], tel)
        : csv(
            ["Tag", T("Timestamp"), "Value", "Quality"],
            tel.map(([a, tag, ...rest]) => [`${a}.${tag}`, ...rest]),
          ),
      "machines.csv": csv(["Asset", "Manufacturer", "Model", "InstallYear"], machineRows),
      "alarms.csv": csv([T("Time"), "Asset", "AlarmCode", "Severity", "Message"], alarms),
      "workorders.csv": csv(["WO_Number", "Asset", T("Completed"), "Component", "Type"], orders),
      "breakdowns.csv": csv(["Asset", T("Start"), "Component", "Downtime_h"], breakdowns),
    },
    machines,
    makes,
    failures,
    badRows,
    end,
  };
}
