// The latest predictions per machine, kept in memory for the fleet board and the planner. Bounded:
// at most `perMachine` records per machine and `maxMachines` machines (oldest machine evicted).
// Filled as predictions are answered and, at start, from the prediction log.
import { MODE_HEADS, type Reading } from "../data/schema.js";
import { batchRecord } from "../store/batch.js";
import type { PredictionBatch, PredictionRecord } from "../store/types.js";

export class FleetCache {
  private readonly byMachine = new Map<string, PredictionRecord[]>();

  constructor(
    private readonly perMachine = 200,
    private readonly maxMachines = 1000,
  ) {}

  add(records: readonly PredictionRecord[]): void {
    for (const r of records) this.addOne(r);
  }

  /**
   * The records of a columnar batch the cache would keep (those with a machine id), for add():
   * built while the batch's commit is under way, added once it is durable.
   */
  static recordsOf(b: PredictionBatch): PredictionRecord[] {
    const ids = b.machineId;
    const out: PredictionRecord[] = [];
    if (ids) for (let i = 0; i < b.n; i++) if (ids[i]) out.push(batchRecord(b, i));
    return out;
  }

  private addOne(r: PredictionRecord): void {
    const id = r.reading.machine_id;
    if (!id) return;
    let list = this.byMachine.get(id);
    if (!list) {
      if (this.byMachine.size >= this.maxMachines) {
        const oldest = this.byMachine.keys().next().value as string;
        this.byMachine.delete(oldest);
      }
      list = [];
      this.byMachine.set(id, list);
    }
    list.push(r);
    if (list.length > this.perMachine * 2) list.splice(0, list.length - this.perMachine);
  }

  machineIds(): string[] {
    return [...this.byMachine.keys()].sort();
  }

  history(id: string): PredictionRecord[] | undefined {
    const l = this.byMachine.get(id);
    return l ? l.slice(-this.perMachine) : undefined;
  }

  /** Recent readings per machine, oldest first, for the planner's forecast. */
  recentReadings(limit = 50): { id: string; model: string; history: Reading[] }[] {
    return this.machineIds().map((id) => {
      const l = this.byMachine.get(id) ?? [];
      return {
        id,
        model: l[l.length - 1]?.reading.machine_model ?? "unknown",
        history: l.slice(-limit).map((r) => r.reading),
      };
    });
  }

  summary(): {
    machine_id: string;
    machine_model: string;
    last_seen: string;
    failure_probability: number;
    failure_predicted: boolean;
    likeliest_mode: string | null;
    modes: Record<string, number>;
    trend: number[];
    reading: Reading;
  }[] {
    return this.machineIds().map((id) => {
      const l = this.byMachine.get(id) ?? [];
      const last = l[l.length - 1];
      let best: string | null = null;
      let bp = -1;
      for (const m of MODE_HEADS) {
        const v = last.modes[m];
        if (typeof v === "number" && v > bp) {
          bp = v;
          best = m;
        }
      }
      return {
        machine_id: id,
        machine_model: last.reading.machine_model ?? "unknown",
        last_seen: new Date(last.predictedAt).toISOString(),
        failure_probability: last.failureProbability,
        failure_predicted: last.failurePredicted,
        likeliest_mode: best,
        modes: last.modes,
        trend: l.slice(-20).map((r) => r.failureProbability),
        reading: last.reading,
      };
    });
  }
}
