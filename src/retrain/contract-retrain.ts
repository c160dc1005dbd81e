// One retraining of a data-contract model: a challenger trained with the champion's stored contract
// on the champion's training data plus what the server received since (contract-data.ts), then
// champion and challenger scored on the same latest time slice (or the champion's held-out
// machines, when it was split by machine) and gated (evaluate/compare.ts, the
// AI4I loop's rules). The trainer is passed in (registry/train-history.ts in the server), so this
// module never reaches into the CLI.
import { join } from "node:path";
import type { ContractData } from "../data/contract-data.js";
import { readContractData } from "../data/contract-data.js";
import { type GateDecision, type GateMetric, gate } from "../evaluate/compare.js";
import { type GroupSlice, type GroupVerdict, groupGuard, groupSlice } from "../evaluate/group-guard.js";
import { KIND_TOLERANCE, type KindGuard, type KindSlice, kindGuard } from "../evaluate/kind-guard.js";
import { type BinaryEvaluation, evaluateBinary } from "../evaluate/metrics.js";
import { averagePrecision } from "../evaluate/ranking.js";
import type { HistoryFitOptions } from "../train/fit-history.js";
import { type HistoryModel, predictHistoryModel } from "../train/history-model.js";
import type { ModelRegistry } from "../registry/registry.js";
import { groupMachines } from "../data/drift-groups.js";
import { failuresBehind } from "../features/labels.js";
import { labelledFeatures } from "../registry/train-history.js";
import type { LogEntry } from "../store/history/types.js";
import { retrainFiles } from "./contract-data.js";
import { makeRunDir, removeRunDir, removeStaleRunDirs } from "./run-dirs.js";

/** Trains and registers a version: trainHistoryAndRegister, or trainInWorker off the event loop. */
export type ContractTrainer = (
  registry: ModelRegistry,
  data: ContractData,
  contractText: string,
  opts: HistoryFitOptions,
) => { version: string } | Promise<{ version: string }>;

export interface ContractRetrainOptions {
  registry: ModelRegistry;
  champion: string;
  /** Everything the server logged (readings and events), in log order. */
  entries: readonly LogEntry[];
  train: ContractTrainer;
  workDir: string;
  seed: number;
  gate: ContractGate;
  run: string;
  /**
   * The group of machines the alert that started the run was about (its `group` label:
   * `make=Okuma`, MillwrightGroupDrift): the challenger is judged on the group's rows of the slice
   * too (evaluate/group-guard.ts). None (a manual run, a fleet alert): not looked at.
   */
  group?: string;
}

/** The gate's settings: the overall head's metric, margin and minimum, and the kinds' tolerance (kind-guard.ts). */
export interface ContractGate {
  metric: GateMetric;
  margin: number;
  minimum: number;
  /** The most PR-AUC a kind head with enough failures in the slice may lose (1: not checked; default KIND_TOLERANCE). */
  kindTolerance?: number;
}

export interface ContractRetrainDecision {
  verdict: "promote" | "kept";
  reason: string;
  champion: { version: string; metrics: BinaryEvaluation | null };
  challenger: { version: string; metrics: BinaryEvaluation | null };
  gate: GateDecision;
  /** Each failure kind's head on the same slice (kind-guard.ts); a judged kind that lost too much keeps the champion. */
  kinds: KindGuard["kinds"];
  /**
   * Only for a run an alert about one group of machines started: that group's rows and failures in
   * the slice and both models' PR-AUC and recall on them (group-guard.ts). Not judged (too few
   * failures) or judged worse by more than the kind tolerance: the champion is kept.
   */
  group?: GroupVerdict;
  run: string;
  /**
   * The gate's slice: every row at or after test_from (a time split), or of the champion's held-out
   * machines, whose label is known. `positive_rows` are its rows labelled a failure (with failure
   * events, readings with one within the horizon after them: many per failure); `failures` the
   * failures behind them (the distinct failure events within the horizon after a slice row, as the
   * card counts its test part's), equal to `positive_rows` for a row-labelled contract.
   */
  slice: {
    test_from: number | null;
    machines?: string[];
    rows: number;
    positive_rows: number;
    failures: number;
  };
  data: { base_rows: number; production_rows: number; production_events: number; rows: number };
}

/** The gate of a server's retraining settings (MILLWRIGHT_GATE_*). */
export function gateOf(r: ContractGate): ContractGate {
  return { metric: r.metric, margin: r.margin, minimum: r.minimum, kindTolerance: r.kindTolerance };
}

/** The gate's rows: from a time on (a time split), or every row of the held-out machines. */
type Slice = { from: number } | { machines: ReadonlySet<string> };

/** A model's machine-failure metrics on the slice's rows whose label is known. */
function evaluateSlice(
  m: HistoryModel,
  files: { telemetry: string; events: Record<string, string> },
  attributes: string | null,
  slice: Slice,
  /** The machines of the group the alert was about; null: no group. */
  group: ReadonlySet<string> | null,
): {
  metrics: BinaryEvaluation;
  kinds: Record<string, KindSlice>;
  rows: number;
  positive_rows: number;
  /** Failures behind the slice's readings: machine_failure's and each kind's. */
  failures: Record<string, number>;
  /** The group's rows of the slice: the overall head's figures there, its rows and failures. */
  group: (GroupSlice & { rows: number; positive_rows: number; failures: number }) | null;
} {
  const c = {
    ...m.contract,
    attributes: m.contract.attributes && { ...m.contract.attributes, file: attributes },
  };
  const data = readContractData(c, {
    telemetry: files.telemetry,
    events: files.events,
    learn: false,
    labels: "require",
  });
  const { X, heads, usable, horizon } = labelledFeatures(data);
  const scored = predictHistoryModel(m, X);
  const p = scored.machine_failure as Float64Array;
  const y = heads.get("machine_failure") as Uint8Array;
  const ys: number[] = [];
  const ps: number[] = [];
  const rows: number[] = [];
  const groupRows: number[] = [];
  const { machine, machines } = data.telemetry;
  data.telemetry.time.forEach((t, i) => {
    const inSlice = "from" in slice ? t >= slice.from : slice.machines.has(machines[machine[i]]);
    if (inSlice && usable[i]) {
      ys.push(y[i]);
      ps.push(p[i]);
      rows.push(i);
      if (group?.has(machines[machine[i]])) groupRows.push(i);
    }
  });
  const positives = ys.reduce((a, b) => a + b, 0);
  // A kind without labels here, or without a head in this model (too few failures to fit one), is not scored.
  const kindNames = m.headNames.filter((h) => h !== "machine_failure" && heads.get(h) && scored[h]);
  const kinds: Record<string, KindSlice> = {};
  const kindPositives: Record<string, number> = {};
  for (const k of kindNames) {
    const yk = heads.get(k) as Uint8Array;
    const pk = scored[k] as Float64Array;
    const ys = rows.map((i) => yk[i]);
    kinds[k] = {
      pr_auc: averagePrecision(
        ys,
        rows.map((i) => pk[i]),
      ),
    };
    kindPositives[k] = ys.reduce((a, b) => a + b, 0);
  }
  // A positive row of a failure-event contract is a reading within the horizon before a failure:
  // count the failures themselves, as the card and `train` do (trial 3: 160 "failures" were 8).
  const failures =
    c.failures && data.failures
      ? failuresBehind(data.telemetry, data.failures, kindNames, horizon, rows)
      : { machine_failure: positives, ...kindPositives };
  let groupFigures: ReturnType<typeof evaluateSlice>["group"] = null;
  if (group) {
    const gy = groupRows.map((i) => y[i]);
    const gPositives = gy.reduce((a, b) => a + b, 0);
    groupFigures = {
      ...groupSlice(
        gy,
        groupRows.map((i) => p[i]),
        m.threshold.value,
      ),
      rows: groupRows.length,
      positive_rows: gPositives,
      failures:
        c.failures && data.failures
          ? failuresBehind(data.telemetry, data.failures, [], horizon, groupRows).machine_failure
          : gPositives,
    };
  }
  return {
    metrics: evaluateBinary(ys, ps, m.threshold.value),
    kinds,
    rows: ys.length,
    positive_rows: positives,
    failures,
    group: groupFigures,
  };
}

export async function retrainContract(o: ContractRetrainOptions): Promise<ContractRetrainDecision> {
  const champ = o.registry.historyModel(o.champion);
  // A run killed before its end left its folder: gone now, unless a live retraining owns it.
  removeStaleRunDirs(o.workDir);
  const dir = join(o.workDir, `run-${o.run}`);
  makeRunDir(dir);
  try {
    const files = retrainFiles(o.registry, o.champion, champ.contract, o.entries, dir);
    const data = readContractData(files.contract, {
      telemetry: files.telemetry,
      events: files.events,
      learn: true,
      labels: "require",
    });
    // The latest fifth of the time range, and never earlier than the champion's own test part: the
    // champion was fitted on no row of the slice either, so the comparison is fair to both.
    const time = data.telemetry.time;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const t of time) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    const champSplit = (o.registry.readJson(o.champion, "lineage.json")?.split ?? null) as {
      testFrom?: number | null;
      testMachines?: string[] | null;
    } | null;
    // A champion tested on held-out machines (run-to-failure units, --split machine) was fitted on
    // every time of the others, so a latest-time slice would grade it on rows it learned: the
    // challenger holds out the same machines, and both are scored on all of their rows.
    const held = champSplit?.testMachines?.length ? champSplit.testMachines : null;
    // Rows that time only orders (a row-labelled contract without a machine column: AI4I) are gated,
    // as the AI4I loop gates, on the newest 30 % of the labelled readings the server logged, and the
    // challenger fits on the older 70 % (its validation spread among them, not their newest part).
    const c = champ.contract;
    const rowsOnly = !c.machine && !c.failures && !c.history && files.production_rows > 0;
    const firstLogged = time[files.base_rows] ?? hi;
    const cut = rowsOnly ? firstLogged + 0.7 * (hi - firstLogged) : lo + 0.8 * (hi - lo);
    const from = Math.max(cut, champSplit?.testFrom ?? Number.NEGATIVE_INFINITY);
    const testFrom = champ.contract.time?.counter ? Math.ceil(from) : from;
    const threshold =
      champ.threshold.method === "cost"
        ? {
            method: "cost" as const,
            costMiss: champ.threshold.costMiss ?? 1,
            costFalseAlarm: champ.threshold.costFalseAlarm ?? 1,
          }
        : { method: "f1" as const };
    const { version } = await o.train(o.registry, data, files.contractText, {
      seed: o.seed,
      split: held
        ? { by: "machine", testMachines: held }
        : { by: "time", testFrom, validation: rowsOnly ? "spread" : "latest" },
      threshold,
    });
    const chall = o.registry.historyModel(version);
    const attributes = files.contract.attributes?.file ?? null;
    const slice: Slice = held ? { machines: new Set(held) } : { from: testFrom };
    // The group the alert was about: its machines as the retraining's machine table has them.
    const machines = o.group === undefined ? null : groupMachines(data.contract, data, o.group);
    const inGroup = machines && new Set(machines);
    const ce = evaluateSlice(champ, files, attributes, slice, inGroup);
    const xe = evaluateSlice(chall, files, attributes, slice, inGroup);
    const g = gate(ce.metrics, xe.metrics, {
      metric: o.gate.metric,
      minMargin: o.gate.margin,
      minimum: o.gate.minimum,
    });
    // Failures of a kind only one model has a head for are counted too (listed, never judged).
    const failures = { ...ce.failures, ...xe.failures };
    const tolerance = o.gate.kindTolerance ?? KIND_TOLERANCE;
    const guard = kindGuard(ce.kinds, xe.kinds, failures, tolerance);
    const grouped =
      o.group !== undefined && machines && ce.group && xe.group
        ? groupGuard(
            {
              name: o.group,
              machines,
              rows: xe.group.rows,
              positive_rows: xe.group.positive_rows,
              failures: xe.group.failures,
            },
            { pr_auc: ce.group.pr_auc, recall: ce.group.recall },
            { pr_auc: xe.group.pr_auc, recall: xe.group.recall },
            tolerance,
          )
        : null;
    const promote = g.promote && guard.pass && (grouped?.pass ?? true);
    // The overall head's verdict first: a kept challenger is kept by the gate before any kind, and
    // by a kind before the group.
    const but = guard.reason ? `the ${guard.reason}` : (grouped?.reason ?? null);
    return {
      verdict: promote ? "promote" : "kept",
      reason: g.promote && but ? `${g.reason}, but ${but}` : g.reason,
      kinds: guard.kinds,
      ...(grouped ? { group: grouped.group } : {}),
      champion: { version: o.champion, metrics: ce.metrics },
      challenger: { version, metrics: xe.metrics },
      gate: g,
      run: o.run,
      slice: {
        test_from: held ? null : testFrom,
        ...(held ? { machines: held } : {}),
        rows: xe.rows,
        positive_rows: xe.positive_rows,
        failures: xe.failures.machine_failure,
      },
      data: {
        base_rows: files.base_rows,
        production_rows: files.production_rows,
        production_events: files.production_events,
        rows: data.telemetry.n,
      },
    };
  } finally {
    removeRunDir(dir);
  }
}
