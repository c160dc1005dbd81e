// A logged reading's values in the order of the contract that reads them now. The history log keeps a
// reading's values as its model scored them: in that model's contract order, categories as that
// model's codes. A contract keeps its name (and its log) through edits, so a later version may add,
// drop, reorder or re-level its readings, or give one another unit: replayed by position, an old
// reading's bearing temperature came back as vibration (trial 5). Aligned by name instead: a reading
// the old version lacked is missing (null), one the new version dropped is left out, a category's
// code goes by its level, and a number in another unit is converted where the two units are known
// to the contract's units (else missing). Pure; the caller says where a version's contract is.
import type { ReadingSpec } from "../contract/types.js";
import { unitConversion } from "../contract/units.js";

export type ReadingShape = Pick<ReadingSpec, "name" | "kind" | "unit" | "levels">;

/** Per reading of the contract now: where its value is in the old order, and how it turns. */
interface Mapping {
  from: Int32Array;
  /** Per reading: old category code → new code (null: that level is gone), or null for none. */
  codes: ((number | null)[] | null)[];
  /** Per reading: old unit → new, or null for none. */
  scale: ({ scale: number; offset: number } | null)[];
}

const sameShape = (a: readonly ReadingShape[], b: readonly ReadingShape[]) =>
  a.length === b.length &&
  a.every(
    (r, j) =>
      r.name === b[j].name &&
      r.kind === b[j].kind &&
      r.unit === b[j].unit &&
      (r.kind !== "category" || (r.levels ?? []).join("\u0000") === (b[j].levels ?? []).join("\u0000")),
  );

function mappingOf(now: readonly ReadingShape[], old: readonly ReadingShape[]): Mapping {
  const at = new Map(old.map((r, i) => [r.name, i]));
  const from = new Int32Array(now.length).fill(-1);
  const codes: Mapping["codes"] = [];
  const scale: Mapping["scale"] = [];
  now.forEach((r, j) => {
    const i = at.get(r.name);
    const o = i === undefined ? null : old[i];
    codes.push(null);
    scale.push(null);
    // A reading that changed between category and number is not the same measurement: missing.
    if (!o || (o.kind === "category") !== (r.kind === "category")) return;
    if (r.kind === "category") {
      const level = new Map((r.levels ?? []).map((l, k) => [l, k]));
      codes[j] = (o.levels ?? []).map((l) => level.get(l) ?? null);
    } else if (o.unit !== r.unit) {
      const c = unitConversion(o.unit, r.unit);
      if (!c) return;
      scale[j] = c;
    }
    from[j] = i as number;
  });
  return { from, codes, scale };
}

/** Aligns logged values to one contract's readings; a version's own readings come from `readingsOf`. */
export class ValueAligner {
  /** Per logged model version: null when its order is this one's (the values are taken as they are). */
  private readonly maps = new Map<string, Mapping | null>();
  private lastVersion: string | null = null;
  private lastMap: Mapping | null = null;
  /** Versions whose contract could not be found and whose values did not fit: their values are missing. */
  readonly unknown = new Set<string>();

  constructor(
    private readonly now: readonly ReadingShape[],
    private readonly readingsOf: (version: string) => readonly ReadingShape[] | null,
  ) {}

  /** A logged reading with its values in this contract's order: itself when nothing changed. */
  reading<R extends { modelVersion: string; values: (number | null)[] }>(r: R): R {
    const values = this.values(r.modelVersion, r.values);
    return values === r.values ? r : { ...r, values };
  }

  /** `values` as logged by `version`, in this contract's order (the same array when nothing changed). */
  values(version: string, values: readonly (number | null)[]): (number | null)[] {
    // A replay meets one version for long runs of readings: its mapping without a Map lookup.
    if (version === this.lastVersion && this.lastMap === null) return values as (number | null)[];
    let m = this.maps.get(version);
    if (m === undefined) {
      const old = this.readingsOf(version);
      if (old === null) {
        // A version the registry no longer has: its values fit only if they are as many as ours
        // (the old behaviour); otherwise none of them can be placed.
        m =
          values.length === this.now.length
            ? null
            : { from: new Int32Array(this.now.length).fill(-1), codes: [], scale: [] };
        if (m) this.unknown.add(version);
      } else m = sameShape(this.now, old) ? null : mappingOf(this.now, old);
      this.maps.set(version, m);
    }
    this.lastVersion = version;
    this.lastMap = m;
    if (m === null) return values as (number | null)[];
    const out = new Array<number | null>(this.now.length);
    for (let j = 0; j < out.length; j++) {
      const i = m.from[j];
      const v = i < 0 ? null : (values[i] ?? null);
      if (v === null) out[j] = null;
      else if (m.codes[j]) out[j] = (m.codes[j] as (number | null)[])[v] ?? null;
      else if (m.scale[j]) {
        const c = m.scale[j] as { scale: number; offset: number };
        out[j] = v * c.scale + c.offset;
      } else out[j] = v;
    }
    return out;
  }
}
