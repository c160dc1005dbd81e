// The machines the shop has: only these enter the fleet board and the maintenance plan. Anyone may
// ask for a prediction, but a batch of 1,000 made-up machine_ids used to push the real machines off
// the board and make every re-plan solve for 1,000 machines. Machines come from the simulator's table
// (`up --simulate`) or an admin's registration (POST /v1/machines), kept in a JSON file when the
// server has a data dir, so a restart keeps them.
import { existsSync, readFileSync } from "node:fs";
import { MillwrightError } from "../core/errors.js";
import { writeFileAtomic } from "../registry/fsutil.js";
import { MAX_ID_LENGTH, short } from "../core/limits.js";

export interface KnownMachine {
  machine_id: string;
  machine_model?: string;
}

/** At most this many machines (each one's board history is ~30 KB: 2,000 machines are ~60 MB). */
export const MAX_MACHINES = 2000;

const FORMAT = "millwright-machines";

/** One machine as a client sends it (the API's and the file's shape), checked: MW_VALIDATION names the field. */
export function parseMachine(v: unknown, path: string): KnownMachine {
  const fail = (f: string, m: string): never => {
    throw new MillwrightError("MW_VALIDATION", `${path}${f}: ${m}`, { field: `${path}${f}` });
  };
  if (!v || typeof v !== "object" || Array.isArray(v)) fail("", "must be an object with machine_id");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== "machine_id" && k !== "machine_model") fail(`.${short(k)}`, "unknown field");
  const ok = (s: unknown) =>
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
    typeof s === "string" && s.length > 0 && s.length <= MAX_ID_LENGTH && !/[\u0000-\u001f\u007f]/.test(s);
  if (!ok(o.machine_id))
    fail(".machine_id", `must be a string of 1–${MAX_ID_LENGTH} characters without control characters`);
  if (o.machine_model !== undefined && o.machine_model !== null && !ok(o.machine_model))
    fail(".machine_model", `must be a string of 1–${MAX_ID_LENGTH} characters without control characters`);
  return typeof o.machine_model === "string"
    ? { machine_id: o.machine_id as string, machine_model: o.machine_model }
    : { machine_id: o.machine_id as string };
}

export class MachineTable {
  private readonly byId = new Map<string, KnownMachine>();
  private readonly removed: ((id: string) => void)[] = [];
  private readonly added: ((id: string) => void)[] = [];

  /** `file`: where registrations are kept (read now when it exists, rewritten on each change). */
  constructor(
    initial: readonly KnownMachine[] = [],
    private readonly file: string | null = null,
  ) {
    if (file && existsSync(file)) {
      let doc: { format?: unknown; version?: unknown; machines?: unknown };
      try {
        doc = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        throw new MillwrightError("MW_CONFIG", `${file}: not valid JSON (${(e as Error).message})`);
      }
      if (doc.format !== FORMAT || doc.version !== 1 || !Array.isArray(doc.machines))
        throw new MillwrightError("MW_CONFIG", `${file}: not a ${FORMAT} file of version 1`);
      this.put(doc.machines.map((m, i) => parseMachine(m, `${file}: machines[${i}]`)));
    }
    this.put(initial);
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): KnownMachine | undefined {
    return this.byId.get(id);
  }

  /** Sorted by id, from `offset`. */
  list(offset = 0, limit = Number.POSITIVE_INFINITY): KnownMachine[] {
    return [...this.byId.values()]
      .sort((a, b) => (a.machine_id < b.machine_id ? -1 : a.machine_id > b.machine_id ? 1 : 0))
      .slice(offset, offset + limit);
  }

  /** Adds or updates machines; returns how many were new. Refuses to go over MAX_MACHINES. */
  register(machines: readonly KnownMachine[]): number {
    const fresh = new Set(machines.filter((m) => !this.byId.has(m.machine_id)).map((m) => m.machine_id));
    if (this.byId.size + fresh.size > MAX_MACHINES)
      throw new MillwrightError(
        "MW_BATCH_TOO_LARGE",
        `${this.byId.size} machines are registered and ${fresh.size} more would pass the limit of ${MAX_MACHINES}`,
        { limit: MAX_MACHINES },
      );
    this.put(machines);
    this.save();
    for (const id of fresh) for (const l of this.added) l(id);
    return fresh.size;
  }

  remove(id: string): boolean {
    if (!this.byId.delete(id)) return false;
    this.save();
    for (const l of this.removed) l(id);
    return true;
  }

  onRemove(l: (id: string) => void): void {
    this.removed.push(l);
  }

  onRegister(l: (id: string) => void): void {
    this.added.push(l);
  }

  private put(machines: readonly KnownMachine[]): void {
    for (const m of machines)
      this.byId.set(
        m.machine_id,
        m.machine_model
          ? { machine_id: m.machine_id, machine_model: m.machine_model }
          : { machine_id: m.machine_id },
      );
  }

  private save(): void {
    if (!this.file) return;
    const doc = { format: FORMAT, version: 1, machines: this.list() };
    writeFileAtomic(this.file, `${JSON.stringify(doc, null, 2)}\n`, 0o600);
  }
}
