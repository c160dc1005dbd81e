import { Registry as PromRegistry } from "prom-client";
import { MillwrightError } from "../../core/errors.js";
import type { DriftReport } from "../../monitor/drift-report.js";
import { ContractHistory } from "../../serve/contract/contract-history.js";
import { type ContractMonitorReport, ContractMonitor } from "../../monitor/live/monitor.js";
import { openHistoryReader } from "../../store/history/reader.js";
import { readConfig } from "../config.js";
import { out, outJson, parse, outThen } from "../io.js";
import { contractModelOpt } from "../model-opts.js";

export const MONITOR_HELP = `millwright monitor --once [--registry DIR] [--model REF] [--json]

Computes a data-contract model's monitoring state once, as its server's monitor does (GET
/v1/monitor answers the same JSON), and prints it: dataset drift of the recent logged readings
against the model's training reference (and per group of machines with monitor.drift_by),
prediction drift, realised quality from the labels or failures known, and estimated quality (CBPE).
Reads the server's history log read-only (history-<contract>.db in MILLWRIGHT_DATA_DIR, or
PostgreSQL's history_log with DATABASE_URL), replayed under the champion (or --model): for cron-like
use and tests, the server may be running.`;

const f3 = (x: number | null | undefined) => (typeof x === "number" ? x.toFixed(3) : "n/a");

function printDrift(title: string, d: DriftReport): void {
  out(`${title}: ${d.dataset_drift ? "YES" : "no"} (share ${d.drift_share.toFixed(2)})`);
  for (const f of d.features)
    out(
      `  ${f.feature.padEnd(22)} ${f.test.padEnd(14)} score ${f.score.toFixed(4)} threshold ${Number(f.threshold.toPrecision(4))}  ${f.drifted ? "DRIFTED" : "ok"}`,
    );
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * What the labels hold, as the card and `train` say it: positive rows (with failure events, readings
 * with a failure within the horizon after them, many per failure) and the failures behind them.
 */
export function labelWords(q: ContractMonitorReport["quality"]): string {
  return `${count(q.positives, "positive row", "positive rows")}, ${count(q.failures, "failure", "failures")}`;
}

function printReport(s: ContractMonitorReport): void {
  const w = s.drift_window;
  // Which readings each figure is on (trial 7: "5000 recent predictions" read as the drift test's).
  out(
    `model ${s.model_version}, at ${new Date(s.at).toISOString()}: quality on the last ${s.current_rows} predictions${w ? `, drift on a window of ${w.rows} readings over ${w.hours} h` : ""}`,
  );
  for (const l of w?.leading ?? [])
    out(
      `machine ${l.machine_id}'s newest reading is ${l.lead_hours} h ahead of most of the fleet (${l.newest} vs ${l.fleet}): its clock may be wrong; the drift window ends at the fleet's time (${l.fleet_time ?? l.fleet}) without it`,
    );
  if (s.drift) printDrift("dataset drift", s.drift);
  else
    out(
      `drift: not enough recent predictions${w ? ` (window ${w.rows} rows over ${w.hours} h, not full yet)` : " (no reference sample)"}`,
    );
  for (const g of s.groups)
    if (g.drift) printDrift(`dataset drift of ${g.attribute}=${g.value}`, g.drift);
    else out(`drift of ${g.attribute}=${g.value}: not enough recent predictions`);
  for (const g of s.groups_skipped) out(`no drift test for ${g.attribute}=${g.value}: ${g.reason}`);
  if (s.prediction_drift)
    out(
      `prediction drift: score ${s.prediction_drift.score.toFixed(4)} threshold ${Number(s.prediction_drift.threshold.toPrecision(4))}  ${s.prediction_drift.drifted ? "DRIFTED" : "ok"}`,
    );
  const q = s.quality;
  out(
    `realised quality: ${q.n > 0 ? `F1 ${f3(q.f1)} recall ${f3(q.recall)} precision ${f3(q.precision)} on ${q.n} labels (${labelWords(q)})` : "not enough data: no labels known yet"}`,
  );
  const e = s.estimated;
  out(
    `estimated quality: ${e ? `F1 ${f3(e.f1)} recall ${f3(e.recall)} on ${e.n} predictions (${e.alarms} alarms)` : "not enough data"}`,
  );
}

export async function monitorCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { strings: ["registry", "model"], flags: ["once", "json"] }, MONITOR_HELP);
  if (values.help || !values.once) return outThen(MONITOR_HELP, values.help ? 0 : 2);
  const { model, versionDir } = contractModelOpt(values, "monitor --once");
  const cfg = readConfig();
  const log = await openHistoryReader(cfg, model.contract.name);
  let s: ContractMonitorReport;
  try {
    // The server's monitor, fed the log as a server's start replays it.
    const monitor = new ContractMonitor(model, versionDir, new PromRegistry(), cfg.quality.contractWindow);
    await ContractHistory.replay(model, versionDir, log, [monitor]);
    s = monitor.report();
  } finally {
    await log.close();
  }
  if (s.current_rows === 0)
    throw new MillwrightError("MW_NOT_FOUND", `${log.where}: no predictions logged yet`);
  if (values.json) outJson(s);
  else printReport(s);
  return 0;
}
