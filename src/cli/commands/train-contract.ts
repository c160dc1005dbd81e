// `millwright train --contract FILE`: the user's own data, through their data contract.
import { loadContract } from "../../contract/load.js";
import { partMismatchWarning, taskKindMismatches } from "../../contract/task-kinds.js";
import { MillwrightError } from "../../core/errors.js";
import { readContractData } from "../../data/contract-data.js";
import { formatTimestamp } from "../../data/time.js";
import type { BinaryEvaluation } from "../../evaluate/metrics.js";
import { fmt, METRIC_LABELS } from "../../evaluate/format.js";
import { skillWords } from "../../evaluate/history-card.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { trainHistoryAndRegister } from "../../registry/train-history.js";
import { readConfig } from "../config.js";
import { eventsOpt, testFromOpt } from "../contract-opts.js";
import { out, outJson, progressBar } from "../io.js";

export async function trainContract(
  values: Record<string, unknown>,
  registry: ModelRegistry,
  seed: number,
  threshold: { method: "f1" } | { method: "cost"; costMiss: number; costFalseAlarm: number },
): Promise<number> {
  const { contract, text } = loadContract(String(values.contract));
  const split = values.split ?? "time";
  if (split !== "time" && split !== "machine")
    throw new MillwrightError("MW_BAD_INPUT", `--split: '${String(split)}' is not time or machine`);
  if (split === "machine" && values["test-from"] !== undefined)
    throw new MillwrightError(
      "MW_BAD_INPUT",
      "--test-from splits by time: leave it out with --split machine",
    );
  const counter = contract.time?.counter !== false;
  const testFrom = testFromOpt(values["test-from"], counter, contract.time);
  const data = readContractData(contract, {
    telemetry: values.data as string | undefined,
    events: eventsOpt(values.events),
    learn: true,
    labels: "require",
  });
  for (const w of data.warnings) process.stderr.write(`warning: ${w}\n`);
  // Refused before anything is written: a champion whose tasks name kinds its data lacks plans
  // nothing for them (a misspelt head's risk silently unplanned), and only plan would say so.
  // With --data (say one make's telemetry) a kind may be missing only because its failures are
  // all on machines outside that file: said, not refused.
  const wrong = taskKindMismatches(data.contract);
  if (wrong.length > 0 && values.data !== undefined)
    for (const m of wrong) process.stderr.write(`warning: ${partMismatchWarning(m)}\n`);
  else if (wrong.length > 0)
    throw new MillwrightError("MW_CONFIG", wrong.map((m) => m.message).join("\n"), {
      file: data.contract.source,
      key: wrong[0].field,
    });
  const bar = progressBar("training", !values.json && process.stderr.isTTY === true);
  const res = trainHistoryAndRegister(registry, data, text, {
    seed,
    split: split === "machine" ? { by: "machine" } : { by: "time", testFrom },
    threshold,
    onProgress: bar,
  });
  const f = res.fit;
  const floor = gateFloorWarning(f.metrics.machine_failure);
  if (floor) process.stderr.write(`warning: ${floor}\n`);
  if (values.json) {
    outJson({
      version: res.version,
      contract: data.contract.name,
      metrics: f.metrics.machine_failure,
      heads: f.metrics,
      // A head whose test part holds one class has null metrics, as a kind with no head: say which exist.
      trained_heads: Object.keys(f.heads).filter((h) => f.heads[h]),
      no_head: f.noHead ?? {},
      split: f.split,
      rows: res.rows,
      test_failures: res.testFailures,
      drift_groups: res.driftGroups,
    });
    return 0;
  }
  const m = f.metrics.machine_failure;
  out(
    `registered ${registry.dir}/versions/${res.version} (contract ${data.contract.name}, ${f.split.describe})`,
  );
  if (f.split.testFrom !== null && !counter) out(`test from ${formatTimestamp(f.split.testFrom)}`);
  out(
    `rows: ${res.rows.total} (${res.rows.censored} censored), fit ${f.split.fit}, validation ${f.split.validation}, test ${f.split.test}`,
  );
  for (const h of f.headNames) {
    const hm = f.metrics[h];
    out(
      `  ${h.padEnd(20)} ${hm ? `PR-AUC ${fmt(hm.pr_auc)}  ROC-AUC ${fmt(hm.roc_auc)}  recall ${fmt(hm.recall)}  test: ${testCounts(hm.positives, res.testFailures?.[h])}` : f.heads[h] ? "one class in the test part" : `no head: ${f.noHead?.[h] ?? "too few failures"}`}`,
    );
    // The card's Limits say it too (evaluate/history-card.ts skillWords).
    const chance = hm && skillWords(hm, res.testFailures?.[h] ?? hm.positives);
    if (chance) process.stderr.write(`warning: ${h}: ${chance}\n`);
  }
  if (m)
    out(
      `threshold ${fmt(f.threshold.value)}: precision ${fmt(m.precision)} recall ${fmt(m.recall)} F1 ${fmt(m.f1)}`,
    );
  const g = res.driftGroups;
  if (g.tested.length + g.skipped.length > 0)
    out(
      `drift tested per group (monitor.drift_by): ${g.tested.length} groups${g.skipped.map((x) => `; skipped ${x.attribute}=${x.value}: ${x.reason}`).join("")}`,
    );
  out(`card: ${registry.versionDir(res.version)}/card.md`);
  out(`champion: ${registry.readIndex().aliases.champion ?? "none"}`);
  return 0;
}

/**
 * The server's retraining gate keeps every challenger below its minimum (MILLWRIGHT_GATE_MINIMUM,
 * 0.5 PR-AUC by default), however much better than the champion: a shop whose model scores under it
 * already would never see a retraining promote (trial 2: 0.35 against a champion's 0.33, kept).
 * Said at training, from this environment's gate settings; none when they do not read.
 */
function gateFloorWarning(m: BinaryEvaluation | null): string | null {
  let g: ReturnType<typeof readConfig>["retrain"];
  try {
    g = readConfig().retrain;
  } catch {
    return null;
  }
  const v = m?.[g.metric];
  if (typeof v !== "number" || v >= g.minimum) return null;
  const label = METRIC_LABELS[g.metric];
  return `test ${label} ${fmt(v)} is below the retraining gate's minimum ${fmt(g.minimum)} (MILLWRIGHT_GATE_MINIMUM, on ${label}): a server with this model would keep every retrained challenger under ${fmt(g.minimum)}, however much better; set MILLWRIGHT_GATE_MINIMUM for this shop (below what its models reach) where it serves`;
}

/**
 * "3,933 positive rows (20 failures)": a positive row is a reading within the horizon before a
 * failure, so there are many per failure; without failure events (labels per row) each is one.
 */
function testCounts(positives: number, failures: number | undefined): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const f = failures ?? positives;
  return `${n(positives)} positive row${positives === 1 ? "" : "s"} (${n(f)} failure${f === 1 ? "" : "s"})`;
}
