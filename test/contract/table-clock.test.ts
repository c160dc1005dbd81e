// An event log that writes its times its own way (a CMMS exporting "03.01.2026" beside the
// historian's ISO times): `time: { column, format, zone }` on that table (src/contract/fields.ts
// tableTime), read by its own rules in files and in POST /v1/events, the contract's too.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { eventTimeDescription, parseEvents } from "../../src/serve/contract/events.js";
import { CONTRACT, shopFiles, writeShop } from "./helpers.js";

const CMMS = CONTRACT.replace(
  "{ name: maintenance, file: maintenance.csv, time: ts,",
  '{ name: maintenance, file: maintenance.csv, time: { column: Erledigt, format: "DD.MM.YYYY", zone: Europe/Berlin },',
);

test("a table's own time format and zone read its file; the rest keep the contract's rules", () => {
  assert.notEqual(CMMS, CONTRACT);
  const files = {
    ...shopFiles(),
    "maintenance.csv": "Erledigt,machine,component\n01.01.2026,M1,spindle\n02.01.2026,M2,pump\n",
  };
  const shop = writeShop(files, CMMS);
  const { contract } = loadContract(shop.contract);
  const spec = contract.events.find((e) => e.name === "maintenance")!;
  assert.deepEqual([spec.time, spec.clock], ["Erledigt", { format: "DD.MM.YYYY", zone: "Europe/Berlin" }]);
  assert.equal(contract.events.find((e) => e.name === "alarms")!.clock, undefined);
  const d = readContractData(contract, { learn: true, labels: "require" });
  const m = d.events[contract.events.indexOf(spec)];
  // Midnight in Berlin (UTC+1 in January) is 23:00 UTC the day before.
  assert.deepEqual([...m.time], [Date.parse("2025-12-31T23:00:00Z"), Date.parse("2026-01-01T23:00:00Z")]);
  // The alarms, written "2026-01-01 05:30:00", are still read as the contract says (UTC).
  assert.equal(d.events[0].time[0], Date.parse("2026-01-01T05:30:00Z"));
  // A row the table's format cannot read names the file, row, column and the table's own rule.
  const bad = writeShop(
    { ...files, "maintenance.csv": "Erledigt,machine,component\n2026/01/01,M1,spindle\n" },
    CMMS,
  );
  assert.throws(
    () => readContractData(loadContract(bad.contract).contract, { learn: true, labels: "require" }),
    (e: unknown) =>
      isMillwrightError(e) &&
      /maintenance\.csv/.test(e.message) &&
      /Erledigt/.test(e.message) &&
      /a time written DD\.MM\.YYYY \(Europe\/Berlin time\)/.test(e.message),
  );
});

test("a table's time is checked like the contract's: format, zone, keys, and none on a counter", () => {
  const cases: [string, RegExp][] = [
    [CMMS.replace('format: "DD.MM.YYYY"', 'format: "DD.MM.YY"'), /events\[1\]\.time\.format: needs YYYY/],
    [
      CMMS.replace("zone: Europe/Berlin }", "zone: Europe/Berlinn }"),
      /events\[1\]\.time\.zone: unknown time zone/,
    ],
    [CMMS.replace("{ column: Erledigt,", "{ colum: Erledigt,"), /events\[1\]\.time\.colum: unknown key/],
    [
      CMMS.replace("time: { column: ts }", "time: { column: ts, counter: true }")
        .replace("windows: [3h, 24h]", "windows: [3, 24]")
        .replace(/count: \[24h\]/g, "count: [24]")
        .replace("horizon: 24h", "horizon: 24"),
      /events\[1\]\.time\.format: time is a counter/,
    ],
  ];
  for (const [text, pattern] of cases) {
    const shop = writeShop(shopFiles(), text);
    assert.throws(
      () => loadContract(shop.contract),
      (e: unknown) => isMillwrightError(e) && e.code === "MW_CONFIG" && pattern.test(e.message),
      String(pattern),
    );
  }
  // The failures file may have its own too.
  const f = writeShop(
    {
      ...shopFiles(),
      "failures.csv": "ts,machine,component\n02.01.2026 12:00,M1,spindle\n03.01.2026 03:00,M2,pump\n",
    },
    CONTRACT.replace(
      "  time: ts\n  machine: machine\n  kind: component\n  horizon",
      '  time: { column: ts, format: "DD.MM.YYYY HH:mm" }\n  machine: machine\n  kind: component\n  horizon',
    ),
  );
  const d = readContractData(loadContract(f.contract).contract, { learn: true, labels: "require" });
  assert.deepEqual(
    [...(d.failures?.time ?? [])],
    [Date.parse("2026-01-02T12:00:00Z"), Date.parse("2026-01-03T03:00:00Z")],
  );
});

test("POST /v1/events reads a table's own format, and the contract's too; a time neither reads names both", () => {
  const { contract } = loadContract(writeShop(shopFiles(), CMMS).contract);
  // What parseEvents reads of the server's FleetHistory: its contract, tables and machines.
  const fleet = {
    model: { contract },
    eventTables: () => ["alarms", "maintenance", "failures"],
    knownMachines: () => ["M1", "M2"],
  } as unknown as Parameters<typeof parseEvents>[0];
  const ev = (table: string, timestamp: string) => ({
    id: `e-${timestamp}`,
    table,
    machine_id: "M1",
    timestamp,
    kind: "spindle",
  });
  const [cmms, iso, alarm] = parseEvents(fleet, false, [
    ev("maintenance", "02.01.2026"),
    ev("maintenance", "2026-01-02T06:00:00Z"),
    ev("alarms", "2026-01-02 06:00:00"),
  ]);
  assert.equal(cmms.time, Date.parse("2026-01-01T23:00:00Z"));
  assert.equal(iso.time, Date.parse("2026-01-02T06:00:00Z"));
  assert.equal(alarm.time, Date.parse("2026-01-02T06:00:00Z"));
  // The OpenAPI document says so: the contract's rule, and the table's own.
  assert.equal(
    eventTimeDescription(contract),
    "ISO 8601 (no zone = UTC); table maintenance also a time written DD.MM.YYYY (Europe/Berlin time) or ISO 8601",
  );
  assert.throws(
    () => parseEvents(fleet, false, [ev("maintenance", "Jan 2")]),
    (e: unknown) =>
      isMillwrightError(e) &&
      e.code === "MW_VALIDATION" &&
      // Said once: the contract's plain ISO is in the table's words (trial 2: "… or ISO 8601, or an ISO 8601 time").
      /events\[0\]\.timestamp: must be a time written DD\.MM\.YYYY \(Europe\/Berlin time\) or ISO 8601$/.test(
        e.message,
      ),
  );
});
