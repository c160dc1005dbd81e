import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { MillwrightError } from "../../core/errors.js";
import { formatCsv } from "../../data/csv.js";
import { siblingReadings } from "../../registry/version-readings.js";
import { historyExport } from "../../monitor/predictions-export.js";
import { openHistoryReader } from "../../store/history/reader.js";
import { readConfig } from "../config.js";
import { outputOpt, parseSub } from "../io.js";
import { contractModelOpt } from "../model-opts.js";

const PREDICTIONS_SPEC = {
  subs: ["export"],
  strings: ["out", "since", "registry", "model"],
  flags: ["labelled"],
};

export const PREDICTIONS_HELP = `millwright predictions export --out FILE.csv [--since ISO-TIME] [--labelled] [--registry DIR] [--model REF]

Writes the predictions a data-contract server logged (the champion's contract, or --model's), in
log order: prediction_id (the id the API returned), predicted_at, model_version, machine_id,
timestamp, the contract's readings by name, failure_probability and <head>_probability, then label
(1 failure, 0 none, empty while not known: a row-labelled contract's POST /v1/feedback label, a
failure-event contract's failure within the horizon) and, for a row-labelled contract, <mode>_label.
--since keeps predictions made at or after the time; --labelled only rows whose label is known.
Reads the server's history log: history-<contract>.db in MILLWRIGHT_DATA_DIR, or PostgreSQL's
history_log with DATABASE_URL (read-only; the server may be running).`;

export async function predictionsCommand(argv: string[]): Promise<number> {
  const p = parseSub("predictions", argv, PREDICTIONS_SPEC, PREDICTIONS_HELP);
  if (typeof p === "number") return p;
  const { values } = p;
  const dest = outputOpt(values, "out", PREDICTIONS_HELP);
  let since: number | undefined;
  if (values.since !== undefined) {
    since = Date.parse(values.since as string);
    if (Number.isNaN(since))
      throw new MillwrightError("MW_BAD_INPUT", `--since: '${String(values.since)}' is not an ISO 8601 time`);
  }
  const { model, versionDir } = contractModelOpt(values, "predictions export");
  const log = await openHistoryReader(readConfig(), model.contract.name);
  const tmp = `${dest}.tmp-${process.pid}`;
  let n = 0;
  try {
    const x = historyExport(log, model, {
      since,
      labelled: values.labelled === true,
      where: log.where,
      readingsOf: siblingReadings(versionDir),
    });
    const ws = createWriteStream(tmp);
    ws.write(formatCsv(x.header, []));
    for await (const row of x.rows) {
      const line = formatCsv([], [row], { formulaSafe: true }).slice(1);
      if (!ws.write(line)) await new Promise<void>((r) => ws.once("drain", () => r()));
      n++;
    }
    await new Promise<void>((res, rej) => ws.end((e?: Error | null) => (e ? rej(e) : res())));
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  } finally {
    await log.close();
  }
  process.stderr.write(`exported ${n} predictions from ${log.where} to ${dest}\n`);
  return 0;
}
