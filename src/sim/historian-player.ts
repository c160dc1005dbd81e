// Plays a simulated historian fleet into a data-contract server as a live shop would feed it: each
// simulated hour, that hour's alarms, maintenance and failures to POST /v1/events (feedback token),
// then every machine's reading to POST /v1/predict as one batch. An edge (network I/O with global
// fetch). One request at a time, every failure counted and logged, never thrown into the event loop.
import { historianTime } from "../data/historian-csv.js";
import type { Historian } from "../data/historian.js";
import { HISTORIAN_SENSORS } from "../data/historian-spec.js";

export interface PlayerOptions {
  baseUrl: string;
  feedbackToken?: string;
  /** The simulated hour to start at (the hours before it trained the model). */
  fromHour: number;
  /** Real milliseconds per simulated hour. */
  paceMs: number;
  log?: (msg: string) => void;
}

export interface HistorianPlayer {
  stats(): { hour: number; shop_time: string | null; readings: number; events: number; errors: number };
  stop(): Promise<void>;
}

const HOUR = 3_600_000;

export function playHistorian(h: Historian, opts: PlayerOptions): HistorianPlayer {
  const log = opts.log ?? (() => {});
  let hour = opts.fromHour;
  let readings = 0;
  let events = 0;
  let errors = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  // Each table's next row to send: its rows are sorted by time.
  const next = { alarms: 0, maintenance: 0, failures: 0 };
  const cutoff = h.startMs + opts.fromHour * HOUR;
  for (const k of ["alarms", "maintenance", "failures"] as const)
    while (next[k] < h[k].length && h[k][next[k]].ms < cutoff) next[k]++;

  async function post(path: string, body: unknown, token?: string): Promise<boolean> {
    try {
      const r = await fetch(`${opts.baseUrl}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (r.ok) return true;
      errors++;
      log(`historian player: ${path} answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
    } catch (e) {
      errors++;
      log(`historian player: ${path} failed: ${(e as Error).message}`);
    }
    return false;
  }

  async function step(): Promise<void> {
    if (hour >= h.hours) {
      if (!stopped) log(`historian player: all ${h.hours - opts.fromHour} simulated hours played`);
      stopped = true;
      return;
    }
    const end = h.startMs + (hour + 1) * HOUR;
    const out: { id: string; table: string; machine_id: string; timestamp: string; kind: string }[] = [];
    for (const table of ["alarms", "maintenance", "failures"] as const) {
      const rows = h[table];
      while (next[table] < rows.length && rows[next[table]].ms < end) {
        const i = next[table]++;
        const e = rows[i] as (typeof rows)[number] & { code?: string; component?: string };
        out.push({
          id: `sim-${table}-${i}`,
          table,
          machine_id: h.machines[e.machine].id,
          timestamp: historianTime(e.ms),
          kind: e.code ?? e.component ?? "",
        });
      }
    }
    if (out.length > 0 && (await post("/v1/events", { events: out }, opts.feedbackToken)))
      events += out.length;
    const ts = historianTime(h.startMs + hour * HOUR);
    const batch = h.machines.map((m) => {
      const r: Record<string, unknown> = { machine_id: m.id, timestamp: ts };
      for (const s of HISTORIAN_SENSORS) {
        const xs = m.readings[s.name];
        if (xs) r[s.name] = Number(xs[hour].toFixed(s.digits));
      }
      return r;
    });
    if (await post("/v1/predict", batch)) readings += batch.length;
    hour++;
  }

  const tick = () => {
    if (stopped) return;
    inFlight = step().finally(() => {
      if (!stopped) timer = setTimeout(tick, opts.paceMs);
    });
  };
  timer = setTimeout(tick, 0);

  return {
    stats: () => ({
      hour,
      shop_time: hour > opts.fromHour ? historianTime(h.startMs + (hour - 1) * HOUR) : null,
      readings,
      events,
      errors,
    }),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
