// The drift gauges of each group of machines a contract's `monitor.drift_by` names, set by a
// data-contract server's monitor (monitor/live/monitor-groups.ts). Their own names, not a `group`
// label on the fleet's: the fleet's alert and drift dashboard read `max(millwright_dataset_drift)`,
// which would then page on one make as on the fleet. The `group` label (`make=Tsugami`) takes only
// the groups the served version was trained with (its reference.json), so its values are bounded by
// the machine table's levels; a machine's id is never a label.
import { Gauge, type Registry } from "prom-client";

export function groupDriftGauges(registry: Registry) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  return {
    featureDriftScore: gauge(
      "millwright_group_feature_drift_score",
      "Drift score per group of machines (monitor.drift_by, e.g. make=Tsugami) and reading (p-value or distance, see the test label).",
      ["group", "feature", "test"],
    ),
    featureDrifted: gauge(
      "millwright_group_feature_drifted",
      "1 when the reading drifted within the group of machines.",
      ["group", "feature"],
    ),
    driftShare: gauge(
      "millwright_group_drift_share",
      "Share of the group's readings that drifted (ratio 0-1).",
      ["group"],
    ),
    datasetDrift: gauge(
      "millwright_group_dataset_drift",
      "1 when the group's share of drifted readings reaches the dataset drift threshold.",
      ["group"],
    ),
  };
}

export type GroupDriftGauges = ReturnType<typeof groupDriftGauges>;
