// A simulated historian export in a temp folder, beside a copy of examples/contracts/historian.yaml
// (whose paths point at ../historian/), for the tests that train and serve a contract model.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Contract } from "../../src/contract/types.js";
import { parseCsv } from "../../src/data/csv.js";
import { simulateHistorian } from "../../src/data/historian.js";
import { historianToCsv } from "../../src/data/historian-csv.js";

export interface HistorianShop {
  dir: string;
  /** The contract file's path. */
  contract: string;
  /** The telemetry file's path. */
  telemetry: string;
}

export function historianShop(
  opts: { machines: number; days: number; seed: number },
  prefix = "mw-shop-",
): HistorianShop {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "historian"));
  mkdirSync(join(dir, "contracts"));
  for (const [name, text] of Object.entries(historianToCsv(simulateHistorian(opts))))
    writeFileSync(join(dir, "historian", name), text);
  const contract = join(dir, "contracts", "historian.yaml");
  copyFileSync("examples/contracts/historian.yaml", contract);
  return { dir, contract, telemetry: join(dir, "historian", "telemetry.csv") };
}

/**
 * A shop's exports as a client posts them: every alarm, maintenance and failure row as an event
 * (id `<table>-<row>`), and every telemetry row as a reading by the contract's names (empty: null).
 */
export function shopExports(c: Contract): {
  events: Record<string, unknown>[];
  readings: Record<string, unknown>[];
} {
  const csv = (file: string) => parseCsv(readFileSync(file, "utf8"));
  const events: Record<string, unknown>[] = [];
  const add = (file: string, table: string, kind: string) => {
    const t = csv(file);
    const col = (r: string[], name: string) => r[t.header.indexOf(name)];
    t.rows.forEach((r, i) => {
      events.push({
        id: `${table}-${i}`,
        table,
        machine_id: col(r, "machine_id"),
        timestamp: col(r, "timestamp"),
        kind: col(r, kind),
      });
    });
  };
  add(c.events[0].file as string, "alarms", "code");
  add(c.events[1].file as string, "maintenance", "component");
  add(c.failures?.file as string, "failures", "component");
  const t = csv(c.telemetry[0]);
  const readings = t.rows.map((row) => {
    const o: Record<string, unknown> = {
      machine_id: row[t.header.indexOf("machine_id")],
      timestamp: row[t.header.indexOf("timestamp")],
    };
    for (const r of c.readings) {
      const cell = row[t.header.indexOf(r.column)];
      o[r.name] = cell === "" ? null : Number(cell);
    }
    return o;
  });
  return { events, readings };
}
