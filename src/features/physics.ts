// Derived physics features, the one place both training and serving compute them, so the two can
// never disagree (training/serving skew is the classic silent failure of a served model).
//
// Why each exists: the AI4I failure modes are threshold rules on exactly these quantities, which
// trees can only approximate from the raw columns with many staircase splits.
// - temp_diff = process − air temperature (K): heat dissipation fails (HDF) when it is below 8.6 K
//   at low speed; the raw temperatures only carry it as a difference of two noisy walks.
// - power = torque × angular speed (W), ω = rpm·2π/60: power failure (PWF) outside 3500–9000 W.
//   A product of two columns is a hyperbola in raw space: no axis-aligned split finds it.
// - strain = tool wear × torque (min·Nm): overstrain (OSF) above 11,000/12,000/13,000 for L/M/H.
import { PRODUCT_TYPES, type ProductType, RAW_FEATURES, type Reading } from "../data/schema.js";
import type { FeatureMatrix } from "./build.js";

export const FEATURE_NAMES = ["type", ...RAW_FEATURES, "temp_diff", "power", "strain"] as const;
export const N_FEATURES = FEATURE_NAMES.length;

/** Ordinal code of the quality variant: L < M < H, the order of their OSF thresholds. */
export function typeCode(t: ProductType): number {
  return PRODUCT_TYPES.indexOf(t);
}

const RPM_TO_RAD_S = (2 * Math.PI) / 60;

/** Writes the feature vector of one reading into `out` at `offset` (row-major). */
export function writeFeatures(r: Reading, out: Float64Array, offset: number): void {
  out[offset] = typeCode(r.type);
  out[offset + 1] = r.air_temperature;
  out[offset + 2] = r.process_temperature;
  out[offset + 3] = r.rotational_speed;
  out[offset + 4] = r.torque;
  out[offset + 5] = r.tool_wear;
  out[offset + 6] = r.process_temperature - r.air_temperature;
  out[offset + 7] = r.torque * r.rotational_speed * RPM_TO_RAD_S;
  out[offset + 8] = r.tool_wear * r.torque;
}

/**
 * The same matrix from columns: type codes (typeCode) and the five raw features per row, row-major,
 * in RAW_FEATURES order. Same arithmetic as writeFeatures, so the same bits.
 */
export function featureMatrixOfColumns(type: Uint8Array, raw: Float64Array, nRows: number): FeatureMatrix {
  const data = new Float64Array(nRows * N_FEATURES);
  for (let i = 0; i < nRows; i++) {
    const a = i * 5;
    const o = i * N_FEATURES;
    const air = raw[a];
    const proc = raw[a + 1];
    const rpm = raw[a + 2];
    const torque = raw[a + 3];
    const wear = raw[a + 4];
    data[o] = type[i];
    data[o + 1] = air;
    data[o + 2] = proc;
    data[o + 3] = rpm;
    data[o + 4] = torque;
    data[o + 5] = wear;
    data[o + 6] = proc - air;
    data[o + 7] = torque * rpm * RPM_TO_RAD_S;
    data[o + 8] = wear * torque;
  }
  return { data, nRows, nCols: N_FEATURES };
}

export function featureMatrix(rows: readonly Reading[]): FeatureMatrix {
  const data = new Float64Array(rows.length * N_FEATURES);
  for (let i = 0; i < rows.length; i++) writeFeatures(rows[i], data, i * N_FEATURES);
  return { data, nRows: rows.length, nCols: N_FEATURES };
}
