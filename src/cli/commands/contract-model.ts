// `predict` and `evaluate` for a data-contract model: the version's stored contract says how to
// read the data; the telemetry comes from --data and the events from the stored paths or --events.
import { readFileSync } from "node:fs";
import { type ContractData, readContractData } from "../../data/contract-data.js";
import { formatDecimal, parseCsv } from "../../data/csv.js";
import { telemetryCells } from "../../data/telemetry-cells.js";
import { evaluateBinary } from "../../evaluate/metrics.js";
import { fmt } from "../../evaluate/format.js";
import { labelledFeatures } from "../../registry/train-history.js";
import { takeLabels } from "../../train/split.js";
import { type HistoryModel, predictHistoryModel } from "../../train/history-model.js";
import { eventsOpt } from "../contract-opts.js";
import { out, outJson } from "../io.js";
import { keptRows, writeScoredCsv } from "../prediction-csv.js";

/** The rows of `file` as the model's stored contract reads them, its warnings on stderr. */
function readWithContract(m: HistoryModel, file: string, events: unknown, labels: "no" | "require") {
  const data = readContractData(m.contract, {
    telemetry: file,
    events: eventsOpt(events),
    learn: false,
    labels,
  });
  for (const w of data.warnings) process.stderr.write(`warning: ${w}\n`);
  return data;
}

/**
 * The rows a long export (or several files) was read into, as a wide table (time, machine, each reading under its first
 * column name): one row per machine and time (or bucket), which is what the model scores. The long
 * file's own rows (one per tag) have no probability of their own.
 */
function wideRows(d: ContractData): { header: string[]; rows: string[][] } {
  const c = d.contract;
  const t = d.telemetry;
  const cells = telemetryCells(c);
  const rows: string[][] = [];
  for (let i = 0; i < t.n; i++)
    rows.push([
      ...(c.time ? [cells.time(t.time[i])] : []),
      ...(c.machine ? [t.machines[t.machine[i]]] : []),
      ...c.readings.map((_, k) => cells.reading(k, t.values[k][i])),
    ]);
  const header = [
    ...(c.time ? [c.time.column] : []),
    // With long.split the machine column is the tag's: its header would say "Tag" above machine ids.
    ...(c.machine ? [c.long?.split ? "machine" : c.machine.column] : []),
    ...c.readings.map((r) => r.column),
  ];
  return { header, rows };
}

export function predictContract(m: HistoryModel, file: string, dest: string, events: unknown): number {
  const data = readWithContract(m, file, events, "no");
  const { X } = labelledFeatures(data);
  const p = predictHistoryModel(m, X);
  const { delimiter, decimal } = m.contract.csv;
  const heads = new Map<string, Float64Array>();
  for (const h of m.headNames)
    if (h !== "machine_failure" && p[h] !== null) heads.set(h, p[h] as Float64Array);
  const n = writeScoredCsv(dest, {
    // A long export, or several files (a pattern: each make's own columns), as the rows scored.
    raw:
      m.contract.long || data.files.filter((f) => f.role === "telemetry").length > 1
        ? wideRows(data)
        : keptRows(parseCsv(readFileSync(file, "utf8"), delimiter), data.telemetry),
    failure: p.machine_failure as Float64Array,
    threshold: m.threshold.value,
    heads,
    // Shortest round-trip form, not a fixed number of decimals: the file holds the model's exact
    // numbers, so a reading replayed through the server can be compared with it bit for bit.
    // Written the way the input is written, so the shop's spreadsheet reads the numbers.
    number: (x) => formatDecimal(x, decimal),
    delimiter,
  });
  process.stderr.write(
    `wrote ${n} predictions by model ${m.version} (contract ${m.contract.name}) to ${dest}\n`,
  );
  return 0;
}

/**
 * Evaluating a later period with the contract's own failures file (the training period's) labels
 * no row positive, and the metrics say "precision 0, recall 0" as if the model missed everything.
 */
function warnStaleFailures(data: ReturnType<typeof readWithContract>): void {
  const f = data.failures;
  const t = data.telemetry.time;
  if (!f || data.contract.time?.counter !== false || t.length === 0) return;
  const last = f.time.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  const first = t.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  if (last >= first) return;
  const file = data.files.find((x) => x.role === "failures")?.file ?? "the failures file";
  const when =
    f.n === 0 ? "no failure of these machines" : `their last failure at ${new Date(last).toISOString()}`;
  process.stderr.write(
    `warning: ${file}: ${when}, before this data starts (${new Date(first).toISOString()}): no row can be a failure; for a later period pass its logs (--events failures=FILE, and alarms and maintenance)\n`,
  );
}

export function evaluateContract(m: HistoryModel, file: string, events: unknown, json: boolean): number {
  const data = readWithContract(m, file, events, "require");
  warnStaleFailures(data);
  const { X, heads, usable } = labelledFeatures(data);
  const p = predictHistoryModel(m, X);
  const keep: number[] = [];
  usable.forEach((u, i) => {
    if (u) keep.push(i);
  });
  const idx = Uint32Array.from(keep);
  const res: Record<string, unknown> = {
    model_version: m.version,
    contract: m.contract.name,
    data: file,
    censored: usable.length - idx.length,
  };
  const perHead: Record<string, ReturnType<typeof evaluateBinary> | null> = {};
  for (const h of m.headNames) {
    const y = heads.get(h);
    const ph = p[h];
    if (!y || !ph) {
      perHead[h] = null;
      continue;
    }
    const yy = takeLabels(y, idx);
    const pp = Float64Array.from(idx, (i) => ph[i]);
    perHead[h] = evaluateBinary(yy, pp, h === "machine_failure" ? m.threshold.value : 0.5);
  }
  Object.assign(res, perHead.machine_failure ?? {}, { heads: perHead });
  if (json) outJson(res);
  else {
    // Which failures file labelled it: on new data without --events failures=FILE, the training
    // failures are used, and a shop whose unit ids repeat would read a wrong PR-AUC without knowing why.
    const fails = data.files.find((f) => f.role === "failures")?.file;
    out(
      `model ${m.version} (contract ${m.contract.name}) on ${file}: ${idx.length} rows with known labels (${usable.length - idx.length} censored)${fails ? `, labelled by the failures in ${fails}` : ""}`,
    );
    for (const h of m.headNames) {
      out(`  ${h.padEnd(20)} ${headLine(perHead[h])}`);
    }
  }
  return 0;
}

/**
 * One head's line. With no failure of that kind in the file, recall, precision and F1 are
 * undefined (scikit-learn's zero_division gives 0 with a warning, which the JSON keeps), and a
 * printed "recall 0" would read as "missed every failure": the line says what is there instead.
 */
export function headLine(e: ReturnType<typeof evaluateBinary> | null): string {
  if (!e) return "no head or no labels";
  if (e.positives === 0) {
    const alarms = e.confusion_matrix.fp;
    return `no failures of this kind in these rows: PR-AUC, recall and F1 are undefined (n/a); ${alarms} false alarm${alarms === 1 ? "" : "s"} in ${e.n} rows at threshold ${fmt(e.threshold)}`;
  }
  return `PR-AUC ${fmt(e.pr_auc)}  ROC-AUC ${fmt(e.roc_auc)}  precision ${fmt(e.precision)}  recall ${fmt(e.recall)}  F1 ${fmt(e.f1)}  failures ${e.positives}`;
}
