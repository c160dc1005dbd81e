// The machine table a contract server serves: the version's copy of the attributes file (the
// machines it was trained with), plus the machines added since on the running server (PUT
// /v1/machines/{id}, `machine` entries of the history log), so a machine bought after training is
// scored from the moment it is added, on every replica, and after a restart. The codes map is the
// one FleetHistory reads; added machines are kept as registered (a level the model never saw stays
// as written), so a swap codes them with the new version's levels.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../../core/errors.js";
import {
  checkMachineAttributes,
  codeAttributes,
  decodeAttributes,
  declaredLevels,
  type MachineAttributes,
  sameAttributes,
} from "../../contract/machine-table.js";
import type { Contract } from "../../contract/types.js";
import { parseCsv } from "../../data/csv.js";
import { readAttributes } from "../../data/events.js";
import type { LoggedMachine } from "../../store/history/types.js";
import type { HistoryModel } from "../../train/history-model.js";

/** What PUT /v1/machines/{id} answers: added (201), unchanged or updated (200, with the previous attributes). */
export interface MachineAnswer {
  machine_id: string;
  status: "added" | "unchanged" | "updated";
  attributes: MachineAttributes;
  previous?: MachineAttributes;
  warnings: string[];
}

export class MachineTable {
  /** Each known machine's attribute values (contract order; category codes): the table, then the added. */
  readonly codes: Map<string, Float64Array>;
  private readonly added = new Map<string, MachineAttributes>();

  private constructor(
    private readonly contract: Contract,
    private readonly table: ReadonlyMap<string, Float64Array>,
    private readonly declared: ReadonlySet<string>,
  ) {
    this.codes = new Map(table);
  }

  /** The version's machine table (null: its contract has none), read from the files kept with it. */
  static load(m: HistoryModel, dir: string): MachineTable | null {
    const a = m.contract.attributes;
    if (!a) return null;
    const file = join(dir, "attributes.csv");
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new MillwrightError("MW_MODEL_CORRUPT", `${file}: the version's machine table is missing`, {
        file,
      });
    }
    const table = parseCsv(text, m.contract.csv.delimiter);
    const key = table.header.indexOf(a.key);
    const ids = table.rows.map((r) => (r[key] ?? "").trim()).filter((x) => x !== "");
    const { values } = readAttributes(m.contract, table, file, ids);
    const codes = new Map(ids.map((id, i) => [id, Float64Array.from(values, (col) => col[i])]));
    const yaml = join(dir, "contract.yaml");
    let contractText = "";
    try {
      contractText = readFileSync(yaml, "utf8");
    } catch {
      // A version without its contract's text: no level list is known to be closed.
    }
    return new MachineTable(m.contract, codes, declaredLevels(contractText, yaml));
  }

  /** The same table with no machine added: a replay of the log starts from it. */
  fresh(): MachineTable {
    return new MachineTable(this.contract, this.table, this.declared);
  }

  /** A machine's attributes as registered (added) or as the table codes them; null: not in the table. */
  attributesOf(id: string): MachineAttributes | null {
    const added = this.added.get(id);
    if (added) return added;
    const codes = this.codes.get(id);
    return codes ? decodeAttributes(this.contract, codes) : null;
  }

  /**
   * Judges a PUT against the table as it stands: the answer, and the entry to log and apply
   * (none when the attributes are the machine's already). Throws MW_VALIDATION naming the attribute.
   */
  judge(
    id: string,
    given: Readonly<Record<string, unknown>>,
  ): { answer: MachineAnswer; entry: LoggedMachine | null } {
    const { attributes, warnings } = checkMachineAttributes(this.contract, this.declared, id, given);
    const previous = this.attributesOf(id);
    const answer = { machine_id: id, attributes, warnings };
    if (previous && sameAttributes(this.contract, previous, attributes))
      return { answer: { ...answer, status: "unchanged" }, entry: null };
    const entry = { machine: id, attributes, receivedAt: Date.now() };
    return previous
      ? { answer: { ...answer, status: "updated", previous }, entry }
      : { answer: { ...answer, status: "added" }, entry };
  }

  /** Applies a logged machine entry (live, replayed or another replica's). */
  apply(m: LoggedMachine): void {
    this.added.set(m.machine, m.attributes);
    this.codes.set(m.machine, codeAttributes(this.contract, m.attributes));
  }
}
