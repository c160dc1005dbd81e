// The machine table a retraining trains with: the champion's stored attributes file with the
// machines added on the server since (the history log's `machine` entries; the last one of a
// machine wins), written as the contract reads it, so the challenger scores them as any machine
// and its version keeps them in its own copy of the table.
import { readFileSync, writeFileSync } from "node:fs";
import { declaredLevels, type MachineAttributes } from "../contract/machine-table.js";
import type { Contract } from "../contract/types.js";
import { formatCsv, formatDecimal, parseCsv } from "../data/csv.js";
import { columnIndex } from "../data/errors.js";
import type { LogEntry } from "../store/history/types.js";

/** Each machine added (or changed) on the server, as last registered. */
export function addedMachines(entries: readonly LogEntry[]): Map<string, MachineAttributes> {
  const out = new Map<string, MachineAttributes>();
  for (const e of entries) if (e.type === "machine") out.set(e.machine.machine, e.machine.attributes);
  return out;
}

/**
 * Writes `stored` (the champion's attributes file) to `dest` with the added machines: a machine's
 * row is changed in place, a new machine's appended; columns the contract does not read are kept
 * (empty for a new machine). Returns the contract to train with: category levels the user's
 * contract leaves open are learned again from the table, as `train --contract` learns them, so a
 * make or model first seen on an added machine becomes a level of the challenger.
 */
export function writeMachineTable(
  c: Contract,
  contractText: string,
  stored: string,
  added: ReadonlyMap<string, MachineAttributes>,
  dest: string,
): Contract {
  const a = c.attributes as NonNullable<Contract["attributes"]>;
  const table = parseCsv(readFileSync(stored, "utf8"), c.csv.delimiter);
  const [key, ...idx] = columnIndex(
    table.header,
    [
      { column: a.key, key: "attributes.key" },
      ...a.columns.map((x, i) => ({ column: x.column, key: `attributes.columns[${i}].column` })),
    ],
    stored,
    c.source,
  );
  const cell = (v: string | number | null) =>
    v === null ? "" : typeof v === "number" ? formatDecimal(v, c.csv.decimal) : v;
  const rows = table.rows.map((r) => [...r]);
  for (const [id, attrs] of added) {
    let row = rows.find((r) => (r[key] ?? "").trim() === id);
    if (!row) {
      row = table.header.map(() => "");
      row[key] = id;
      rows.push(row);
    }
    a.columns.forEach((x, j) => {
      (row as string[])[idx[j]] = cell(attrs[x.name] ?? null);
    });
  }
  writeFileSync(dest, formatCsv(table.header, rows, { delimiter: c.csv.delimiter }));
  const declared = declaredLevels(contractText, c.source);
  const columns = a.columns.map((x) =>
    x.kind === "category" && !declared.has(x.name) ? { ...x, levels: null } : x,
  );
  return { ...c, attributes: { ...a, file: dest, columns } };
}
