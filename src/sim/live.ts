// The live simulation client (an edge: network I/O with global fetch). It runs the fleet simulator
// against a Millwright server: every interval one reading per machine goes to POST /v1/predict, and
// the ground truth follows labelDelayMs later on POST /v1/feedback, as a shop's would after
// inspection. Scenarios can be switched while it runs, so drift and retraining can be watched live.
//
// At most one request is in flight at a time (a slow server slows the fleet instead of piling
// requests up), pending labels are a bounded queue, every failure is counted and logged, never
// thrown into the event loop; stop() finishes the request in flight and sends all pending labels.
import { MillwrightError } from "../core/errors.js";
import { type ScenarioName, scenarioByName } from "../data/scenarios.js";
import { createFleet, DEFAULT_PROCESSES_PER_HOUR } from "../data/simulate.js";
import { LabelQueue } from "./label-queue.js";
import type { FleetReading } from "../data/simulate.js";
import type { Label } from "./label-queue.js";

/** A fleet reading as the server's POST /v1/predict takes it, and its ground truth for /v1/feedback. */
export interface LiveWire {
  reading(r: FleetReading): object;
  label(id: string | number, r: FleetReading): Label;
}

export interface LiveOptions {
  baseUrl: string;
  /** Bearer token for /v1/feedback; never logged. */
  feedbackToken?: string;
  machines: number;
  seed: number;
  intervalMs: number;
  labelDelayMs: number;
  scenario?: ScenarioName | null;
  log?: (msg: string) => void;
  /** Simulated shop time of the first reading; default now. It advances 1/processesPerHour h a tick. */
  start?: string;
  processesPerHour?: number;
  /** Labels kept waiting at most (oldest dropped beyond); default 100,000. */
  maxPendingLabels?: number;
  /** Labels per feedback request; default 1,000. */
  feedbackBatch?: number;
  requestTimeoutMs?: number;
  /** How readings and labels are written for the server: a contract's names (contract-wire.ts). */
  wire: LiveWire;
}

export interface LiveStats {
  /** Readings the server answered with a prediction. */
  sent: number;
  /** Labels the server accepted. */
  labelled: number;
  /** Failed requests (network, timeout, non-2xx, malformed answer). */
  errors: number;
  /** Labels given up on (queue over its bound, refused by the server, or unknown/conflicting ids). */
  dropped: number;
  /** Labels waiting for their delay or a retry. */
  pending: number;
}

/** The simulation's shop clock: it runs faster than real time, which a dashboard must say. */
export interface LiveClock {
  /** The shop time of the latest readings sent (null before the first). */
  shop_time: string | null;
  /** Shop seconds per real second. */
  speedup: number;
}

export interface LiveSimulation {
  setScenario(name: ScenarioName | null): void;
  /** The scenario the fleet runs under now (null: baseline). */
  scenario(): ScenarioName | null;
  clock(): LiveClock;
  stop(): Promise<void>;
  stats(): LiveStats;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Labels the server took: Millwright answers {summary: {accepted, duplicate, unknown, conflict}}
 * (a duplicate was already taken); any other 2xx answer counts the whole batch.
 */
function acceptedCount(answer: unknown, sent: number): number {
  const s = (answer as { summary?: { accepted?: unknown; duplicate?: unknown } } | null)?.summary;
  if (!s || typeof s.accepted !== "number") return sent;
  return Math.min(sent, s.accepted + (typeof s.duplicate === "number" ? s.duplicate : 0));
}

function checkOptions(o: LiveOptions): void {
  const bad = (field: string, msg: string): never => {
    throw new MillwrightError("MW_CONFIG", `live simulation: ${field} ${msg}`, { field });
  };
  try {
    new URL(o.baseUrl);
  } catch {
    bad("baseUrl", `'${o.baseUrl}' is not a URL`);
  }
  if (!(Number.isFinite(o.intervalMs) && o.intervalMs > 0)) bad("intervalMs", "must be a positive number");
  if (!(Number.isFinite(o.labelDelayMs) && o.labelDelayMs >= 0)) bad("labelDelayMs", "must be ≥ 0");
}

export function startLiveSimulation(opts: LiveOptions): LiveSimulation {
  checkOptions(opts);
  const log = opts.log ?? (() => {});
  const base = opts.baseUrl.replace(/\/+$/, "");
  const batchSize = opts.feedbackBatch ?? 1000;
  const wire = opts.wire;
  const timeoutMs = opts.requestTimeoutMs ?? 10_000;
  const fleet = createFleet({
    machines: opts.machines,
    seed: opts.seed,
    scenario: opts.scenario ?? null,
    start: opts.start ?? new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
    processesPerHour: opts.processesPerHour,
  });
  const queue = new LabelQueue(opts.maxPendingLabels ?? 100_000);
  const counts = { sent: 0, labelled: 0, errors: 0, rejected: 0 };
  let shopTime: string | null = null;
  const speedup = 3_600_000 / (opts.processesPerHour ?? DEFAULT_PROCESSES_PER_HOUR) / opts.intervalMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let cycle: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;

  const post = async (path: string, body: unknown, token?: string): Promise<unknown> => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new HttpError(res.status, `${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : null;
  };
  const fail = (what: string, e: unknown): void => {
    counts.errors++;
    log(`live simulation: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  };

  const predict = async (): Promise<void> => {
    const readings = fleet.tick();
    shopTime = readings[0]?.timestamp ?? shopTime;
    let answer: unknown;
    try {
      answer = await post(
        "/v1/predict",
        readings.map((r) => wire.reading(r)),
      );
    } catch (e) {
      return fail("predict", e);
    }
    const preds = Array.isArray(answer) ? answer : (answer as { predictions?: unknown })?.predictions;
    if (!Array.isArray(preds) || preds.length !== readings.length)
      return fail("predict", new Error(`expected ${readings.length} predictions in the answer`));
    counts.sent += readings.length;
    const due = Date.now() + opts.labelDelayMs;
    for (let i = 0; i < preds.length; i++) {
      const id = (preds[i] as { id?: unknown })?.id;
      if (typeof id === "string" || typeof id === "number") queue.push(due, wire.label(id, readings[i]));
      else counts.rejected++;
    }
  };

  /** Sends due labels (all of them when draining). A retryable failure keeps them for next time. */
  const sendLabels = async (drain: boolean): Promise<void> => {
    for (;;) {
      const batch = queue.takeDue(drain ? Number.POSITIVE_INFINITY : Date.now(), batchSize);
      if (batch.length === 0) return;
      try {
        const answer = await post(
          "/v1/feedback",
          { feedback: batch.map((b) => b.label) },
          opts.feedbackToken,
        );
        const ok = acceptedCount(answer, batch.length);
        counts.labelled += ok;
        counts.rejected += batch.length - ok;
      } catch (e) {
        fail("feedback", e);
        const retryable = !(e instanceof HttpError) || e.status >= 500 || e.status === 429;
        if (retryable && !drain) {
          queue.requeue(batch);
          return;
        }
        counts.rejected += batch.length;
        if (!drain) return;
      }
    }
  };

  const loop = (): void => {
    if (stopped) return;
    const t0 = Date.now();
    cycle = (async () => {
      await predict();
      await sendLabels(false);
    })().catch((e) => fail("simulation cycle", e));
    void cycle.then(() => {
      if (!stopped) timer = setTimeout(loop, Math.max(0, opts.intervalMs - (Date.now() - t0)));
    });
  };

  log(
    `live simulation: ${opts.machines} machines → ${base} every ${opts.intervalMs} ms, labels after ${opts.labelDelayMs} ms` +
      (fleet.scenario ? `, scenario ${fleet.scenario}` : ""),
  );
  loop();

  return {
    setScenario(name) {
      if (name !== null) scenarioByName(name);
      fleet.setScenario(name);
      log(`live simulation: scenario ${name ?? "off (baseline)"}`);
    },
    scenario: () => fleet.scenario as ScenarioName | null,
    clock: () => ({ shop_time: shopTime, speedup }),
    stats: () => ({
      sent: counts.sent,
      labelled: counts.labelled,
      errors: counts.errors,
      dropped: queue.dropped + counts.rejected,
      pending: queue.size,
    }),
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await cycle;
        await sendLabels(true);
        log(`live simulation stopped: ${counts.sent} readings sent, ${counts.labelled} labelled`);
      })();
      return stopping;
    },
  };
}
