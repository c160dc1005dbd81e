// Shop E's MQTT bridge, as its integration engineer wrote it from the README: readings go to
// POST /v1/predict in time order, a batch per `stepMs` of shop time; alarms and maintenance go to
// POST /v1/events as they happen, failures when the maintenance system confirms them (hours late).
// It keeps what the server acknowledged, so a test can ask the server for each of it later.
import type { JsonCall } from "./http.js";
import type { LiveEvent, LiveReading, ShopLive } from "./shop-live.js";

export class Bridge {
  private ri = 0;
  private ei = 0;
  /** Live readings and events the server answered 200. */
  acked = 0;
  ackedEvents = 0;
  /** Each machine's newest acknowledged reading time. */
  readonly newest = new Map<string, string>();
  /** The monitor's realised quality at each half day of shop time, with enough failures to say. */
  readonly snapshots: { at: number; recall: number; pr_auc: number }[] = [];
  /** At each look: whether the monitor reported dataset drift (null: its window not full yet). */
  readonly drifts: { at: number; dataset_drift: boolean | null; drifted: string[] }[] = [];
  /** At each look: readings over the threshold in the window, and whether /metrics had the estimate. */
  readonly estimates: { alarms: number; exported: boolean }[] = [];
  /** The last batch of readings sent (what a retry after a timeout sends again). */
  lastBatch: LiveReading[] = [];

  constructor(
    private readonly shop: ShopLive,
    private readonly call: JsonCall,
    private readonly token: string,
    /** The server's base URL now (a restart moves it). */
    private readonly url: () => string,
  ) {}

  /** Shop time the bridge has reached: the next reading's time. */
  get clock(): number {
    const r = this.shop.readings[this.ri];
    return r ? Date.parse(r.timestamp) : Number.POSITIVE_INFINITY;
  }

  /** Posts readings (and the events due before them), at most `max` a batch. */
  async readings(batch: LiveReading[]): Promise<void> {
    const r = await this.call("POST", "/v1/predict", batch);
    if (r.status !== 200) throw new Error(`predict ${r.status}: ${JSON.stringify(r.body).slice(0, 400)}`);
    if (r.body.predictions.length !== batch.length) throw new Error("an answer per reading");
    for (const x of batch) this.newest.set(x.machine_id, x.timestamp);
    this.lastBatch = batch;
  }

  async events(events: Omit<LiveEvent, "postAt">[]): Promise<void> {
    if (events.length === 0) return;
    const r = await this.call("POST", "/v1/events", { events }, this.token);
    if (r.status !== 200) throw new Error(`events ${r.status}: ${JSON.stringify(r.body).slice(0, 400)}`);
    const bad = r.body.results.filter((x: { outcome: string }) => x.outcome !== "accepted");
    if (bad.length > 0) throw new Error(`events not accepted: ${JSON.stringify(bad.slice(0, 3))}`);
  }

  /** The export's last day and each part's last service, once, before going live. */
  async warmUp(): Promise<void> {
    await this.events(this.shop.warmup.events);
    await this.readings(this.shop.warmup.readings);
  }

  /** The next `n` live readings as one batch (a bridge catching up after an outage). */
  async catchUp(n: number): Promise<void> {
    await this.postEventsDue(Date.parse(this.shop.readings[this.ri + n - 1].timestamp) + 1);
    const batch = this.shop.readings.slice(this.ri, this.ri + n);
    await this.readings(batch);
    this.ri += batch.length;
    this.acked += batch.length;
  }

  /** Posts everything before shop time `end`, a batch per `stepMs`; `each` runs after every batch. */
  async until(end: number, stepMs: number, each?: () => Promise<void>): Promise<void> {
    const R = this.shop.readings;
    while (this.ri < R.length && this.clock < end) {
      const stop = Math.min(end, this.clock - (this.clock % stepMs) + stepMs);
      await this.postEventsDue(stop);
      const batch: LiveReading[] = [];
      while (this.ri < R.length && Date.parse(R[this.ri].timestamp) < stop) batch.push(R[this.ri++]);
      await this.readings(batch);
      this.acked += batch.length;
      await each?.();
    }
  }

  /** Asks GET /v1/monitor at each half day of shop time (an operator's look at the dashboard). */
  async watchQuality(): Promise<void> {
    if (this.clock % (12 * 3600_000) !== 0) return;
    const { quality: q, estimated, drift } = (await this.call("GET", "/v1/monitor")).body;
    this.drifts.push({
      at: this.clock,
      dataset_drift: drift?.dataset_drift ?? null,
      drifted: (drift?.features ?? [])
        .filter((f: { drifted: boolean }) => f.drifted)
        .map((f: { feature: string }) => f.feature),
    });
    const metrics = await (await fetch(`${this.url()}/metrics`)).text();
    this.estimates.push({
      alarms: estimated.alarms,
      exported: /^millwright_quality_estimated\{/m.test(metrics),
    });
    if (q.positives >= 50 && q.pr_auc !== null)
      this.snapshots.push({ at: this.clock, recall: q.recall, pr_auc: q.pr_auc });
  }

  private async postEventsDue(before: number): Promise<void> {
    const E = this.shop.events;
    const due: Omit<LiveEvent, "postAt">[] = [];
    while (this.ei < E.length && E[this.ei].postAt < before) {
      const { postAt: _, ...e } = E[this.ei++];
      due.push(e);
    }
    await this.events(due);
    this.ackedEvents += due.length;
  }
}

/** A retraining decision as GET /v1/retrain/history gives it (the fields the test reads). */
export interface Decision {
  verdict: string;
  gate: unknown;
  slice: { test_from: number; rows: number };
  data: { base_rows: number; production_rows: number };
  champion: { metrics: { pr_auc: number; n: number } };
  challenger: { version: string; metrics: { pr_auc: number; n: number } };
}

/** What Alertmanager posts for a firing quality alert that asks for a retraining (deploy/monitoring/rules.yml). */
export const retrainAlert = (fingerprint: string) => ({
  version: "4",
  status: "firing",
  receiver: "millwright-retrain",
  alerts: [
    {
      status: "firing",
      labels: { alertname: "MillwrightQualityLow", action: "retrain" },
      annotations: {},
      startsAt: new Date().toISOString(),
      fingerprint,
    },
  ],
});

/** Asks `probe` every 100 ms until it answers something truthy, at most `tries` times. */
export async function poll<T>(probe: () => Promise<T>, tries = 100): Promise<T> {
  let v = await probe();
  for (let i = 0; !v && i < tries; i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await probe();
  }
  return v;
}
