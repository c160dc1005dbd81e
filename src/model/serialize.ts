// The model file: tagged, versioned JSON with plain number arrays. Keys are written in a fixed
// order, so the same model gives the same bytes (the registry hashes them). Loading checks every
// field, because a model file crosses a trust boundary (disk, registry, network) and a bad child
// index would otherwise loop or crash in the hot path, far from its cause.
//
// Version 2 added `missingLeft` per tree (where NaN goes at each split). Version 1 files have no
// such field and load with NaN going right at every split, as they predicted when written; the
// version moved so that a build which knows only version 1 refuses a version 2 file instead of
// silently sending NaN right where the trees learnt otherwise.
import { MillwrightError } from "../core/errors.js";
import { PARAM_RULES, validateParams } from "./params.js";
import type { Booster, GbdtParams, Tree } from "./types.js";

export const MODEL_FORMAT = "millwright-gbdt";
export const MODEL_FORMAT_VERSION = 2;
/** Versions this build reads: 1 (no missingLeft: NaN right) and the current one. */
const READABLE_VERSIONS: readonly number[] = [1, MODEL_FORMAT_VERSION];

const TREE_KEYS = ["feature", "threshold", "left", "right", "value", "cover", "gain"] as const;

export function boosterToJSON(b: Booster): object {
  const params: Record<string, unknown> = {};
  for (const [key] of PARAM_RULES) params[key] = b.params[key];
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    nFeatures: b.nFeatures,
    featureNames: [...b.featureNames],
    baseScore: b.baseScore,
    bestIteration: b.bestIteration,
    params,
    trees: b.trees.map((t) => ({
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold),
      left: Array.from(t.left),
      right: Array.from(t.right),
      value: Array.from(t.value),
      cover: Array.from(t.cover),
      gain: t.gain ? Array.from(t.gain) : new Array<number>(t.feature.length).fill(0),
      missingLeft: Array.from(t.missingLeft),
    })),
  };
}

function fail(source: string, message: string): never {
  throw new MillwrightError("MW_MODEL_CORRUPT", `${source}: ${message}`, { source });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function finiteNumber(source: string, where: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    fail(source, `${where} = ${JSON.stringify(v)} is not a finite number`);
  return v;
}

function numberArray(source: string, where: string, v: unknown, n: number | null): number[] {
  if (!Array.isArray(v)) fail(source, `${where} is not an array`);
  if (n !== null && v.length !== n) fail(source, `${where} has ${v.length} entries, expected ${n}`);
  for (let i = 0; i < v.length; i++) finiteNumber(source, `${where}[${i}]`, v[i]);
  return v as number[];
}

function integer(source: string, where: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max)
    fail(source, `${where} = ${v} is not an integer in [${min}, ${max}]`);
}

/** missingLeft of a version 2 tree: 0 or 1 at each split, 0 at leaves; all 0 (NaN right) for version 1. */
function parseMissingLeft(
  source: string,
  where: string,
  raw: Record<string, unknown>,
  left: number[],
  version: number,
): Uint8Array {
  const n = left.length;
  if (version === 1) {
    if ("missingLeft" in raw) fail(source, `${where}.missingLeft is not allowed in formatVersion 1`);
    return new Uint8Array(n);
  }
  const ml = numberArray(source, `${where}.missingLeft`, raw.missingLeft, n);
  for (let i = 0; i < n; i++) {
    const max = left[i] === -1 ? 0 : 1;
    integer(source, `${where}.missingLeft[${i}]`, ml[i], 0, max);
  }
  return Uint8Array.from(ml);
}

function parseTree(source: string, where: string, raw: unknown, nFeatures: number, version: number): Tree {
  if (!isObject(raw)) fail(source, `${where} is not an object`);
  const feature = numberArray(source, `${where}.feature`, raw.feature, null);
  const n = feature.length;
  if (n === 0) fail(source, `${where} has no nodes`);
  const a: Record<string, number[]> = {};
  for (const key of TREE_KEYS) a[key] = numberArray(source, `${where}.${key}`, raw[key], n);
  // Every child index points forward and every node but the root has exactly one parent: the
  // nodes form one tree, so a walk from the root always ends at a leaf.
  const parents = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const l = a.left[i];
    const r = a.right[i];
    if (l === -1 && r === -1) {
      if (a.feature[i] !== -1)
        fail(source, `${where}.feature[${i}] = ${a.feature[i]} on a leaf, expected -1`);
      continue;
    }
    integer(source, `${where}.feature[${i}]`, a.feature[i], 0, nFeatures - 1);
    integer(source, `${where}.left[${i}]`, l, i + 1, n - 1);
    integer(source, `${where}.right[${i}]`, r, i + 1, n - 1);
    if (l === r) fail(source, `${where} node ${i} has the same left and right child ${l}`);
    parents[l]++;
    parents[r]++;
  }
  for (let i = 1; i < n; i++)
    if (parents[i] !== 1) fail(source, `${where} node ${i} has ${parents[i]} parents, expected 1`);
  a.cover.forEach((c, i) => {
    if (c < 0) fail(source, `${where}.cover[${i}] = ${c} is negative`);
  });
  return {
    feature: Int32Array.from(a.feature),
    threshold: Float64Array.from(a.threshold),
    missingLeft: parseMissingLeft(source, where, raw, a.left, version),
    left: Int32Array.from(a.left),
    right: Int32Array.from(a.right),
    value: Float64Array.from(a.value),
    cover: Float64Array.from(a.cover),
    gain: Float64Array.from(a.gain),
  };
}

/** Parses and checks a model file's JSON; `source` (a path or a registry ref) prefixes every error. */
export function boosterFromJSON(obj: unknown, source: string): Booster {
  if (!isObject(obj)) fail(source, "model is not a JSON object");
  if (obj.format !== MODEL_FORMAT)
    fail(source, `format is ${JSON.stringify(obj.format)}, expected "${MODEL_FORMAT}"`);
  const version = obj.formatVersion;
  if (typeof version !== "number" || !READABLE_VERSIONS.includes(version)) {
    fail(
      source,
      `formatVersion ${JSON.stringify(version)} is not supported (this build reads ${READABLE_VERSIONS.join(" and ")})`,
    );
  }
  const nFeatures = finiteNumber(source, "nFeatures", obj.nFeatures);
  integer(source, "nFeatures", nFeatures, 1, 1_000_000);
  const names = obj.featureNames;
  if (!Array.isArray(names) || names.length !== nFeatures || names.some((x) => typeof x !== "string")) {
    fail(source, `featureNames must be ${nFeatures} strings`);
  }
  const baseScore = finiteNumber(source, "baseScore", obj.baseScore);
  const bestIteration = finiteNumber(source, "bestIteration", obj.bestIteration);
  if (!isObject(obj.params)) fail(source, "params is not an object");
  const params = validateParams(obj.params as unknown as GbdtParams, "MW_MODEL_CORRUPT", source);
  if (!Array.isArray(obj.trees)) fail(source, "trees is not an array");
  const trees = obj.trees.map((t, i) => parseTree(source, `trees[${i}]`, t, nFeatures, version));
  integer(source, "bestIteration", bestIteration, 0, trees.length);
  if (bestIteration !== trees.length)
    fail(source, `bestIteration ${bestIteration} but ${trees.length} trees`);
  return { nFeatures, featureNames: [...(names as string[])], baseScore, trees, params, bestIteration };
}
