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
  /** "planned": a replacement a maintenance policy asked for (SimulationPolicy.maintenance). */
  reason: "scheduled" | "failure" | "planned";
}

/**
 * What a replayed maintenance policy changes in a machine's life. Each component then draws from its
 * own random stream, so a replacement at hour h changes nothing before h: a backtest can add one
 * week's planned tasks and re-run, and the history the planner saw stays the same.
 */
export interface LifePolicy {
  /** One random source per component (COMPONENTS order). */
  rngs: readonly Rng[];
  /** Hours at which each component is replaced on request (ascending). */
  extra: Partial<Record<ComponentName, readonly number[]>>;
  /** The fixed-interval schedule stops at this hour (run to failure after it); Infinity = never. */
  scheduledUntil: number;
}

/** A part wearing out: its signals drift by amp × signal × progress² from onset to the failure hour. */
export interface Episode {
  component: ComponentSpec;
  onset: number;
  failAt: number;
  /** First hour without the drift: after the failure, or when a swap (scheduled, planned) removed the part. */
  endAt: number;
  amp: number;
}

/** Alarms at a rate rising to `peak` per hour from `from` to the hour before `to`. */
export interface AlarmBurst {
  from: number;
  to: number;
  peak: number;
  codes: readonly string[];
  /** A replacement cut the burst short here (the rate before it is as if it had run to `to`). */
  cut?: number;
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

export function planLife(rng: Rng, hours: number, ageYears: number, policy?: LifePolicy): MachineLife {
  const life: MachineLife = {
    maintenance: [],
    failures: [],
    episodes: [],
    bursts: [],
    down: new Uint8Array(hours),
  };
  // Older machines wear parts faster: 2 % shorter characteristic life per year of age.
  const wear = Math.max(0.6, 1 - 0.02 * ageYears);
  COMPONENTS.forEach((c, k) => {
    componentLife(policy?.rngs[k] ?? rng, c, hours, wear, life, policy);
  });
  return life;
}

// Without a policy the draws and the outcome are exactly the original ones (the committed sample and
// the determinism tests depend on that): no extra swaps, the schedule never stops, no cut bursts.
function componentLife(
  rng: Rng,
  c: ComponentSpec,
  hours: number,
  wear: number,
  life: MachineLife,
  policy: LifePolicy | undefined,
): void {
  const extra = policy?.extra[c.name] ?? [];
  const until = policy?.scheduledUntil ?? Number.POSITIVE_INFINITY;
  const scale = c.scaleH * wear;
  const age0 = Math.floor(rng.next() * c.intervalH * 0.9);
  let install = -age0;
  life.maintenance.push({ hour: install, component: c.name, reason: "scheduled" });
  let ttf = weibullAfter(rng, c.shape, scale, age0);
  while (install < hours) {
    const drawn = install + Math.round(c.intervalH * (0.9 + 0.2 * rng.next()));
    const nextSched = drawn < until ? drawn : Number.POSITIVE_INFINITY;
    const failHour = Math.max(0, install + Math.ceil(ttf));
    const onset = failHour - Math.round(lerp(DRIFT_LEAD_H, rng.next()));
    const amp = 0.5 + rng.next();
    const burstFrom = failHour - Math.round(lerp(BURST_LEAD_H, rng.next()));
    const peak = 1 + 1.5 * rng.next();
    const quiet = rng.next() < QUIET_SHARE;
    const repair = 1 + rng.int(4);
    const asked = extra.find((h) => h > install) ?? Number.POSITIVE_INFINITY;
    if (failHour < nextSched && failHour <= asked) {
      if (failHour >= hours) break;
      life.failures.push({ hour: failHour, component: c.name });
      life.episodes.push({ component: c, onset, failAt: failHour, endAt: failHour + 1, amp });
      if (!quiet) life.bursts.push({ from: burstFrom, to: failHour, peak, codes: c.alarmCodes });
      for (let h = failHour + 1; h <= failHour + repair && h < hours; h++) life.down[h] = 1;
      // Logged even when the repair ends after the data does: every failure has its replacement.
      life.maintenance.push({ hour: failHour + repair, component: c.name, reason: "failure" });
      install = failHour + repair;
    } else {
      const swap = Math.min(nextSched, asked);
      if (swap >= hours) break;
      // A swap during a drift removes the failing part: a warning with no failure.
      if (onset < swap) life.episodes.push({ component: c, onset, failAt: failHour, endAt: swap, amp });
      // Under a policy the alarms already raised stay (the past must not change); the original
      // simulation drops them, and keeps doing so.
      if (policy && !quiet && burstFrom < swap)
        life.bursts.push({ from: burstFrom, to: failHour, peak, codes: c.alarmCodes, cut: swap });
      life.maintenance.push({
        hour: swap,
        component: c.name,
        reason: swap === asked ? "planned" : "scheduled",
      });
      install = swap;
    }
    ttf = weibullAfter(rng, c.shape, scale, 0);
  }
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
