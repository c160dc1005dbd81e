// The groups of machines a contract's `monitor: { drift_by: […] }` tests drift by (monitor/live/monitor.ts):
// for each attribute named, one group per level of the machine table (make=Tsugami, make=Haas, …),
// its machines and the telemetry rows they logged. Training keeps a reference sample and a
// calibrated threshold for each group with at least MIN_GROUP_ROWS rows (registry/reference-groups.ts),
// and `millwright check` lists them. Pure.
import type { Contract } from "../contract/types.js";
import type { HistoryInput } from "../features/build.js";

/**
 * Training rows a group needs for a test of its own. A day of one machine is about a hundred rows
 * (trial G: a reading every 10-15 minutes), so 1,000 is ten machine-days: fewer and the training
 * period shows too few of the group's own days for its calm windows to say what a calm day is.
 */
export const MIN_GROUP_ROWS = 1000;

export interface DriftGroupRows {
  attribute: string;
  /** The level, as the machine table writes it. */
  value: string;
  machines: string[];
  /** Telemetry row indices, ascending. */
  rows: number[];
}

/** The metric label and the key a group goes by: `make=Tsugami`. */
export const groupKey = (attribute: string, value: string): string => `${attribute}=${value}`;

/** Every group of `contract.monitor.drift_by`, attribute by attribute, levels in code order; none without. */
export function driftGroupRows(
  contract: Contract,
  d: Pick<HistoryInput, "telemetry" | "attributes">,
): DriftGroupRows[] {
  const by = contract.monitor?.driftBy ?? [];
  const cols = contract.attributes?.columns ?? [];
  const t = d.telemetry;
  const out: DriftGroupRows[] = [];
  for (const name of by) {
    const a = cols.findIndex((x) => x.name === name);
    const levels = cols[a]?.levels ?? [];
    const codes = d.attributes[a];
    if (!codes) continue;
    const groups = levels.map((value) => ({
      attribute: name,
      value,
      machines: [] as string[],
      rows: [] as number[],
    }));
    t.machines.forEach((m, i) => {
      groups[codes[i]]?.machines.push(m);
    });
    for (let i = 0; i < t.n; i++) groups[codes[t.machine[i]]]?.rows.push(i);
    // A level no machine of the telemetry has (a make the table lists but the export lacks) has no rows.
    out.push(...groups.filter((g) => g.machines.length > 0));
  }
  return out;
}

/**
 * The machines of one group by its key (`make=Okuma`, as the `group` label of
 * millwright_group_dataset_drift writes it): the telemetry's machines whose level of that category
 * attribute is the value. Any category attribute of the contract, in `drift_by` or not (a champion
 * trained before it was added still names its makes); empty when the key names none, or no machine.
 */
export function groupMachines(
  contract: Contract,
  d: Pick<HistoryInput, "telemetry" | "attributes">,
  key: string,
): string[] {
  const at = key.indexOf("=");
  if (at < 0) return [];
  const name = key.slice(0, at);
  const value = key.slice(at + 1);
  const cols = contract.attributes?.columns ?? [];
  const a = cols.findIndex((x) => x.name === name && x.kind === "category");
  const level = a < 0 ? -1 : (cols[a].levels ?? []).indexOf(value);
  const codes = d.attributes[a];
  if (level < 0 || !codes) return [];
  return d.telemetry.machines.filter((_, i) => codes[i] === level).sort();
}
