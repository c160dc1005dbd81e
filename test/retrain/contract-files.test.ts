// Retraining a contract model whose export is not comma-separated UTC: semicolons and decimal
// commas, local times in a day-first format, two telemetry files (one per make) whose columns go by
// different names. The files retraining writes (the champion's stored data plus what the server
// logged since) must read back through the champion's own contract to the same rows and values.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { parseCsv } from "../../src/data/csv.js";
import { parseTimestamp } from "../../src/data/time.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { retrainFiles } from "../../src/retrain/contract-data.js";
import type { LogEntry } from "../../src/store/history/types.js";
import { historianShop } from "../helpers/historian.js";
import { readRetrainFiles, rowKey } from "../helpers/retrain-files.js";

const BERLIN = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Berlin",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
/** "2026-01-05 00:00:00" (UTC) → "05.01.2026 01:00:00" (Berlin wall clock). */
function local(utc: string): string {
  const p = Object.fromEntries(BERLIN.formatToParts(parseTimestamp(utc)).map((x) => [x.type, x.value]));
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}:${p.second}`;
}
const comma = (cell: string) => cell.replace(".", ",");

/** Rewrites a comma/UTC CSV the European way: semicolons, decimal commas, Berlin local time. */
function european(
  text: string,
  rename: Record<string, string> = {},
  keep?: (row: string[]) => boolean,
): string {
  const t = parseCsv(text);
  const ti = t.header.indexOf("timestamp");
  const rows = t.rows.filter((r) => keep?.(r) ?? true);
  const out = rows.map((r) => r.map((c, j) => (j === ti ? local(c) : comma(c))).join(";"));
  return `${t.header.map((h) => rename[h] ?? h).join(";")}\n${out.join("\n")}\n`;
}

test("retraining a semicolon, decimal-comma, local-time, two-export contract reads back the same data", () => {
  const shop = historianShop({ machines: 12, days: 45, seed: 7 }, "mw-euro-");
  const hist = join(shop.dir, "historian");
  const read = (f: string) => readFileSync(join(hist, f), "utf8");
  const first = new Set(["M01", "M02", "M03", "M04", "M05", "M06"]);
  // Make A writes the historian's names; make B its own (aliases in the contract).
  writeFileSync(
    join(hist, "a.csv"),
    european(read("telemetry.csv"), {}, (r) => first.has(r[1])),
  );
  writeFileSync(
    join(hist, "b.csv"),
    european(read("telemetry.csv"), { spindle_load_pct: "S_LOAD", vib_rms: "VIB" }, (r) => !first.has(r[1])),
  );
  for (const f of ["alarms.csv", "maintenance.csv", "failures.csv"])
    writeFileSync(join(hist, `eu-${f}`), european(read(f)));
  writeFileSync(join(hist, "eu-machines.csv"), european(read("machines.csv")));
  const text = readFileSync(shop.contract, "utf8")
    .replace(
      "telemetry: ../historian/telemetry.csv",
      "telemetry: [../historian/a.csv, ../historian/b.csv]\ncsv: { delimiter: ';', decimal: ',' }",
    )
    .replace(
      "time: { column: timestamp }",
      'time: { column: timestamp, format: "DD.MM.YYYY HH:mm:ss", zone: Europe/Berlin }',
    )
    .replace("column: spindle_load_pct,", "column: [spindle_load_pct, S_LOAD],")
    .replace("column: vib_rms,", "column: [vib_rms, VIB],")
    .replace(/\.\.\/historian\/(alarms|maintenance|failures|machines)\.csv/g, "../historian/eu-$1.csv");
  writeFileSync(shop.contract, text);
  const { contract } = loadContract(shop.contract);
  const data = readContractData(contract, { learn: true, labels: "require" });
  const registry = new ModelRegistry(join(shop.dir, "models"));
  const champion = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
    params: { nEstimators: 2, maxDepth: 2 },
  }).version;

  const m = data.telemetry;
  const lastOf = (id: string) => Math.max(...[...m.time].filter((_, i) => m.machines[m.machine[i]] === id));
  const hour = 3_600_000;
  const reading = (machine: string, time: number, load: number | null): LogEntry => ({
    type: "reading",
    reading: {
      id: `r-${machine}-${time}`,
      machine,
      time,
      values: [5000, load, null, 25.5, null, 40.25],
      modelVersion: champion,
      predictedAt: time,
      failureProbability: 0.1,
      heads: {},
    },
  });
  const f0 = data.failures as NonNullable<typeof data.failures>;
  const knownFailure = { machine: m.machines[f0.machine[0]], time: f0.time[0], kind: f0.kind[0] };
  const event = (table: string, machine: string, time: number, kind: string, id: string): LogEntry => ({
    type: "event",
    event: { id, table, machine, time, kind, receivedAt: time },
  });
  const entries: LogEntry[] = [
    reading("M01", lastOf("M01") - hour, 50), // already in the stored data's time range: left out
    reading("M01", lastOf("M01") + hour, 61.5),
    reading("M09", lastOf("M09") + hour, 47),
    event("maintenance", "M09", lastOf("M09") + hour, "coolant_pump", "e1"),
    event("failures", knownFailure.machine, knownFailure.time, knownFailure.kind, "e2"), // already stored
  ];
  const files = retrainFiles(
    registry,
    champion,
    readContractData(contract, { learn: true, labels: "require" }).contract,
    entries,
    join(shop.dir, "retrain"),
  );
  assert.equal(files.base_rows, m.n);
  assert.equal(files.production_rows, 2);
  assert.equal(files.production_events, 1);
  assert.match(readFileSync(files.telemetry, "utf8").split("\n")[1], /^M0\d;\d{4}-\d\d-\d\dT[\d:]+Z;[\d,]+;/);

  const back = readRetrainFiles(files);
  const t = back.telemetry;
  assert.equal(t.n, m.n + 2);
  // Every stored row comes back with the same machine, time and values (NaN where missing).
  const before = new Set(Array.from({ length: m.n }, (_, i) => rowKey(m, i)));
  const after = Array.from({ length: t.n }, (_, i) => rowKey(t, i));
  assert.equal(after.filter((k) => before.has(k)).length, m.n);
  const added = after.filter((k) => !before.has(k));
  assert.deepEqual(added.sort(), [
    `M01 ${lastOf("M01") + hour} 5000,61.5,NaN,25.5,NaN,40.25`,
    `M09 ${lastOf("M09") + hour} 5000,47,NaN,25.5,NaN,40.25`,
  ]);
  assert.equal(back.events[1].n, data.events[1].n + 1);
  assert.equal(back.failures?.n, data.failures?.n);
});
