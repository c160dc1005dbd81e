// One machine's hourly controller readings and alarms. The readings follow the job on the spindle
// (speed, load and axis load change from job to job, idle hours in between), the shop's daily
// temperature cycle and slow thermal lags, plus the drift of a failing part (historian-life.ts) and
// harmless excursions, so a single reading says little while a trend over hours says a lot.
import type { Rng } from "../core/rng.js";
import { type AlarmBurst, addDrift, type LifePolicy, type MachineLife, planLife } from "./historian-life.js";
import {
  BACKGROUND_CODES,
  COMPONENTS,
  HISTORIAN_SENSORS,
  type HistorianModel,
  type SensorName,
} from "./historian-spec.js";

export interface MachineSeries {
  id: string;
  index: number;
  model: HistorianModel;
  ageYears: number;
  /** One value per hour per exported sensor; null for a sensor this model lacks. */
  readings: Record<SensorName, Float64Array | null>;
  /** Alarm times in seconds from the first row, ascending, and their codes. */
  alarms: { sec: number; code: string }[];
  life: MachineLife;
}

const BACKGROUND_ALARMS_PER_H = 0.012;
// Harmless episodes: a signal wanders up and back (a heavy job, a clogged filter) without failure,
// and alarm bursts with no failure behind them (a new program, a sticky door switch).
const EXCURSIONS_PER_DAY = 1 / 15;
const FALSE_BURSTS_PER_DAY = 1 / 20;
const ALL_CODES = [...BACKGROUND_CODES, ...COMPONENTS.flatMap((c) => c.alarmCodes)];

function poisson(rng: Rng, mean: number): number {
  // Knuth's method: the means here are small (< 5), so the loop is short.
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

export function simulateMachine(
  rng: Rng,
  id: string,
  index: number,
  model: HistorianModel,
  hours: number,
  policy?: LifePolicy,
): MachineSeries {
  const ageYears = 1 + rng.int(15);
  const life = planLife(rng, hours, ageYears, policy);
  const push = {} as Record<SensorName, Float64Array>;
  for (const s of HISTORIAN_SENSORS) push[s.name] = new Float64Array(hours);
  addDrift(life.episodes, push);
  const excursions = poisson(rng, (hours / 24) * EXCURSIONS_PER_DAY);
  const drifting: SensorName[] = ["vibration", "spindle_temp", "coolant_temp", "x_axis_load"];
  for (let k = 0; k < excursions; k++) {
    const sensor = drifting[rng.int(drifting.length)];
    const from = rng.int(hours);
    const len = 6 + rng.int(31);
    const size = { vibration: 2, spindle_temp: 7, coolant_temp: 6, x_axis_load: 15 }[sensor as string] ?? 0;
    const amp = size * (0.4 + 0.8 * rng.next());
    for (let h = from; h < Math.min(hours, from + len); h++)
      push[sensor][h] += amp * Math.sin((Math.PI * (h - from)) / len);
  }
  const bursts: AlarmBurst[] = [...life.bursts];
  const falseBursts = poisson(rng, (hours / 24) * FALSE_BURSTS_PER_DAY);
  for (let k = 0; k < falseBursts; k++) {
    const from = rng.int(hours);
    bursts.push({ from, to: from + 2 + rng.int(5), peak: 0.5 + 0.7 * rng.next(), codes: ALL_CODES });
  }

  const has = new Set(model.sensors);
  const out = {} as Record<SensorName, Float64Array>;
  for (const s of HISTORIAN_SENSORS) out[s.name] = new Float64Array(hours);
  // Machines differ more from each other, and jobs from jobs, than a failing part moves a signal: a
  // single reading says little, the machine's own recent history says much.
  const vibBase = 0.8 + 6 * rng.next() + 0.05 * ageYears;
  const spindleHeat = 1.5 + 2 * rng.next();
  const coolantOffset = -5 + 12 * rng.next();
  const axisBase = 10 + 50 * rng.next();
  const thermal = -5 + 10 * rng.next();
  let jobLeft = 0;
  let speed = 0;
  let load = 0;
  let axis = 0;
  let jobVib = 0;
  let spindleTemp = 22 + thermal;
  let coolantTemp = 20 + thermal;
  const alarms: { sec: number; code: string }[] = [];
  for (let h = 0; h < hours; h++) {
    if (jobLeft <= 0) {
      const idle = rng.next() < 0.06;
      jobLeft = idle ? 1 + rng.int(4) : 2 + rng.int(9);
      speed = idle ? 0 : model.maxRpm * (0.25 + 0.65 * rng.next());
      load = idle ? 0 : 20 + 55 * rng.next();
      axis = idle ? 0 : axisBase + 15 * rng.next();
      jobVib = 0.5 * rng.next();
    }
    jobLeft--;
    const running = speed > 0 && life.down[h] === 0;
    const ambient = 21 + thermal + 3 * Math.sin((2 * Math.PI * ((h % 24) - 9)) / 24);
    const rpm = running ? speed * (1 + 0.01 * rng.normal()) : 0;
    const ld = running
      ? load * (1 + 0.04 * rng.normal()) + push.spindle_load[h]
      : 1.5 + Math.abs(rng.normal());
    const vib = running
      ? vibBase +
        jobVib +
        (0.05 * rpm) / 1000 +
        0.01 * ld +
        0.06 * vibBase * rng.normal() +
        push.vibration[h] * (0.6 + 0.8 * rng.next())
      : 0.3 * vibBase + 0.05 * Math.abs(rng.normal());
    const spTarget =
      ambient + (running ? 8 + (spindleHeat * rpm) / 1000 + 0.12 * ld : 1) + push.spindle_temp[h];
    spindleTemp += 0.5 * (spTarget - spindleTemp) + 0.5 * rng.normal();
    const clTarget = ambient + coolantOffset + (running ? 2 + 0.06 * ld : 0) + push.coolant_temp[h];
    coolantTemp += 0.4 * (clTarget - coolantTemp) + 0.3 * rng.normal();
    const ax = running ? axis * (1 + 0.03 * rng.normal()) + push.x_axis_load[h] : 1 + Math.abs(rng.normal());
    out.spindle_speed[h] = rpm;
    out.spindle_load[h] = ld;
    out.vibration[h] = vib;
    out.spindle_temp[h] = spindleTemp;
    out.coolant_temp[h] = coolantTemp;
    out.x_axis_load[h] = ax;
    if (life.down[h] === 1) continue;
    let rate = BACKGROUND_ALARMS_PER_H;
    let burstCodes: readonly string[] | null = null;
    for (const b of bursts)
      if (h >= b.from && h < (b.cut ?? b.to)) {
        rate += b.peak * ((h - b.from + 1) / (b.to - b.from)) ** 1.5;
        burstCodes = b.codes;
      }
    const n = poisson(rng, rate);
    const secs: number[] = [];
    for (let k = 0; k < n; k++) secs.push(h * 3600 + rng.int(3600));
    secs.sort((a, b) => a - b);
    for (const sec of secs) {
      const fromBurst = burstCodes !== null && rng.next() < 0.9;
      const codes = fromBurst ? (burstCodes as readonly string[]) : BACKGROUND_CODES;
      alarms.push({ sec, code: codes[rng.int(codes.length)] });
    }
  }
  const readings = {} as Record<SensorName, Float64Array | null>;
  for (const s of HISTORIAN_SENSORS) readings[s.name] = has.has(s.name) ? clampAll(out[s.name], s) : null;
  return { id, index, model, ageYears, readings, alarms, life };
}

function clampAll(xs: Float64Array, s: { min: number; max: number }): Float64Array {
  for (let i = 0; i < xs.length; i++) xs[i] = Math.min(s.max, Math.max(s.min, xs[i]));
  return xs;
}
