// What the dashboard shows of a contract server's fleet: each machine's recent scored readings,
// events and failures, kept in memory as the service applies them (live, replayed on start, or
// caught up from other replicas), so the board and the machine page need no query of the log.
// Bounded per machine; names, units and words all come from the model's contract.
import { explainReading } from "../../pipeline/contract-explain.js";
import type { FeaturePlan } from "../../features/plan.js";
import type { HistoryModel } from "../../train/history-model.js";
import { ReadingRing } from "./reading-ring.js";
import type { FeatureMatrix } from "../../features/build.js";
import type { ReadingGroup } from "../../store/history/types.js";
import type { HistoryObserver, Restaged } from "./history-observer.js";

/** Readings and events kept per machine (the machine page shows the last 100 readings). */
export const KEEP_READINGS = 100;
export const KEEP_EVENTS = 50;

export interface BoardReading {
  id: string;
  time: number;
  predictedAt: number;
  p: number;
  heads: Record<string, number | null>;
  /** Contract order as logged (category codes; null where missing). */
  values: (number | null)[];
}

export interface BoardEvent {
  id: string;
  table: string;
  kind: string;
  time: number;
}

interface Track {
  /** The last KEEP_READINGS scored readings (null until the first). */
  readings: ReadingRing | null;
  events: BoardEvent[];
  /** Failures kept apart: alarms must not push them out of the labels' window. */
  failures: { time: number; kind: string }[];
  /** The newest reading's feature row, for its reasons; and those reasons once computed. */
  x: Float64Array | null;
  reasons: string[] | null;
  newest: number;
  /** The last group that told this machine (FleetBoard.told), and the row of its last reading there. */
  told: number;
  row: number;
}

/** Keeps the last `n` of a list, trimming in steps (a copy every n pushes, not every push). */
function pushKept<T>(list: T[], item: T, n: number): T[] {
  list.push(item);
  return list.length > 2 * n ? list.slice(-n) : list;
}

export class FleetBoard implements HistoryObserver {
  private tracks = new Map<string, Track>();
  /** Groups told so far: which tracks a group touched. */
  private told = 0;

  private current: () => HistoryModel;

  constructor(model: HistoryModel) {
    this.current = () => model;
  }

  /** The model the newest reading's reasons are explained with: the served one, after a swap too. */
  get model(): HistoryModel {
    return this.current();
  }

  follow(served: () => HistoryModel): void {
    this.current = served;
  }

  /**
   * An empty board for a replay beside the live history, as the monitor restages its state: the
   * version swapped in may read the contract's readings in another order (an edited contract), and a
   * repair forgets what a failed append told it; filled by the replay, adopted in its step.
   */
  restage(): Restaged {
    const next = new FleetBoard(this.current());
    next.current = this.current;
    return {
      observer: next,
      adopt: () => {
        this.tracks = next.tracks;
      },
    };
  }

  private track(machine: string): Track {
    let t = this.tracks.get(machine);
    if (!t) {
      t = {
        readings: null,
        events: [],
        failures: [],
        x: null,
        reasons: null,
        newest: Number.NEGATIVE_INFINITY,
        told: 0,
        row: 0,
      };
      this.tracks.set(machine, t);
    }
    return t;
  }

  reset(): void {
    this.tracks = new Map();
  }

  group(g: ReadingGroup, X: FeatureMatrix): void {
    const told = ++this.told;
    const touched: Track[] = [];
    for (let i = 0; i < g.n; i++) {
      const t = this.track(g.machines[i]);
      t.readings ??= new ReadingRing(KEEP_READINGS, g.values.length);
      t.readings.push(g.ids[i], g.times[i], g.predictedAt, g.failure[i], g.values, i, g, g.idWords);
      if (t.told !== told) {
        t.told = told;
        touched.push(t);
      }
      t.row = i;
      t.newest = Math.max(t.newest, g.times[i]);
    }
    // Each machine's last reading of the group: its feature row is copied into the track's own (X is
    // valid during the call only), for its reasons; the rows before it would only be overwritten.
    const nc = X.nCols;
    for (const t of touched) {
      if (t.x?.length !== nc) t.x = new Float64Array(nc);
      for (let k = 0, o = t.row * nc; k < nc; k++) t.x[k] = X.data[o + k];
      t.reasons = null;
    }
  }

  event(table: string, machine: string, time: number, detail?: { id: string; kind: string }): void {
    const t = this.track(machine);
    t.events = pushKept(
      t.events,
      { id: detail?.id ?? "", table, kind: detail?.kind ?? "", time },
      KEEP_EVENTS,
    );
    if (table === "failures")
      t.failures = pushKept(t.failures, { time, kind: detail?.kind ?? "" }, KEEP_EVENTS);
    t.newest = Math.max(t.newest, time);
  }

  /** Machines with at least one scored reading, sorted by id. */
  machineIds(): string[] {
    return [...this.tracks.entries()]
      .filter(([, t]) => (t.readings?.size ?? 0) > 0)
      .map(([id]) => id)
      .sort();
  }

  /** The machine's last readings, oldest first. */
  readings(machine: string, last = KEEP_READINGS): readonly BoardReading[] {
    const r = this.tracks.get(machine)?.readings;
    if (!r) return [];
    const out: BoardReading[] = [];
    for (let i = Math.max(0, r.size - last); i < r.size; i++) {
      const s = r.slot(i);
      out.push({
        id: r.label(s),
        time: r.time(s),
        predictedAt: r.predictedAt(s),
        p: r.probability(s),
        heads: r.headsAt(s),
        values: r.valuesAt(s),
      });
    }
    return out;
  }

  events(machine: string): readonly BoardEvent[] {
    return this.tracks.get(machine)?.events.slice(-KEEP_EVENTS) ?? [];
  }

  /**
   * The newest reading's reasons in the contract's words: what raises the risk, or, when nothing
   * does (most machines most of the time), what keeps it low. Computed when first asked (TreeSHAP,
   * ~1 ms) and kept until the machine's next reading.
   */
  reasons(machine: string, plan: FeaturePlan): string[] {
    const t = this.tracks.get(machine);
    if (!t?.x) return [];
    if (!t.reasons) {
      const top = explainReading(this.model, plan, t.x);
      const raising = top.filter((c) => c.contribution > 0);
      t.reasons = (raising.length > 0 ? raising : top).map((c) => c.text);
    }
    return t.reasons;
  }

  /**
   * The machine is down: its newest failure came after its newest reading, so the risk shown is from
   * before it broke (trial 9: a machine under repair topped the board at "High 83 %" for 30 hours).
   * `repairedAt`: a later event of the contract's `resets` table of that kind (the part replaced),
   * the machine still silent. Null once a reading comes after the failure.
   */
  down(machine: string): { time: number; kind: string; repairedAt: number | null } | null {
    const t = this.tracks.get(machine);
    const r = t?.readings;
    if (!t || !r || r.size === 0 || t.failures.length === 0) return null;
    const f = t.failures.reduce((a, b) => (b.time > a.time ? b : a));
    if (f.time <= r.time(r.newest())) return null;
    const resets = this.model.contract.failures?.resets;
    const repair = t.events.find((e) => e.table === resets && e.kind === f.kind && e.time >= f.time);
    return { time: f.time, kind: f.kind, repairedAt: repair?.time ?? null };
  }

  /**
   * A reading's ground truth from the failures told: a failure within the horizon after it, or
   * none once the machine's clock has passed the horizon; null while not known (or when the
   * contract labels rows itself, and the server never learns the label).
   */
  label(machine: string, time: number): { machine_failure: boolean; kinds: string[] } | null {
    const h = this.model.contract.failures?.horizon.size;
    const t = this.tracks.get(machine);
    if (h === undefined || !t) return null;
    const within = t.failures.filter((f) => f.time > time && f.time <= time + h);
    if (within.length > 0)
      return { machine_failure: true, kinds: [...new Set(within.map((f) => f.kind).filter((k) => k))] };
    return t.newest >= time + h ? { machine_failure: false, kinds: [] } : null;
  }
}
