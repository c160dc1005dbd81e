// The AI4I 2020 failure-mode rules (S. Matzka, 2020), as published, in one place: the simulator
// flags its rows with them and the tests recompute them from the rows read back from CSV.
//
// They are applied to the ROUNDED readings (0.1 K, whole rpm, 0.1 Nm, whole minutes), in the same
// floating-point expression order as src/features/physics.ts, so a row read back from the CSV, or
// turned into features, satisfies exactly the flags it carries: no boundary row disagrees.
import type { ProductType, RawFeature, Reading } from "./schema.js";

/** HDF: the process–air temperature difference is below this (K) … */
export const HDF_MAX_TEMP_DIFF = 8.6;
/** … while the spindle turns slower than this (rpm). */
export const HDF_MAX_SPEED = 1380;
/** PWF: mechanical power outside [min, max] (W). */
export const PWF_MIN_POWER = 3500;
export const PWF_MAX_POWER = 9000;
/** OSF: tool wear × torque above this (min·Nm), by quality variant. */
export const OSF_MAX_STRAIN: Record<ProductType, number> = { L: 11_000, M: 12_000, H: 13_000 };

const RPM_TO_RAD_S = (2 * Math.PI) / 60;

/** What the failure rules read: a reading's variant and sensors. */
export type RuleInput = Pick<Reading, "type" | RawFeature>;

export function hdfRule(r: RuleInput): boolean {
  return r.process_temperature - r.air_temperature < HDF_MAX_TEMP_DIFF && r.rotational_speed < HDF_MAX_SPEED;
}

/** Mechanical power in W, the same expression (and order of operations) as the `power` feature. */
export function powerOf(r: Pick<RuleInput, "torque" | "rotational_speed">): number {
  return r.torque * r.rotational_speed * RPM_TO_RAD_S;
}

export function pwfRule(r: RuleInput): boolean {
  const p = powerOf(r);
  return p < PWF_MIN_POWER || p > PWF_MAX_POWER;
}

export function osfRule(r: RuleInput): boolean {
  return r.tool_wear * r.torque > OSF_MAX_STRAIN[r.type];
}

/** Rounds like the AI4I file: temperatures and torque to 0.1, speed and wear to whole units. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
