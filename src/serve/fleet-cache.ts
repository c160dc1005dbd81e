// The latest predictions per machine, kept in memory for the fleet board and the planner. Bounded:
// at most `perMachine` predictions per machine and `maxMachines` machines (oldest machine evicted).
// Filled as predictions are answered and, at start, from the prediction log.
//
// Kept by column in a ring per machine (numbers in one Float64Array, strings by reference), and
// built into PredictionRecords only when read: a record object per prediction (three objects) lived
// just long enough to be promoted to V8's old generation and then dropped, and under a stream of
// 1,000-reading batches that churn cost more CPU than anything but the model, and ~60 MB of RSS.
import { MODE_HEADS, PRODUCT_TYPES, type ProductType, type Reading } from "../data/schema.js";
import {
  AT,
  hasKeys,
  likeliestKey,
  packBatchRecord,
  packRecord,
  recordWidth,
  unpackModes,
} from "../store/record-layout.js";
import type { PredictionBatch, PredictionRecord } from "../store/types.js";

const MODE_COUNT = MODE_HEADS.length;
/** Numbers per entry (store/record-layout.ts): the record's numbers with the MODE_HEADS modes. */
const ENTRY_WIDTH = recordWidth(MODE_COUNT);

/** The last `cap` predictions of one machine, oldest first from `start`. */
class Ring {
  readonly nums: Float64Array;
  readonly ids: string[];
  readonly requestIds: string[];
  readonly names: string[];
  readonly versions: string[];
  readonly types: ProductType[];
  readonly models: (string | undefined)[];
  readonly stamps: (string | undefined)[];
  /** The modes object of an entry whose keys are not MODE_HEADS in order (kept as it was). */
  readonly odd: (Record<string, number | null> | undefined)[];
  start = 0;
  count = 0;

  constructor(
    readonly machineId: string,
    readonly cap: number,
  ) {
    this.nums = new Float64Array(cap * ENTRY_WIDTH);
    this.ids = new Array(cap);
    this.requestIds = new Array(cap);
    this.names = new Array(cap);
    this.versions = new Array(cap);
    this.types = new Array(cap);
    this.models = new Array(cap);
    this.stamps = new Array(cap);
    this.odd = new Array(cap);
  }

  /** The slot for a new entry (the oldest is overwritten when full). */
  private slot(): number {
    if (this.count < this.cap) return (this.start + this.count++) % this.cap;
    const s = this.start;
    this.start = (this.start + 1) % this.cap;
    return s;
  }

  pushRecord(r: PredictionRecord): void {
    const s = this.slot();
    const x = r.reading;
    const plain = hasKeys(r.modes, MODE_HEADS);
    packRecord(this.nums, s * ENTRY_WIDTH, r, MODE_HEADS, plain);
    this.odd[s] = plain ? undefined : r.modes;
    this.ids[s] = r.id;
    this.requestIds[s] = r.requestId;
    this.names[s] = r.modelName;
    this.versions[s] = r.modelVersion;
    this.types[s] = x.type;
    this.models[s] = x.machine_model;
    this.stamps[s] = x.timestamp;
  }

  pushBatch(b: PredictionBatch, i: number): void {
    const s = this.slot();
    const k = b.modeKeys.length;
    const plain = k === MODE_COUNT && b.modeKeys.every((key, h) => key === MODE_HEADS[h]);
    packBatchRecord(this.nums, s * ENTRY_WIDTH, b, i, MODE_COUNT, plain);
    const odd = plain ? undefined : unpackModes(b.modes, i * k, b.modeKeys);
    this.odd[s] = odd;
    this.ids[s] = b.ids[i];
    this.requestIds[s] = b.requestId;
    this.names[s] = b.modelName;
    this.versions[s] = b.modelVersion;
    this.types[s] = PRODUCT_TYPES[b.type[i]];
    this.models[s] = b.machineModel?.[i];
    this.stamps[s] = b.timestamp?.[i];
  }

  /** Slot of the j-th entry, oldest first. */
  at(j: number): number {
    return (this.start + j) % this.cap;
  }

  reading(s: number): Reading {
    const raw = s * ENTRY_WIDTH + AT.raw;
    const r: Reading = {
      type: this.types[s],
      air_temperature: this.nums[raw],
      process_temperature: this.nums[raw + 1],
      rotational_speed: this.nums[raw + 2],
      torque: this.nums[raw + 3],
      tool_wear: this.nums[raw + 4],
      machine_id: this.machineId,
    };
    if (this.models[s] !== undefined) r.machine_model = this.models[s];
    if (this.stamps[s] !== undefined) r.timestamp = this.stamps[s];
    return r;
  }

  modes(s: number): Record<string, number | null> {
    return this.odd[s] ?? unpackModes(this.nums, s * ENTRY_WIDTH + AT.modes, MODE_HEADS);
  }

  /** The failure probability of the entry in slot `s`. */
  probability(s: number): number {
    return this.nums[s * ENTRY_WIDTH + AT.failureProbability];
  }

  record(s: number): PredictionRecord {
    const entry = s * ENTRY_WIDTH;
    return {
      id: this.ids[s],
      requestId: this.requestIds[s],
      modelName: this.names[s],
      modelVersion: this.versions[s],
      predictedAt: this.nums[entry + AT.predictedAt],
      reading: this.reading(s),
      failureProbability: this.nums[entry + AT.failureProbability],
      failurePredicted: this.nums[entry + AT.failurePredicted] === 1,
      modes: this.modes(s),
    };
  }

  /** The last `n` entries' slots, oldest first. */
  last(n: number): number[] {
    const k = Math.min(n, this.count);
    return Array.from({ length: k }, (_, j) => this.at(this.count - k + j));
  }
}

/** Which machines are the shop's: the rest are answered but kept apart (see MachineTable). */
export interface MachineFilter {
  has(id: string): boolean;
}

export class FleetCache {
  private readonly byMachine = new Map<string, Ring>();
  /** Machines that are not known: a few recent ones, kept apart from the board and the plan. */
  private readonly strangers = new Map<string, Ring>();

  /**
   * `known`: only these machines enter the board and the plan (never evicted: the table is bounded);
   * null admits every machine, at most `maxMachines` (oldest evicted). Others go to a separate set
   * of at most `maxStrangers` machines × `strangerDepth` predictions, so that made-up ids can
   * neither push real machines out nor grow the planner's problem.
   */
  constructor(
    private readonly perMachine = 200,
    private readonly known: MachineFilter | null = null,
    private readonly maxMachines = 1000,
    private readonly maxStrangers = 100,
    private readonly strangerDepth = 20,
  ) {}

  add(records: readonly PredictionRecord[]): void {
    for (const r of records) {
      const id = r.reading.machine_id;
      if (id) this.ring(id).pushRecord(r);
    }
  }

  /** A columnar batch, straight from its columns. */
  addBatch(b: PredictionBatch): void {
    const ids = b.machineId;
    if (!ids) return;
    for (let i = 0; i < b.n; i++) {
      const id = ids[i];
      if (id) this.ring(id).pushBatch(b, i);
    }
  }

  // One map lookup for a machine on the board, as before; two for an unknown one seen lately. The
  // table is asked only for a machine in neither (registration moves a stranger over: adopt()).
  private ring(id: string): Ring {
    let ring = this.byMachine.get(id) ?? this.strangers.get(id);
    if (ring) return ring;
    if (this.known !== null && !this.known.has(id)) {
      if (this.strangers.size >= this.maxStrangers)
        this.strangers.delete(this.strangers.keys().next().value as string);
      ring = new Ring(id, this.strangerDepth);
      this.strangers.set(id, ring);
      return ring;
    }
    if (this.known === null && this.byMachine.size >= this.maxMachines)
      this.byMachine.delete(this.byMachine.keys().next().value as string);
    ring = new Ring(id, this.perMachine);
    this.byMachine.set(id, ring);
    return ring;
  }

  /** A machine just registered: onto the board, with what it sent while unknown. */
  adopt(id: string): void {
    const before = this.strangers.get(id);
    if (!before || this.byMachine.has(id)) return;
    const ring = new Ring(id, this.perMachine);
    for (const s of before.last(before.count)) ring.pushRecord(before.record(s));
    this.strangers.delete(id);
    this.byMachine.set(id, ring);
  }

  /** Forgets a machine (unregistered): its predictions stay in the log. */
  forget(id: string): void {
    this.byMachine.delete(id);
  }

  /** Ids of recently seen machines that are not known, newest last. */
  strangerIds(): string[] {
    return [...this.strangers.keys()];
  }

  machineCount(): number {
    return this.byMachine.size;
  }

  machineIds(): string[] {
    return [...this.byMachine.keys()].sort();
  }

  /** A machine's recent predictions (a known machine's, or an unknown one's when still kept). */
  history(id: string): PredictionRecord[] | undefined {
    const ring = this.byMachine.get(id) ?? this.strangers.get(id);
    return ring ? ring.last(ring.cap).map((s) => ring.record(s)) : undefined;
  }

  /** Whether `id` is on the board (a known machine with predictions). */
  tracked(id: string): boolean {
    return this.byMachine.has(id);
  }

  /** Recent readings per machine, oldest first, for the planner's forecast. */
  recentReadings(limit = 50): { id: string; model: string; history: Reading[] }[] {
    return this.machineIds().map((id) => {
      const ring = this.byMachine.get(id) as Ring;
      const slots = ring.last(limit);
      return {
        id,
        model: (ring.count > 0 ? ring.models[ring.at(ring.count - 1)] : undefined) ?? "unknown",
        history: slots.map((s) => ring.reading(s)),
      };
    });
  }

  /** The board, sorted by machine id: at most `limit` machines whose ids come after `after`. */
  summary(
    after?: string,
    limit = Number.POSITIVE_INFINITY,
  ): {
    machine_id: string;
    machine_model: string;
    last_seen: string;
    failure_probability: number;
    failure_predicted: boolean;
    likeliest_mode: string | null;
    modes: Record<string, number | null>;
    trend: number[];
    reading: Reading;
  }[] {
    let ids = this.machineIds();
    if (after !== undefined) ids = ids.filter((id) => id > after);
    return ids.slice(0, limit).map((id) => {
      const ring = this.byMachine.get(id) as Ring;
      const last = ring.record(ring.at(ring.count - 1));
      const best = likeliestKey(last.modes, MODE_HEADS);
      return {
        machine_id: id,
        machine_model: last.reading.machine_model ?? "unknown",
        last_seen: new Date(last.predictedAt).toISOString(),
        failure_probability: last.failureProbability,
        failure_predicted: last.failurePredicted,
        likeliest_mode: best,
        modes: last.modes,
        trend: ring.last(20).map((s) => ring.probability(s)),
        reading: last.reading,
      };
    });
  }
}
