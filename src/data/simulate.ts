// The fleet simulator: many machines of several makes/models, each reproducing the AI4I 2020
// generation process (see simulate-machine.ts), with drift scenarios that can be switched on while
// it runs. Pure: no I/O, no clock; time is simulated from `start`, randomness from `seed`.
import { MillwrightError } from "../core/errors.js";
import { type MachineModel, machineId, modelOfMachine } from "./machines.js";
import { BASELINE_TOOLS, SCENARIOS, type Scenario, type ScenarioName, scenarioByName } from "./scenarios.js";
import {
  type FleetReading,
  type MachineState,
  machineSeed,
  newMachine,
  stepMachine,
} from "./simulate-machine.js";

export type { FleetReading };

export interface FleetOptions {
  machines: number;
  seed: number;
  scenario?: ScenarioName | null;
  /** ISO date of the first reading; default 2026-01-05T00:00:00Z (a Monday). */
  start?: string;
  /** Processes (readings) per machine per hour; default 2. */
  processesPerHour?: number;
}

export interface SimulateOptions extends FleetOptions {
  days: number;
}

export interface Fleet {
  /** The machines producing readings now (a scenario may add some). */
  readonly machines: { id: string; model: string }[];
  /** One reading per active machine; simulated time then advances by one process interval. */
  tick(): FleetReading[];
  setScenario(name: ScenarioName | null): void;
  readonly scenario: ScenarioName | null;
}

export const DEFAULT_START = "2026-01-05T00:00:00Z";
export const DEFAULT_PROCESSES_PER_HOUR = 2;
/** `new-machine-model` adds this share of the fleet (at least 2 machines) of the unseen make. */
const EXTRA_MACHINE_SHARE = 0.25;

/**
 * Every machine a simulated fleet of `machines` can ever send readings for: the base fleet and the
 * extra machines a scenario adds. The server admits only known machines to its fleet board and plan,
 * so `up --simulate` registers these.
 */
export function simulatedMachines(machines: number): { machine_id: string; machine_model: string }[] {
  const out = Array.from({ length: machines }, (_, i) => ({
    machine_id: machineId(i),
    machine_model: modelOfMachine(i).name,
  }));
  const extra = Math.max(2, Math.round(machines * EXTRA_MACHINE_SHARE));
  for (const sc of SCENARIOS)
    if (sc.extraModel)
      for (let k = 0; k < extra; k++)
        out.push({ machine_id: machineId(machines + k), machine_model: sc.extraModel.name });
  return out;
}

function positiveInt(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw new MillwrightError("MW_BAD_INPUT", `${name} must be an integer from 1 to ${max}, got ${v}`, {
      field: name,
      value: v,
    });
}

export function createFleet(opts: FleetOptions): Fleet {
  positiveInt("machines", opts.machines, 10_000);
  const pph = opts.processesPerHour ?? DEFAULT_PROCESSES_PER_HOUR;
  if (!(Number.isFinite(pph) && pph > 0 && pph <= 3600))
    throw new MillwrightError("MW_BAD_INPUT", `processesPerHour must be in (0, 3600], got ${pph}`, {
      field: "processesPerHour",
      value: pph,
    });
  const startText = opts.start ?? DEFAULT_START;
  const startMs = Date.parse(startText);
  if (!Number.isFinite(startMs))
    throw new MillwrightError("MW_BAD_INPUT", `start '${startText}' is not an ISO 8601 date`, {
      field: "start",
      value: startText,
    });
  const seed = opts.seed >>> 0;
  const dtHours = 1 / pph;
  const dtMs = 3_600_000 / pph;

  let scenario: Scenario | null = opts.scenario ? scenarioByName(opts.scenario) : null;
  // A scenario given at the start applies to the first tools too: the whole run is under it.
  const firstTools = scenario?.tools ?? BASELINE_TOOLS;
  const base: MachineState[] = [];
  for (let i = 0; i < opts.machines; i++)
    base.push(newMachine(machineId(i), modelOfMachine(i), machineSeed(seed, i), firstTools));
  // Extra machines are created once and keep their state while the scenario is off.
  let extra: MachineState[] = [];
  let active = base;
  const activate = (sc: Scenario | null): void => {
    const tools = sc?.tools ?? BASELINE_TOOLS;
    if (sc?.extraModel) {
      const model: MachineModel = sc.extraModel;
      if (extra.length === 0 || extra[0].model !== model) {
        const n = Math.max(2, Math.round(opts.machines * EXTRA_MACHINE_SHARE));
        extra = [];
        for (let k = 0; k < n; k++) {
          const i = opts.machines + k;
          extra.push(newMachine(machineId(i), model, machineSeed(seed, i), tools));
        }
      }
      active = [...base, ...extra];
    } else {
      active = base;
    }
  };
  activate(scenario);

  let step = 0;
  let udi = 0;
  return {
    get machines() {
      return active.map((m) => ({ id: m.id, model: m.model.name }));
    },
    get scenario() {
      return scenario?.name ?? null;
    },
    setScenario(name) {
      scenario = name ? scenarioByName(name) : null;
      activate(scenario);
    },
    tick() {
      const timestamp = isoSeconds(startMs + step * dtMs);
      step++;
      const out: FleetReading[] = new Array(active.length);
      for (let j = 0; j < active.length; j++) {
        udi++;
        out[j] = stepMachine(active[j], scenario, dtHours, udi, timestamp);
      }
      return out;
    },
  };
}

/** A whole run: `days` of readings from every machine, in time order then machine order. */
export function simulateFleet(opts: SimulateOptions): FleetReading[] {
  if (!(Number.isFinite(opts.days) && opts.days > 0 && opts.days <= 3660))
    throw new MillwrightError("MW_BAD_INPUT", `days must be in (0, 3660], got ${opts.days}`, {
      field: "days",
      value: opts.days,
    });
  const fleet = createFleet(opts);
  const ticks = Math.round(opts.days * 24 * (opts.processesPerHour ?? DEFAULT_PROCESSES_PER_HOUR));
  const rows: FleetReading[] = [];
  for (let t = 0; t < ticks; t++) for (const r of fleet.tick()) rows.push(r);
  return rows;
}

function isoSeconds(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith(".000Z") ? `${s.slice(0, -5)}Z` : s;
}
