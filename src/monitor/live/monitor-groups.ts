// Drift of each group of machines a contract's `monitor.drift_by` names (make=Tsugami, …), beside
// the fleet's (monitor-drift.ts): each group keeps its own last readings (GROUP_WINDOW_ROWS), since
// the fleet's 5,000 hold about a day of a 40-machine shop and a lathe that stops for the weekend
// would have no day of its own in them on Monday; each is tested as the fleet is, the last 24 h of
// the group's own readings against the group's reference sample with the thresholds its training
// period calibrated (registry/reference-groups.ts). A group is the machines training found in it:
// its reference describes them, and a machine added since (trial G's Chun Zu thread roller, a make
// of cold headers until then) would change the group's mix and read as drift on an unchanged shop
// (its load: 27 of 312 windows); the fleet's test covers it. So too the `group` label takes only
// the version's groups.
import type { Contract } from "../../contract/types.js";
import { groupKey } from "../../data/drift-groups.js";
import type { GroupDriftGauges } from "../../metrics/group-drift.js";
import type { DriftReport } from "../drift-report.js";
import { GROUP_WINDOW_ROWS } from "../drift-window.js";
import type { GroupReference, SkippedGroup } from "../../registry/reference-sample.js";
import { contractDrift, type DriftWindow } from "./monitor-drift.js";
import { ReadingRing, ringRows } from "./reading-ring.js";

/**
 * A group's dataset drifts with one reading: a make has two to six sensors (trial G's Hartford a
 * load meter and a counter), so the fleet's third would need two of a lathe's five, and each
 * threshold is that make's own calm, so one reading past it is the news ("the Okuma lathes'
 * vibration drifted", a sensor recalibrated on one make, is one reading).
 */
export const groupDriftShare = (tested: number): number => 1 / tested;

export interface GroupDrift {
  attribute: string;
  value: string;
  /** The machines whose readings are in the group's window now. */
  machines: string[];
  drift_window: DriftWindow;
  /** As the fleet's: null until the window is full. */
  drift: DriftReport | null;
}

export class GroupWindows {
  private readonly rings = new Map<string, ReadingRing>();
  /** Each group's last report and the readings it had pushed then: a group that logged nothing since
   * (lathes at night and at the weekend) is not tested again. */
  private readonly last = new Map<string, { pushed: number; drift: GroupDrift }>();
  private readonly pushed = new Map<string, number>();
  private readonly byKey: Map<string, GroupReference>;
  /** Each machine's groups, as training found them. */
  private readonly ofMachine = new Map<string, string[]>();

  private constructor(
    private readonly contract: Contract,
    groups: GroupReference[],
    readonly skipped: SkippedGroup[],
  ) {
    this.byKey = new Map(groups.map((g) => [groupKey(g.attribute, g.value), g]));
    for (const [key, g] of this.byKey)
      for (const m of g.machines) this.ofMachine.set(m, [...(this.ofMachine.get(m) ?? []), key]);
  }

  /** The groups of a version's reference; null when it has none (no drift_by, or trained before it). */
  static of(
    contract: Contract,
    ref: { groups?: GroupReference[]; groups_skipped?: SkippedGroup[] } | null,
  ): GroupWindows | null {
    if (!ref?.groups?.length && !ref?.groups_skipped?.length) return null;
    return new GroupWindows(contract, ref.groups ?? [], ref.groups_skipped ?? []);
  }

  /** Scored reading `i` of `values` (columns as the fleet's window keeps them: a counter's rate). */
  reading(machine: string, time: number, values: readonly Float64Array[], i: number): void {
    for (const key of this.ofMachine.get(machine) ?? []) {
      let ring = this.rings.get(key);
      if (!ring) this.rings.set(key, (ring = new ReadingRing(GROUP_WINDOW_ROWS, values.length)));
      ring.push(machine, time, 0, Number.NaN, values, i);
      this.pushed.set(key, (this.pushed.get(key) ?? 0) + 1);
    }
  }

  report(): GroupDrift[] {
    return [...this.byKey].map(([key, g]) => {
      const pushed = this.pushed.get(key) ?? 0;
      const had = this.last.get(key);
      if (had && had.pushed === pushed) return had.drift;
      const drift = this.test(key, g);
      this.last.set(key, { pushed, drift });
      return drift;
    });
  }

  private test(key: string, g: GroupReference): GroupDrift {
    const ring = this.rings.get(key);
    const rows = ring ? ringRows(ring, this.contract.readings) : [];
    const { drift, window, rows: inWindow } = contractDrift(this.contract, g, rows, groupDriftShare);
    return {
      attribute: g.attribute,
      value: g.value,
      machines: [...new Set(inWindow.map((r) => r.machine))].sort(),
      drift_window: window,
      drift,
    };
  }
}

/** Sets the groups' gauges from a report; a group not tested yet (window not full) exports none. */
export function exportGroupDrift(g: GroupDriftGauges, groups: readonly GroupDrift[]): void {
  g.featureDriftScore.reset();
  g.featureDrifted.reset();
  g.driftShare.reset();
  g.datasetDrift.reset();
  for (const x of groups) {
    if (!x.drift) continue;
    const group = groupKey(x.attribute, x.value);
    for (const f of x.drift.features) {
      g.featureDriftScore.set({ group, feature: f.feature, test: f.test }, f.score);
      g.featureDrifted.set({ group, feature: f.feature }, f.drifted ? 1 : 0);
    }
    g.driftShare.set({ group }, x.drift.drift_share);
    g.datasetDrift.set({ group }, x.drift.dataset_drift ? 1 : 0);
  }
}
