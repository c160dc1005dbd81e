// Risk forecast: project each machine's state over the horizon and ask the model at each shift.
//
// Risk model (why it is shaped this way):
// - The model answers per reading, and an AI4I reading is one process (one job on the machine), so
//   its probability p is a per-process probability. A shift runs n = processes/hour × shift hours
//   processes; we sample the state J times within the shift (wear grows during it) and take
//   the per-shift hazard of a mode as h = 1 − Π_j (1 − p_j)^(n/J), i.e. processes independent given
//   the state.
// - Modes compete: once the machine fails it is stopped and repaired, so a horizon counts at most the
//   first failure. Survival to shift s is S_s = Π_{t<s} (1 − q_t) with q_t = 1 − Π_m (1 − h_{m,t});
//   the probability that mode m is the first failure and happens in shift s is
//   f_{m,s} = S_s · q_s · h_{m,s} / Σ_m h_{m,s}. Expected failure cost is Σ f · cost, bounded by one
//   failure per machine, which matches "each task at most once per horizon".
// - State: tool wear grows linearly at the machine's observed rate (minutes per process from the
//   wear increments in its history, else the quality mix: H/M/L add 5/3/2 min per process, times the
//   model's wear factor) and resets to 0 at a planned tool change (`toolChangeAt`); the other readings
//   are the mean of the last K (product type: the most frequent of the last K). Because nothing but
//   wear changes with time, the curve after a tool change at shift s is the "fresh tool" curve
//   (toolChangeAt 0) shifted by s: one extra forecast values a tool change at every shift.
import { type ModeHead, MODE_HEADS, type ProductType, type Reading } from "../data/schema.js";
import { MACHINE_MODELS } from "../data/machines.js";
import { MillwrightError } from "../core/errors.js";
import type { PredictFn } from "./types.js";

export interface MachineHistory {
  id: string;
  model: string;
  /** Recent readings, ascending in time. */
  history: Reading[];
}

export interface ForecastOptions {
  machines: MachineHistory[];
  horizonShifts: number;
  shiftHours: number;
  /** Start of the first shift of the horizon. */
  startTime: Date | string;
  predict: PredictFn;
  /** Processes per hour, for all machines or per machine id; default: from history timestamps, else 2. */
  usage?: number | Record<string, number>;
  /** Readings averaged for the non-wear state. */
  recentK?: number;
  /** State samples per shift. */
  samplesPerShift?: number;
  /** Machine id → shift index at whose start the tool is replaced (wear back to 0). */
  toolChangeAt?: Record<string, number>;
}

export interface ShiftRisk {
  /** Probability of a failure (any cause, the model's overall head) during the shift. */
  failure: number;
  /** Per-mode hazard during the shift. */
  modes: Record<ModeHead, number>;
  /** Tool wear (min) at the end of the shift. */
  tool_wear: number;
}

export interface MachineForecast {
  machine_id: string;
  machine_model: string;
  processes_per_shift: number;
  wear_per_hour: number;
  start_wear: number;
  shifts: ShiftRisk[];
  /** survival[s]: probability of reaching the start of shift s without a failure of any mode. */
  survival: number[];
  /** f[m][s]: probability that mode m is the machine's first failure and happens in shift s. */
  first_failure: Record<ModeHead, number[]>;
  /** Standalone cumulative risk of each mode by the end of shift s: 1 − Π_{t≤s} (1 − h_{m,t}). */
  cumulative: Record<ModeHead, number[]>;
}

/** Minutes of wear per process by product quality (AI4I: H/M/L add 5/3/2). */
export const WEAR_PER_PROCESS: Record<ProductType, number> = { H: 5, M: 3, L: 2 };
/** Without timestamps to measure it: the fleet simulator's default pace (src/data/simulate.ts). */
export const DEFAULT_PROCESSES_PER_HOUR = 2;
const HOUR = 3_600_000;

interface MachineState {
  base: Reading;
  wearPerHour: number;
  processesPerHour: number;
  startWear: number;
}

export function machineState(m: MachineHistory, start: number, usage?: number, k = 10): MachineState {
  const h = m.history;
  if (h.length === 0) {
    throw new MillwrightError("MW_BAD_INPUT", `machine ${m.id}: no recent readings to forecast from`, {
      machine_id: m.id,
    });
  }
  const times = h.map((r) => (r.timestamp ? Date.parse(r.timestamp) : Number.NaN));
  const timed = times.every(Number.isFinite);
  const spanHours = timed ? (times[times.length - 1] - times[0]) / HOUR : 0;
  const observedRate = timed && spanHours > 0 ? (h.length - 1) / spanHours : undefined;
  const processesPerHour = usage ?? observedRate ?? DEFAULT_PROCESSES_PER_HOUR;

  let inc = 0;
  let pairs = 0;
  for (let i = 1; i < h.length; i++) {
    const d = h[i].tool_wear - h[i - 1].tool_wear;
    if (d >= 0) {
      inc += d;
      pairs++;
    } // a drop is a tool change: not wear
  }
  let perProcess = pairs > 0 ? inc / pairs : 0;
  if (!(perProcess > 0)) {
    const factor = MACHINE_MODELS.find((c) => c.name === m.model)?.wearRate ?? 1;
    perProcess = (factor * h.reduce((s, r) => s + WEAR_PER_PROCESS[r.type], 0)) / h.length;
  }
  const wearPerHour = perProcess * processesPerHour;

  const recent = h.slice(-k);
  const mean = (f: (r: Reading) => number) => recent.reduce((s, r) => s + f(r), 0) / recent.length;
  const counts: Record<ProductType, number> = { L: 0, M: 0, H: 0 };
  for (const r of recent) counts[r.type]++;
  const last = h[h.length - 1];
  let type = last.type;
  for (const t of ["L", "M", "H"] as const) if (counts[t] > counts[type]) type = t;
  const gapHours = timed ? Math.max(0, (start - times[times.length - 1]) / HOUR) : 0;
  return {
    base: {
      type,
      air_temperature: mean((r) => r.air_temperature),
      process_temperature: mean((r) => r.process_temperature),
      rotational_speed: mean((r) => r.rotational_speed),
      torque: mean((r) => r.torque),
      tool_wear: 0,
      machine_id: m.id,
      machine_model: m.model,
    },
    wearPerHour,
    processesPerHour,
    startWear: last.tool_wear + wearPerHour * gapHours,
  };
}

export function forecastRisk(o: ForecastOptions): MachineForecast[] {
  const start = typeof o.startTime === "string" ? Date.parse(o.startTime) : o.startTime.getTime();
  const J = o.samplesPerShift ?? 4;
  const S = o.horizonShifts;
  const states = o.machines.map((m) =>
    machineState(m, start, typeof o.usage === "number" ? o.usage : o.usage?.[m.id], o.recentK),
  );
  // One batch for the whole fleet: the model is fastest on many rows at once.
  const batch: Reading[] = [];
  o.machines.forEach((m, i) => {
    const st = states[i];
    const change = o.toolChangeAt?.[m.id];
    for (let s = 0; s < S; s++) {
      for (let j = 0; j < J; j++) {
        const t = (s + (j + 0.5) / J) * o.shiftHours;
        const wear =
          change !== undefined && s >= change
            ? st.wearPerHour * (t - change * o.shiftHours)
            : st.startWear + st.wearPerHour * t;
        batch.push({ ...st.base, tool_wear: wear, timestamp: new Date(start + t * HOUR).toISOString() });
      }
    }
  });
  const preds = o.predict(batch);
  if (preds.length !== batch.length) {
    throw new MillwrightError(
      "MW_INTERNAL",
      `predict returned ${preds.length} answers for ${batch.length} readings`,
    );
  }
  return o.machines.map((m, i) => {
    const st = states[i];
    const n = st.processesPerHour * o.shiftHours;
    const shifts: ShiftRisk[] = [];
    for (let s = 0; s < S; s++) {
      const at = (i * S + s) * J;
      const hazard = (f: (k: number) => number) => {
        let logSurv = 0;
        for (let j = 0; j < J; j++) logSurv += Math.log1p(-Math.min(1, Math.max(0, f(at + j))));
        return 1 - Math.exp((logSurv * n) / J);
      };
      const modes = {} as Record<ModeHead, number>;
      for (const mode of MODE_HEADS) modes[mode] = hazard((k) => preds[k].modes[mode]);
      const change = o.toolChangeAt?.[m.id];
      const tEnd = (s + 1) * o.shiftHours;
      const wearEnd =
        change !== undefined && s >= change
          ? st.wearPerHour * (tEnd - change * o.shiftHours)
          : st.startWear + st.wearPerHour * tEnd;
      shifts.push({ failure: hazard((k) => preds[k].failure), modes, tool_wear: wearEnd });
    }
    return {
      machine_id: m.id,
      machine_model: m.model,
      processes_per_shift: n,
      wear_per_hour: st.wearPerHour,
      start_wear: st.startWear,
      shifts,
      ...competingRisks(shifts),
    };
  });
}

/** First-failure and standalone cumulative curves from per-shift mode hazards (see the header). */
export function competingRisks(shifts: { modes: Record<ModeHead, number> }[]): {
  survival: number[];
  first_failure: Record<ModeHead, number[]>;
  cumulative: Record<ModeHead, number[]>;
} {
  const first = {} as Record<ModeHead, number[]>;
  const cumulative = {} as Record<ModeHead, number[]>;
  for (const m of MODE_HEADS) {
    first[m] = [];
    cumulative[m] = [];
  }
  let survival = 1;
  const surv: number[] = [];
  const standalone: Record<string, number> = { twf: 1, hdf: 1, pwf: 1, osf: 1 };
  for (const sh of shifts) {
    surv.push(survival);
    let none = 1;
    let sum = 0;
    for (const m of MODE_HEADS) {
      none *= 1 - sh.modes[m];
      sum += sh.modes[m];
    }
    const q = 1 - none;
    for (const m of MODE_HEADS) {
      first[m].push(sum > 0 ? (survival * q * sh.modes[m]) / sum : 0);
      standalone[m] *= 1 - sh.modes[m];
      cumulative[m].push(1 - standalone[m]);
    }
    survival *= none;
  }
  return { survival: surv, first_failure: first, cumulative };
}
