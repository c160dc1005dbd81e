// Shop G's drift tested per make (`monitor: { drift_by: [make] }`, README "Monitoring"): each make's
// readings against its own reference sample and calibrated thresholds (registry/reference-groups.ts),
// its last 24 h kept and tested as the served monitor does (monitor/live/monitor-groups.ts), at
// every hour of the 14 days after the export, as shop-bolts-counter.test.ts tests the fleet. The
// fleet's test dilutes one make: Okuma's two lathes are 2 of 40 machines.
// Figures (seed 9): 20 makes, none skipped (3,282 to 16,417 training rows each). Okuma's vibration
// ×1.5 from the fourth later day (its sensor recalibrated): Okuma's group drifts in every window
// from a day after, the fleet's test in none. The later days are not calm for every make: 8 machines
// fail in them, and a make drifts in the days before its machine fails (Tsugami's oil 2.4× its
// threshold before L-10's lube failure; Tesker's vibration before R-04's bearing), which is news,
// not noise; apart from those, one window of one make (Fanuc, bearing temperature 1.07× its
// threshold) in 5,862.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { type ContractData, readContractData } from "../../src/data/contract-data.js";
import { type ReferenceSample, referenceSample } from "../../src/registry/reference-sample.js";
import { contractDrift } from "../../src/monitor/live/monitor-drift.js";
import { type GroupDrift, GroupWindows } from "../../src/monitor/live/monitor-groups.js";
import { SHOP_BOLTS_CONTRACT } from "../helpers/shop-bolts-contract.js";
import { writeShopBolts } from "../helpers/shop-bolts-files.js";
import { laterContract, liveRows } from "../helpers/shop-bolts-live.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BY_MAKE = SHOP_BOLTS_CONTRACT.replace("\nhistory:", "\nmonitor: { drift_by: [make] }\nhistory:");
const later = laterContract;
const shop = writeShopBolts({ seed: 9 }, { "make.yaml": BY_MAKE, "make-later.yaml": later(BY_MAKE) });
after(() => rmSync(shop.dir, { recursive: true, force: true }));
const read = (file: string, learn: boolean) =>
  readContractData(loadContract(join(shop.dir, file)).contract, { learn, labels: "no" });

type Row = ReturnType<typeof liveRows>[number];
/** One reading's values as the columns of a group of one. */
const columnsOf = (values: readonly (number | null)[]) => values.map((v) => Float64Array.of(v ?? Number.NaN));

/** The groups' reports at each hour from a day after the export's end, fed reading by reading. */
function hourly(trained: ContractData, ref: Partial<ReferenceSample>, rows: Row[]) {
  const groups = GroupWindows.of(trained.contract, ref) as GroupWindows;
  const out: { at: number; groups: GroupDrift[] }[] = [];
  let k = 0;
  for (let at = shop.exportEnd + DAY; at <= shop.end; at += HOUR) {
    for (; k < rows.length && rows[k].time < at; k++)
      groups.reading(rows[k].machine, rows[k].time, columnsOf(rows[k].values), 0);
    out.push({ at, groups: groups.report() });
  }
  return out;
}

/** The same rows with `reading` × k on `machines` from `from` (a sensor recalibrated). */
function scaled(rows: Row[], machines: string[], reading: number, from: number, k: number): Row[] {
  return rows.map((r) =>
    r.time >= from && machines.includes(r.machine) && typeof r.values[reading] === "number"
      ? { ...r, values: r.values.map((v, j) => (j === reading ? (v as number) * k : v)) }
      : r,
  );
}

const FROM = shop.exportEnd + 3 * DAY;
const failures = shop.events.filter((e) => e.table === "failures" && e.time >= shop.exportEnd);
let trained: ContractData;
let ref: ReferenceSample;
let okuma: NonNullable<ReferenceSample["groups"]>[number];
/** Every group, Okuma's vibration ×1.5 from FROM: the other makes are the unchanged fleet. */
let changed: { at: number; groups: GroupDrift[] }[];
let rows: Row[];
let vib: number;

before(() => {
  trained = read("make.yaml", true);
  ref = referenceSample(trained, { test: { p: new Float64Array(), y: new Uint8Array() } } as never, 1);
  okuma = (ref.groups ?? []).find((g) => g.value === "Okuma") as typeof okuma;
  rows = liveRows(read("make-later.yaml", false));
  vib = trained.contract.readings.findIndex((r) => r.name === "vibration");
  changed = hourly(trained, ref, scaled(rows, okuma.machines, vib, FROM, 1.5));
});

test("training keeps a reference and thresholds per make, additively", (t) => {
  const groups = ref.groups ?? [];
  t.diagnostic(
    `${groups.length} makes, ${ref.groups_skipped?.length} skipped; training rows ${Math.min(...groups.map((g) => g.training_rows))} to ${Math.max(...groups.map((g) => g.training_rows))}`,
  );
  assert.equal(groups.length + (ref.groups_skipped?.length ?? 0), 20);
  assert.deepEqual(okuma.machines.sort(), ["L-06", "L-07"]);
  // Only the readings a make has: Okuma's lathes have no oil temperature.
  assert.ok(okuma.columns.vibration && !okuma.columns.oil_temp, Object.keys(okuma.columns).join());
  assert.ok(okuma.calibration.features.vibration.threshold >= okuma.calibration.features.vibration.calm);
});

test("Okuma's vibration ×1.5 from the fourth day is reported for Okuma in every window from a day after; the fleet's test does not see it", (t) => {
  const ok = changed.map((x) => ({ at: x.at, g: x.groups.find((g) => g.value === "Okuma") as GroupDrift }));
  const full = ok.filter((x) => x.at >= FROM + DAY && x.g.drift);
  const drifted = full.filter((x) => x.g.drift?.dataset_drift);
  const v = (x: (typeof ok)[number]) => x.g.drift?.features.find((f) => f.feature === "vibration");
  t.diagnostic(
    `Okuma: ${drifted.length} of ${full.length} full windows from a day after drifted; smallest vibration ${Math.min(...full.map((x) => v(x)?.score ?? 0)).toFixed(2)} of ${v(full[0])?.threshold.toFixed(2)}`,
  );
  assert.ok(full.length >= 150, `${full.length} full windows`);
  assert.equal(drifted.length, full.length);
  for (const x of drifted) assert.ok(v(x)?.drifted, "vibration is the reading that drifted");
  const before = ok.filter((x) => x.at <= FROM && x.g.drift);
  for (const x of before) assert.equal(x.g.drift?.dataset_drift, false, new Date(x.at).toISOString());
  // The fleet's test, every 6 hours on the same rows: Okuma's 2 lathes are diluted in 40 machines.
  const fleet: boolean[] = [];
  const all = scaled(rows, okuma.machines, vib, FROM, 1.5);
  for (let at = FROM + DAY, end = 0; at <= shop.end; at += 6 * HOUR) {
    while (end < all.length && all[end].time < at) end++;
    const f = contractDrift(trained.contract, ref, all.slice(Math.max(0, end - 5000), end)).drift;
    fleet.push(f?.features.find((x) => x.feature === "vibration")?.drifted ?? false);
  }
  t.diagnostic(`fleet: vibration drifted in ${fleet.filter(Boolean).length} of ${fleet.length} windows`);
  assert.equal(fleet.filter(Boolean).length, 0);
});

test("the other makes are unchanged: a make drifts only in the days before one of its machines fails", (t) => {
  let windows = 0;
  const unexplained: string[] = [];
  for (const x of changed)
    for (const g of x.groups) {
      if (g.value === "Okuma" || !g.drift) continue;
      windows++;
      // The new Chun Zu roller is not one of the make's trained machines: the fleet's test has it.
      assert.ok(!g.machines.includes("R-09"), `${g.value}: ${g.machines.join()}`);
      if (!g.drift.dataset_drift) continue;
      const members = (ref.groups ?? []).find((r) => r.value === g.value)?.machines ?? [];
      const failing = failures.some(
        (f) => members.includes(f.machine) && x.at >= f.time - 5 * DAY && x.at <= f.time + 3 * DAY,
      );
      if (!failing)
        unexplained.push(
          `${g.value} ${new Date(x.at).toISOString()} ${g.drift.features
            .filter((f) => f.drifted)
            .map((f) => `${f.feature} ${f.score.toFixed(2)}/${f.threshold.toFixed(2)}`)
            .join(" ")}`,
        );
    }
  const byMake = new Map<string, number>();
  for (const x of changed)
    for (const g of x.groups)
      if (g.value !== "Okuma" && g.drift?.dataset_drift) byMake.set(g.value, (byMake.get(g.value) ?? 0) + 1);
  t.diagnostic(`drifted windows by make: ${[...byMake].map(([k, n]) => `${k} ${n}`).join(", ")}`);
  t.diagnostic(
    `${unexplained.length} of ${windows} group windows drifted with no failure near: ${unexplained.join("; ")}`,
  );
  assert.ok(windows >= 19 * 250, `${windows} group windows`);
  // Two episodes (seed 9): Tsugami's one lathe on a day of one job's spindle speed (1.94 against 1.92:
  // a window that stood through the night, the lathe off, so 9 hourly looks), and Fanuc's once.
  assert.ok(unexplained.length <= 10, unexplained.join("\n"));
  assert.ok(new Set(unexplained.map((u) => u.split(" ")[0])).size <= 2, unexplained.join("\n"));
  // Okuma itself, unchanged: no drift in its 14 days (no Okuma machine fails in them).
  const calm = hourly(trained, { groups: [okuma] }, rows);
  const d = calm.filter((x) => x.groups[0].drift?.dataset_drift).length;
  t.diagnostic(`Okuma unchanged: ${d} of ${calm.filter((x) => x.groups[0].drift).length} windows drifted`);
  assert.equal(d, 0);
});
