// One simulated machine: its own state (temperature walks, load, tool) and one process step that
// reproduces the published AI4I 2020 generation (S. Matzka, 2020; facts in DESIGN.md).
//
// AI4I is one machine's 10,000 processes, its walks normalised after the fact. A fleet streams, so
// each "random walk normalised to sd σ" is a mean-reverting walk (AR(1)) whose stationary sd is σ,
// started from its stationary law: the marginals are the published ones at every step.
import { createRng, type Rng } from "../core/rng.js";
import type { MachineModel } from "./machines.js";
import type { Scenario, ToolPolicy } from "./scenarios.js";
import { BASELINE_TOOLS } from "./scenarios.js";
import { type KnownLabels, NO_FAILURE, type ProductType, type Reading } from "./schema.js";
import { hdfRule, osfRule, pwfRule, round1 } from "./simulate-rules.js";

const AIR_MEAN = 300; // K
const AIR_SD = 2; // K
const PROCESS_OFFSET = 10; // K above air
const PROCESS_SD = 1; // K, the process walk on top of the air temperature
const TORQUE_MEAN = 40; // Nm
const TORQUE_SD = 10; // Nm, total: a persistent job-mix part plus per-process noise
const LOAD_SD = 3; // Nm of the 10 that persist over hours (the machine's current job mix)
const TORQUE_NOISE_SD = Math.sqrt(TORQUE_SD ** 2 - LOAD_SD ** 2);
// Correlation times of the walks, in hours of shop time (independent of the process rate).
const AIR_HOURS = 12;
const PROCESS_HOURS = 6;
const LOAD_HOURS = 4;

// Speed "calculated from a power of 2860 W, overlaid with normal noise". The file itself shows the
// power is not constant (mean ≈ 6.3 kW, speed ≈ 1540 rpm, sd ≈ 180, corr(speed, torque) ≈ −0.88), so
// the delivered power grows with the cut: P = P_nom·(τ/τ₀)^0.6, ω = P/τ ∝ τ^(−0.4). τ₀ puts 40 Nm at
// SPEED_AT_MEAN_TORQUE for 2860 W; this reproduces the file's speed moments and its PWF rate.
const REFERENCE_POWER = 2860; // W
const SPEED_AT_MEAN_TORQUE = 1515; // rpm
const RPM_PER_RAD_S = 60 / (2 * Math.PI);
const POWER_EXPONENT = 0.6;
const TAU0 =
  TORQUE_MEAN /
  ((SPEED_AT_MEAN_TORQUE / RPM_PER_RAD_S) * (TORQUE_MEAN / REFERENCE_POWER)) ** (1 / POWER_EXPONENT);
const SPEED_NOISE_SD = 70; // rpm
const MIN_TORQUE_FOR_SPEED = 2; // Nm: an idle spindle does not race to infinity

/** Minutes of tool wear each process adds, by quality variant (AI4I: H/M/L add 5/3/2). */
export const WEAR_PER_PROCESS: Record<ProductType, number> = { L: 2, M: 3, H: 5 };
/** Quality variant shares as published (the file itself has 60/30/10 %). */
export const TYPE_SHARES: Record<ProductType, number> = { L: 0.5, M: 0.3, H: 0.2 };
/** Random failures: 0.1 % of processes, whatever the readings. */
export const RNF_PROBABILITY = 0.001;
/** In the AI4I file 1 of its 19 RNF rows is marked as a machine failure; we keep that share. */
export const RNF_MARKED_SHARE = 1 / 19;

/** One simulated process: an AI4I row plus the machine and time it ran on, all labels known. */
export interface FleetReading extends Reading, KnownLabels {
  udi: string;
  product_id: string;
  machine_id: string;
  machine_model: string;
  timestamp: string;
}

export interface MachineState {
  id: string;
  model: MachineModel;
  rng: Rng;
  /** Standardised walks (stationary sd 1). */
  zAir: number;
  zProcess: number;
  zLoad: number;
  /** Current tool: wear so far (min), the wear at which it ends, and whether it fails then. */
  wear: number;
  toolLife: number;
  toolFails: boolean;
}

/** Seeds of different machines are decorrelated, so adding a machine never changes the others. */
export function machineSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x01000193) ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
}

export function newMachine(id: string, model: MachineModel, seed: number, tools: ToolPolicy): MachineState {
  const rng = createRng(seed);
  const m: MachineState = {
    id,
    model,
    rng,
    zAir: rng.normal(),
    zProcess: rng.normal(),
    zLoad: rng.normal(),
    wear: 0,
    toolLife: 0,
    toolFails: false,
  };
  newTool(m, tools);
  // Machines do not all start with a fresh tool: start somewhere in the first tool's life.
  m.wear = rng.next() * m.toolLife;
  return m;
}

function newTool(m: MachineState, tools: ToolPolicy): void {
  m.wear = 0;
  m.toolLife = tools.minLife + m.rng.next() * (tools.maxLife - tools.minLife);
  m.toolFails = m.rng.next() < tools.failShare;
}

/** AR(1) step keeping a stationary sd of 1: correlation exp(−dt/T). */
function walk(z: number, dtHours: number, hours: number, rng: Rng): number {
  const phi = Math.exp(-dtHours / hours);
  return phi * z + Math.sqrt(1 - phi * phi) * rng.normal();
}

function drawType(rng: Rng): ProductType {
  const u = rng.next();
  return u < TYPE_SHARES.L ? "L" : u < TYPE_SHARES.L + TYPE_SHARES.M ? "M" : "H";
}

/** Five-digit serials that look like AI4I's, distinct for the first 90,000 rows (7919 is prime). */
function productSerial(udi: number): number {
  return 10_000 + ((udi * 7919) % 90_000);
}

/**
 * One process on machine `m`, `dtHours` after its previous one; `udi` numbers the row in the run.
 * Readings come rounded like AI4I and the rules are applied to the rounded values.
 */
export function stepMachine(
  m: MachineState,
  sc: Scenario | null,
  dtHours: number,
  udi: number,
  timestamp: string,
): FleetReading {
  const { rng, model } = m;
  const type = drawType(rng);
  m.zAir = walk(m.zAir, dtHours, AIR_HOURS, rng);
  m.zProcess = walk(m.zProcess, dtHours, PROCESS_HOURS, rng);
  m.zLoad = walk(m.zLoad, dtHours, LOAD_HOURS, rng);
  const air = AIR_MEAN + model.thermalOffset + (sc ? sc.ambient : 0) + AIR_SD * m.zAir;
  const proc =
    air + PROCESS_OFFSET + model.processHeat + (sc ? sc.processDelta : 0) + PROCESS_SD * m.zProcess;
  const meanTorque = TORQUE_MEAN + (sc ? sc.torqueShift : 0) + LOAD_SD * m.zLoad;
  const torque = Math.max(0, model.loadFactor * (meanTorque + TORQUE_NOISE_SD * rng.normal()));
  const tau = Math.max(torque, MIN_TORQUE_FOR_SPEED);
  const omega = (model.nominalPower * (tau / TAU0) ** POWER_EXPONENT) / tau;
  const speed = Math.max(0, omega * RPM_PER_RAD_S + SPEED_NOISE_SD * rng.normal());

  const row: FleetReading = {
    udi: String(udi),
    product_id: `${type}${productSerial(udi)}`,
    type,
    air_temperature: round1(air),
    process_temperature: round1(proc),
    rotational_speed: Math.round(speed),
    torque: round1(torque),
    tool_wear: Math.round(m.wear),
    ...NO_FAILURE,
    machine_id: m.id,
    machine_model: model.name,
    timestamp,
  };
  // The tool ends during this process once its wear has reached its life: it fails (TWF) or is
  // changed in time; either way the next process starts on a new tool from the current supplier.
  let twf = false;
  if (m.wear >= m.toolLife) {
    twf = m.toolFails;
    newTool(m, sc?.tools ?? BASELINE_TOOLS);
  } else {
    m.wear += WEAR_PER_PROCESS[type] * model.wearRate * (sc ? sc.wearRate : 1);
  }
  const hdf = hdfRule(row);
  const pwf = pwfRule(row);
  const osf = osfRule(row);
  const rnf = rng.next() < RNF_PROBABILITY;
  const rnfMarked = rnf && rng.next() < RNF_MARKED_SHARE;
  if (twf || hdf || pwf || osf || rnfMarked) row.machine_failure = 1;
  if (twf) row.twf = 1;
  if (hdf) row.hdf = 1;
  if (pwf) row.pwf = 1;
  if (osf) row.osf = 1;
  if (rnf) row.rnf = 1;
  return row;
}
