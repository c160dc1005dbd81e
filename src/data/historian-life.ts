// One machine's component lives over the simulated span: when each part was installed, when it fails
// or is replaced on schedule, and the warning signs a failure sends ahead of it (a degradation ramp in
// the signals it disturbs, an alarm burst). Hours count from the first telemetry row (hour 0); the
// parts in service at the start were installed before it (negative hours), so the maintenance log
// already knows their age. Pure: all randomness from the given source.
import type { Rng } from "../core/rng.js";
import { COMPONENTS, type ComponentName, type ComponentSpec, type SensorName } from "./historian-spec.js";

export interface MaintenanceEvent {
  hour: number;
  component: ComponentName;
  reason: "scheduled" | "failure";
}

/** A part wearing out: its signals drift by amp × signal × progress² from onset to the failure hour. */
export interface Episode {
  component: ComponentSpec;
  onset: number;
  failAt: number;
  /** First hour without the drift: after the failure, or when a scheduled swap removed the part. */
  endAt: number;
  amp: number;
}

/** Alarms at a rate rising to `peak` per hour from `from` to the hour before `to`. */
export interface AlarmBurst {
  from: number;
  to: number;
  peak: number;
  codes: readonly string[];
}

export interface MachineLife {
  maintenance: MaintenanceEvent[];
  failures: { hour: number; component: ComponentName }[];
  episodes: Episode[];
  bursts: AlarmBurst[];
  /** Hours the machine stands still while a failed part is replaced. */
  down: Uint8Array;
}

/** Weibull time to failure, given the part has already survived `age` hours (inverse transform). */
function weibullAfter(rng: Rng, shape: number, scale: number, age: number): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return scale * ((age / scale) ** shape - Math.log(u)) ** (1 / shape);
}

// Share of failures that give no alarm burst (a part can die quietly), and the lead times.
const QUIET_SHARE = 0.1;
const DRIFT_LEAD_H: [number, number] = [24, 72];
const BURST_LEAD_H: [number, number] = [24, 48];

export function planLife(rng: Rng, hours: number, ageYears: number): MachineLife {
  const life: MachineLife = {
    maintenance: [],
    failures: [],
    episodes: [],
    bursts: [],
    down: new Uint8Array(hours),
  };
  // Older machines wear parts faster: 2 % shorter characteristic life per year of age.
  const wear = Math.max(0.6, 1 - 0.02 * ageYears);
  for (const c of COMPONENTS) {
    const scale = c.scaleH * wear;
    const age0 = Math.floor(rng.next() * c.intervalH * 0.9);
    let install = -age0;
    life.maintenance.push({ hour: install, component: c.name, reason: "scheduled" });
    let ttf = weibullAfter(rng, c.shape, scale, age0);
    while (install < hours) {
      const nextSched = install + Math.round(c.intervalH * (0.9 + 0.2 * rng.next()));
      const failHour = Math.max(0, install + Math.ceil(ttf));
      const onset = failHour - Math.round(lerp(DRIFT_LEAD_H, rng.next()));
      const amp = 0.5 + rng.next();
      const burstFrom = failHour - Math.round(lerp(BURST_LEAD_H, rng.next()));
      const peak = 1 + 1.5 * rng.next();
      const quiet = rng.next() < QUIET_SHARE;
      const repair = 1 + rng.int(4);
      if (failHour < nextSched) {
        if (failHour >= hours) break;
        life.failures.push({ hour: failHour, component: c.name });
        life.episodes.push({ component: c, onset, failAt: failHour, endAt: failHour + 1, amp });
        if (!quiet) life.bursts.push({ from: burstFrom, to: failHour, peak, codes: c.alarmCodes });
        for (let h = failHour + 1; h <= failHour + repair && h < hours; h++) life.down[h] = 1;
        // Logged even when the repair ends after the data does: every failure has its replacement.
        life.maintenance.push({ hour: failHour + repair, component: c.name, reason: "failure" });
        install = failHour + repair;
      } else {
        if (nextSched >= hours) break;
        // A scheduled swap during a drift removes the failing part: a warning with no failure.
        if (onset < nextSched)
          life.episodes.push({ component: c, onset, failAt: failHour, endAt: nextSched, amp });
        life.maintenance.push({ hour: nextSched, component: c.name, reason: "scheduled" });
        install = nextSched;
      }
      ttf = weibullAfter(rng, c.shape, scale, 0);
    }
  }
  return life;
}

/** Adds each episode's drift into per-sensor push arrays (the generator adds them to the readings). */
export function addDrift(episodes: readonly Episode[], push: Record<SensorName, Float64Array>): void {
  for (const e of episodes) {
    const span = Math.max(1, e.failAt - e.onset);
    for (const [sensor, size] of Object.entries(e.component.signals) as [SensorName, number][]) {
      const arr = push[sensor];
      const end = Math.min(e.endAt, arr.length);
      for (let h = Math.max(0, e.onset); h < end; h++) {
        const p = (h - e.onset) / span;
        arr[h] += e.amp * size * p * p;
      }
    }
  }
}

function lerp([lo, hi]: [number, number], u: number): number {
  return lo + (hi - lo) * u;
}
