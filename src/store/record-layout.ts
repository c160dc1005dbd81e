// One prediction record as numbers, in one place: the log's journal (sqlite/journal-codec.ts) and
// the fleet cache (serve/fleet-cache.ts) pack a record into a Float64Array at these offsets, a null
// mode travels as NaN and comes back as null, and the likeliest mode is chosen by one rule for the
// answers (serve/answers.ts) and the fleet board. Pure: no I/O.
import { RAW_FEATURES } from "../data/schema.js";
import type { PredictionBatch, PredictionRecord } from "./types.js";

/** Where each of a record's numbers sits, from the record's first number. */
export const AT = {
  predictedAt: 0,
  /** The five RAW_FEATURES, in their order, from here. */
  raw: 1,
  failureProbability: 6,
  /** 1 or 0. */
  failurePredicted: 7,
  /** The mode probabilities (NaN for null), in the group's key order, from here. */
  modes: 8,
} as const;

/** Raw readings per record (RAW_FEATURES.length). */
export const RAW_COUNT = RAW_FEATURES.length;

/** Numbers per record with `modeCount` modes. */
export function recordWidth(modeCount: number): number {
  return AT.modes + modeCount;
}

/** A mode probability as packed: null (and a missing key) travel as NaN. */
export function packedMode(v: number | null | undefined): number {
  return v ?? Number.NaN;
}

/** A packed mode back: NaN is null. */
export function unpackedMode(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

/** True when `modes` has exactly `keys`, in that order (then its values can be packed by key). */
export function hasKeys(modes: Readonly<Record<string, unknown>>, keys: readonly string[]): boolean {
  let n = 0;
  for (const k in modes) {
    if (k !== keys[n]) return false;
    n++;
  }
  return n === keys.length;
}

/**
 * Packs record `r` at nums[o..]: its modes by `keys` when `packModes` (the caller checked hasKeys),
 * zeros otherwise (the caller keeps that record's modes object itself).
 */
export function packRecord(
  nums: Float64Array,
  o: number,
  r: PredictionRecord,
  keys: readonly string[],
  packModes: boolean,
): void {
  const x = r.reading;
  nums[o + AT.predictedAt] = r.predictedAt;
  for (let f = 0; f < RAW_COUNT; f++) nums[o + AT.raw + f] = x[RAW_FEATURES[f]];
  nums[o + AT.failureProbability] = r.failureProbability;
  nums[o + AT.failurePredicted] = r.failurePredicted ? 1 : 0;
  const m = o + AT.modes;
  for (let k = 0; k < keys.length; k++) nums[m + k] = packModes ? packedMode(r.modes[keys[k]]) : 0;
}

/** Packs record `i` of a batch at nums[o..]: its modes when `packModes`, zeros otherwise. */
export function packBatchRecord(
  nums: Float64Array,
  o: number,
  b: PredictionBatch,
  i: number,
  modeCount: number,
  packModes: boolean,
): void {
  const a = i * RAW_COUNT;
  nums[o + AT.predictedAt] = b.predictedAt;
  for (let f = 0; f < RAW_COUNT; f++) nums[o + AT.raw + f] = b.raw[a + f];
  nums[o + AT.failureProbability] = b.failureProbability[i];
  nums[o + AT.failurePredicted] = b.failurePredicted[i];
  const k = b.modeKeys.length;
  for (let h = 0; h < modeCount; h++) nums[o + AT.modes + h] = packModes ? b.modes[i * k + h] : 0;
}

/** The modes object of `keys`, from packed values at values[o..] (NaN → null). */
export function unpackModes(
  values: ArrayLike<number>,
  o: number,
  keys: readonly string[],
): Record<string, number | null> {
  const m: Record<string, number | null> = {};
  for (let k = 0; k < keys.length; k++) m[keys[k]] = unpackedMode(values[o + k]);
  return m;
}

/**
 * The likeliest mode among `count` values from values[o]: the index of the first of the highest;
 * a null or NaN mode never is; -1 when none has a value.
 */
export function likeliest(values: ArrayLike<number | null>, o: number, count: number): number {
  let best = -1;
  let bestP = Number.NEGATIVE_INFINITY;
  for (let h = 0; h < count; h++) {
    const v = values[o + h];
    if (v !== null && v > bestP) {
      bestP = v;
      best = h;
    }
  }
  return best;
}

/** The likeliest of a modes object's `keys` (see likeliest), or null. */
export function likeliestKey(
  modes: Readonly<Record<string, number | null>>,
  keys: readonly string[],
): string | null {
  const values = keys.map((k) => (typeof modes[k] === "number" ? (modes[k] as number) : null));
  const h = likeliest(values, 0, keys.length);
  return h < 0 ? null : keys[h];
}
