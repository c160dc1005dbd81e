// The historian simulation: a fleet's hourly controller telemetry plus the shop's other tables
// (machines, alarms, maintenance, failures), shaped like a real historian export so the data
// contract, history features and failure-event labels have something honest to learn from.
// Pure: no I/O, no clock; time is simulated from `start`, randomness from `seed`.
import { MillwrightError } from "../core/errors.js";
import { createRng } from "../core/rng.js";
import type { LifePolicy } from "./historian-life.js";
import { type MachineSeries, simulateMachine } from "./historian-machine.js";
import { COMPONENTS, type ComponentName, HISTORIAN_MODELS } from "./historian-spec.js";
import { machineId } from "./machines.js";
import { DEFAULT_START } from "./simulate.js";

export interface HistorianOptions {
  machines: number;
  days: number;
  seed: number;
  /** ISO date of the first row, on a whole hour; default 2026-01-05T00:00:00Z (a Monday). */
  start?: string;
  /**
   * Replay a maintenance policy (a backtest): replacements asked for at given hours, and/or the
   * fixed-interval schedule stopped. With a policy each component draws from its own random stream,
   * so the output differs from the run without one, but a replacement at hour h changes nothing
   * before h. Without it the output is the original, byte for byte.
   */
  policy?: SimulationPolicy;
}

export interface SimulationPolicy {
  /** Replacements done on request: machine index, component name, hour from the first row. */
  maintenance?: readonly { machine: number; component: string; hour: number }[];
  /** Hour (from the first row) at which the fixed-interval schedule stops; default never. */
  scheduledUntil?: number;
}

export interface HistorianEvent {
  /** Milliseconds since the epoch (UTC). */
  ms: number;
  machine: number;
}

export interface Historian {
  startMs: number;
  hours: number;
  machines: MachineSeries[];
  /** Every table's rows in file order: by time, then machine (index), then code/component. */
  alarms: (HistorianEvent & { code: string })[];
  maintenance: (HistorianEvent & { component: string; reason: "scheduled" | "failure" | "planned" })[];
  failures: (HistorianEvent & { component: string })[];
}

const HOUR_MS = 3_600_000;

export const HISTORIAN_DEFAULTS = { machines: 24, days: 60, seed: 7 } as const;

function check(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw new MillwrightError("MW_BAD_INPUT", `${name} must be an integer from 1 to ${max}, got ${v}`, {
      field: name,
      value: v,
    });
}

/** A machine's own stream, so adding machines to a run does not change the existing ones. */
function seedOf(seed: number, i: number): number {
  return (Math.imul(seed >>> 0, 0x2545f491) ^ Math.imul(i + 1, 0x9e3779b9) ^ 0x5bd1e995) >>> 0;
}

export function simulateHistorian(opts: HistorianOptions): Historian {
  check("machines", opts.machines, 999);
  check("days", opts.days, 3660);
  const startText = opts.start ?? DEFAULT_START;
  const startMs = Date.parse(startText);
  if (!Number.isFinite(startMs) || startMs % HOUR_MS !== 0)
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `start '${startText}' is not an ISO 8601 time on a whole hour`,
      {
        field: "start",
        value: startText,
      },
    );
  const hours = opts.days * 24;
  const machines: MachineSeries[] = [];
  for (let i = 0; i < opts.machines; i++) {
    const model = HISTORIAN_MODELS[i % HISTORIAN_MODELS.length];
    const life = opts.policy && lifePolicy(opts.policy, seedOf(opts.seed, i), i);
    machines.push(simulateMachine(createRng(seedOf(opts.seed, i)), machineId(i), i, model, hours, life));
  }
  const alarms: Historian["alarms"] = [];
  const maintenance: Historian["maintenance"] = [];
  const failures: Historian["failures"] = [];
  for (const m of machines) {
    for (const a of m.alarms) alarms.push({ ms: startMs + a.sec * 1000, machine: m.index, code: a.code });
    for (const e of m.life.maintenance)
      maintenance.push({
        ms: startMs + e.hour * HOUR_MS,
        machine: m.index,
        component: e.component,
        reason: e.reason,
      });
    for (const f of m.life.failures)
      failures.push({ ms: startMs + f.hour * HOUR_MS, machine: m.index, component: f.component });
  }
  const byTime = (a: HistorianEvent, b: HistorianEvent): number => a.ms - b.ms || a.machine - b.machine;
  alarms.sort((a, b) => byTime(a, b) || cmp(a.code, b.code));
  maintenance.sort((a, b) => byTime(a, b) || cmp(a.component, b.component));
  failures.sort((a, b) => byTime(a, b) || cmp(a.component, b.component));
  return { startMs, hours, machines, alarms, maintenance, failures };
}

function lifePolicy(p: SimulationPolicy, seed: number, machine: number): LifePolicy {
  const extra: Partial<Record<ComponentName, number[]>> = {};
  for (const e of p.maintenance ?? []) {
    if (!COMPONENTS.some((c) => c.name === e.component))
      throw new MillwrightError("MW_BAD_INPUT", `policy.maintenance: unknown component '${e.component}'`, {
        field: "policy.maintenance.component",
        value: e.component,
      });
    if (e.machine !== machine) continue;
    (extra[e.component as ComponentName] ??= []).push(e.hour);
  }
  for (const hs of Object.values(extra)) hs.sort((a, b) => a - b);
  return {
    rngs: COMPONENTS.map((_, k) => createRng((seed ^ Math.imul(k + 1, 0x85ebca6b) ^ 0x27d4eb2f) >>> 0)),
    extra,
    scheduledUntil: p.scheduledUntil ?? Number.POSITIVE_INFINITY,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
