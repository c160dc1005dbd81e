// A shop that buys a machine after its model was trained: the historian simulation (12 machines),
// its model trained on every machine but M12 (M12 left out of the telemetry, the event logs and the
// machine table), and M12's readings and events as a client posts them, for the tests of
// PUT /v1/machines/{id} (test/serve/contract/machines*.test.ts).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadContract } from "../../src/contract/load.js";
import type { Contract } from "../../src/contract/types.js";
import { formatCsv, parseCsv } from "../../src/data/csv.js";
import { readContractData } from "../../src/data/contract-data.js";
import { parseTimestamp } from "../../src/data/time.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { historianShop } from "./historian.js";

export const NEW = "M12";

export interface NewMachineShop {
  dir: string;
  registry: ModelRegistry;
  version: string;
  contract: Contract;
  /** Rows at or after `from` (ms; default: all), M12's included, as /v1/predict bodies in time order. */
  readings(from?: number): Record<string, unknown>[];
  /** Events at or after `from`, M12's included, as /v1/events items (id `<table>-<row>`). */
  events(from?: number): Record<string, unknown>[];
  /** The first telemetry time. */
  start: number;
}

const EVENT_FILES = [
  ["alarms", "alarms.csv", "code"],
  ["maintenance", "maintenance.csv", "component"],
  ["failures", "failures.csv", "component"],
] as const;

/**
 * `days` of the historian shop; the model trained on the rows before `trainUntil` (ms after the
 * start; default all) of every machine but M12. `declareLevels`: the contract lists the `model`
 * attribute's levels itself (a closed list), every make of the shop's, M12's included.
 */
export function newMachineShop(
  prefix: string,
  opts: { days: number; trainUntil?: number; declareLevels?: boolean },
): NewMachineShop {
  const shop = historianShop({ machines: 12, days: opts.days, seed: 7 }, prefix);
  const hist = join(shop.dir, "historian");
  const csv = (f: string) => parseCsv(readFileSync(join(hist, f), "utf8"));
  const files = {
    telemetry: csv("telemetry.csv"),
    ...Object.fromEntries(EVENT_FILES.map(([t, f]) => [t, csv(f)])),
  } as Record<string, ReturnType<typeof parseCsv>>;
  const machines = csv("machines.csv");
  const start = parseTimestamp(files.telemetry.rows[0][0]);
  const until = start + (opts.trainUntil ?? Number.POSITIVE_INFINITY);
  // What the model is trained on: the machine table and every file without M12, up to `until`.
  const keep = (t: ReturnType<typeof parseCsv>) => {
    const [ti, mi] = [t.header.indexOf("timestamp"), t.header.indexOf("machine_id")];
    return t.rows.filter((r) => r[mi] !== NEW && parseTimestamp(r[ti]) < until);
  };
  const base = (name: string) => join(shop.dir, `base-${name}.csv`);
  for (const [name, t] of Object.entries(files)) writeFileSync(base(name), formatCsv(t.header, keep(t)));
  writeFileSync(
    join(hist, "machines.csv"),
    formatCsv(
      machines.header,
      machines.rows.filter((r) => r[0] !== NEW),
    ),
  );
  if (opts.declareLevels) {
    const levels = [...new Set(machines.rows.map((r) => r[1]))].sort();
    const text = readFileSync(shop.contract, "utf8");
    const line = "{ name: model, column: make_model, kind: category, words: make and model }";
    if (!text.includes(line)) throw new Error("the example contract's model attribute moved");
    writeFileSync(
      shop.contract,
      text.replace(
        line,
        `{ name: model, column: make_model, kind: category, words: make and model, levels: [${levels.map((l) => JSON.stringify(l)).join(", ")}] }`,
      ),
    );
  }
  const { contract, text } = loadContract(shop.contract);
  const registry = new ModelRegistry(join(shop.dir, "models"));
  const data = readContractData(contract, {
    telemetry: base("telemetry"),
    events: Object.fromEntries(EVENT_FILES.map(([t]) => [t, base(t)])),
    learn: true,
    labels: "require",
  });
  const version = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
    params: { nEstimators: 20 },
  }).version;
  const at = (t: ReturnType<typeof parseCsv>, r: string[], col: string) => r[t.header.indexOf(col)];
  const after = (t: ReturnType<typeof parseCsv>, from: number) =>
    t.rows.filter((r) => parseTimestamp(at(t, r, "timestamp")) >= from);
  return {
    dir: shop.dir,
    registry,
    version,
    contract,
    start,
    readings: (from = start) =>
      after(files.telemetry, from).map((r) => {
        const o: Record<string, unknown> = {
          machine_id: at(files.telemetry, r, "machine_id"),
          timestamp: at(files.telemetry, r, "timestamp"),
        };
        for (const spec of contract.readings) {
          const cell = at(files.telemetry, r, spec.column);
          if (cell !== "" && cell !== undefined) o[spec.name] = Number(cell);
        }
        return o;
      }),
    events: (from = start) =>
      EVENT_FILES.flatMap(([table, , kind]) => {
        const t = files[table];
        return t.rows
          .map((r, i) => ({ r, i }))
          .filter(({ r }) => parseTimestamp(at(t, r, "timestamp")) >= from)
          .map(({ r, i }) => ({
            id: `${table}-${i}`,
            table,
            machine_id: at(t, r, "machine_id"),
            timestamp: at(t, r, "timestamp"),
            kind: at(t, r, kind),
          }));
      }),
  };
}
