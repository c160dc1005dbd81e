// A contract server's logged predictions as CSV rows (`millwright predictions export`): each reading
// as it was logged (by the API's names: machine_id, timestamp, the contract's readings, a category
// by its level), what the server answered (the id, when, which version, the probabilities) and its
// ground truth where known. A row-labelled contract's truth is the label sent for that prediction id
// (POST /v1/feedback); a failure-event contract's is whether the machine failed within the horizon,
// known as its monitor knows it (monitor/contract-quality.ts). Two passes over the log, a page at a
// time: the first gathers the truth (labels, failures, how far each machine was seen), the second
// writes the readings, so memory holds the truth, never the readings.
import { type ReadingShape, ValueAligner } from "../pipeline/align-values.js";
import { MillwrightError } from "../core/errors.js";
import { failureTimes, knownLabel } from "./contract-quality.js";
import type { HistoryModel } from "../train/history-model.js";
import type { HistoryLog, LoggedLabel, LoggedReading } from "../store/history/types.js";

/** Entries read per query: memory stays bounded whatever the log's length. */
const PAGE = 10_000;

type Source = Pick<HistoryLog, "entriesAfter">;

export interface HistoryExport {
  header: string[];
  /** Rows in log order (prediction time order), each as `header` says. */
  rows: AsyncIterable<unknown[]>;
}

async function* entries(log: Source) {
  for (let after = 0; ; ) {
    const page = await log.entriesAfter(after, PAGE);
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1].seq;
  }
}

/** The labels, each machine's failures and last time seen, and how many readings were logged. */
async function gatherTruth(log: Source) {
  const labels = new Map<string, LoggedLabel>();
  const failures: { machine: string; time: number }[] = [];
  const seen = new Map<string, number>();
  let readings = 0;
  const see = (m: string, t: number) => {
    if (t > (seen.get(m) ?? Number.NEGATIVE_INFINITY)) seen.set(m, t);
  };
  for await (const e of entries(log)) {
    if (e.type === "label") labels.set(e.label.id, e.label);
    else if (e.type === "reading") {
      readings++;
      see(e.reading.machine, e.reading.time);
    } else if (e.type === "event") {
      see(e.event.machine, e.event.time);
      if (e.event.table === "failures") failures.push(e.event);
    }
  }
  return { labels, failures: failureTimes(failures), seen, readings };
}

/**
 * The export of `log` under `model` (its contract's readings and heads): rows predicted at or after
 * `since` (ms), only those whose truth is known with `labelled`.
 */
export function historyExport(
  log: Source,
  model: HistoryModel,
  /** `where`: the log, named when it holds no reading at all (an error, not an empty file). */
  opts: {
    since?: number;
    labelled: boolean;
    where: string;
    /** A logged version's readings (its values are written under this model's names, aligned by name). */
    readingsOf?: (version: string) => readonly ReadingShape[] | null;
  },
): HistoryExport {
  const c = model.contract;
  const aligner = new ValueAligner(c.readings, opts.readingsOf ?? (() => null));
  const heads = model.headNames.slice(1);
  // The mode heads a row-labelled contract's labels name (none for a failure-event contract).
  const modes = c.failures ? [] : (c.labels?.modes.map((m) => m.name) ?? []);
  const header = [
    "prediction_id",
    "predicted_at",
    "model_version",
    "machine_id",
    "timestamp",
    ...c.readings.map((r) => r.name),
    "failure_probability",
    ...heads.map((h) => `${h}_probability`),
    "label",
    ...modes.map((m) => `${m}_label`),
  ];
  const clock = c.time !== null && !c.time.counter;
  const horizon = c.failures?.horizon.size ?? 0;
  const truthOf = (
    r: LoggedReading,
    t: Awaited<ReturnType<typeof gatherTruth>>,
  ): { label: 0 | 1 | null; modes: (0 | 1 | null)[] } => {
    if (!c.failures) {
      const l = t.labels.get(r.id);
      return { label: l?.label ?? null, modes: modes.map((m) => (l ? (l.modes[m] ?? null) : null)) };
    }
    return {
      label: knownLabel(t.failures.get(r.machine) ?? [], r.time, horizon, t.seen.get(r.machine)),
      modes: [],
    };
  };
  async function* rows(): AsyncIterable<unknown[]> {
    const truth = await gatherTruth(log);
    if (truth.readings === 0)
      throw new MillwrightError("MW_NOT_FOUND", `${opts.where}: no predictions logged yet`);
    for await (const e of entries(log)) {
      if (e.type !== "reading") continue;
      const r = aligner.reading(e.reading);
      if (opts.since !== undefined && r.predictedAt < opts.since) continue;
      const t = truthOf(r, truth);
      if (opts.labelled && t.label === null) continue;
      yield [
        r.id,
        new Date(r.predictedAt).toISOString(),
        r.modelVersion,
        r.machine,
        clock ? new Date(r.time).toISOString() : r.time,
        ...c.readings.map((spec, j) => {
          const v = r.values[j];
          return v !== null && spec.kind === "category" ? (spec.levels?.[v] ?? v) : v;
        }),
        r.failureProbability,
        ...heads.map((h) => r.heads[h] ?? null),
        t.label,
        ...t.modes,
      ];
    }
  }
  return { header, rows: rows() };
}
