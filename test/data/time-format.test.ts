// Times as exports write them: day-first and month-first formats, and local wall-clock time in an
// IANA zone across both daylight-saving changes (known answers from the zones' published rules).
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { formatProblem, timeParser } from "../../src/data/time-format.js";
import { CONTRACT, shopFiles, writeShop } from "../contract/helpers.js";

const utc = (s: string) => Date.parse(s);

test("time.format: fields in any order, real dates only; ISO 8601 is accepted too", () => {
  const de = timeParser({ format: "DD.MM.YYYY HH:mm:ss" });
  assert.equal(de("06.03.2025 06:00:00"), utc("2025-03-06T06:00:00Z"));
  assert.equal(de(" 6.3.2025 06:00:00 "), utc("2025-03-06T06:00:00Z"));
  assert.ok(Number.isNaN(de("31.04.2025 06:00:00")), "31 April does not exist");
  assert.ok(Number.isNaN(de("06.13.2025 06:00:00")));
  assert.equal(de("2025-03-06T06:00:00Z"), utc("2025-03-06T06:00:00Z"));
  const us = timeParser({ format: "MM/DD/YYYY HH:mm" });
  assert.equal(us("03/06/2025 18:30"), utc("2025-03-06T18:30:00Z"));
  assert.equal(formatProblem("DD.MM.YY"), "needs YYYY (tokens: YYYY MM DD HH mm ss)");
  assert.equal(formatProblem("YYYY-MM-DD DD"), "names a token twice");
  assert.equal(formatProblem("YYYY-MM-DD"), null);
  // A token in the wrong case is said once, for the contract, not as an error on every row.
  assert.match(formatProblem("DD.MM.YYYY hh:mm:ss") ?? "", /has 'hh', which is not a token/);
  assert.match(formatProblem("dd.MM.YYYY HH:mm") ?? "", /needs DD|has 'dd'/);
  assert.equal(formatProblem("YYYY-MM-DDTHH:mm:ss"), null, "a T between date and time is text");
  assert.equal(formatProblem("DD.MM.YYYY HH:mm Uhr"), null, "a word is text");
});

test("time.zone: Berlin and New York wall-clock times, both clock changes, explicit offsets win", () => {
  const berlin = timeParser({ zone: "Europe/Berlin" });
  assert.equal(berlin("2025-01-15 12:00:00"), utc("2025-01-15T11:00:00Z")); // CET, +1
  assert.equal(berlin("2025-07-15 12:00:00"), utc("2025-07-15T10:00:00Z")); // CEST, +2
  // 30 March 2025: 02:00 → 03:00; 02:30 never shows on a clock: read with the offset before the jump.
  assert.equal(berlin("2025-03-30 02:30:00"), utc("2025-03-30T01:30:00Z"));
  assert.equal(berlin("2025-03-30 03:00:00"), utc("2025-03-30T01:00:00Z"));
  // 26 October 2025: 03:00 → 02:00; 02:30 shows twice, first in CEST, then in CET.
  assert.equal(berlin("2025-10-26 02:30:00"), utc("2025-10-26T00:30:00Z"));
  assert.equal(berlin.later("2025-10-26 02:30:00"), utc("2025-10-26T01:30:00Z"));
  assert.ok(Number.isNaN(berlin.later("2025-10-26 04:30:00")), "not ambiguous");
  assert.equal(berlin("2025-07-15T12:00:00Z"), utc("2025-07-15T12:00:00Z"));
  assert.equal(berlin("2025-07-15T12:00:00+05:30"), utc("2025-07-15T06:30:00Z"));
  const ny = timeParser({ zone: "America/New_York", format: "MM/DD/YYYY HH:mm" });
  assert.equal(ny("11/02/2025 01:30"), utc("2025-11-02T05:30:00Z")); // EDT, −4
  assert.equal(ny.later("11/02/2025 01:30"), utc("2025-11-02T06:30:00Z")); // EST, −5
});

test("a local-time export across the autumn change reads in order; contract mistakes name the key", () => {
  const contract = CONTRACT.replace(
    "time: { column: ts }",
    'time: { column: ts, format: "DD.MM.YYYY HH:mm", zone: Europe/Berlin }',
  ).replace(/\n(attributes|derived|history|events|failures):[\s\S]*$/, "\nlabels: { column: failed }\n");
  const local = [
    "25.10.2025 23:00",
    "26.10.2025 00:00",
    "26.10.2025 01:00",
    "26.10.2025 02:00",
    "26.10.2025 02:00",
    "26.10.2025 03:00",
  ];
  const rows = local.map((t, i) => `${t},M1,${50 + i},1.5,0`);
  const shop = writeShop(
    { "telemetry.csv": `ts,machine,Load [%],vib_rms,failed\n${rows.join("\n")}\n` },
    contract,
  );
  const d = readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
  assert.deepEqual(
    [...d.telemetry.time].map((t) => new Date(t).toISOString()),
    ["21:00", "22:00", "23:00", "00:00", "01:00", "02:00"].map(
      (h, i) => `2025-10-${i < 3 ? "25" : "26"}T${h}:00.000Z`,
    ),
  );
  for (const [text, pattern] of [
    [contract.replace("DD.MM.YYYY HH:mm", "DD.MM.YY"), /time\.format: needs YYYY/],
    [
      contract.replace("Europe/Berlin", "Europe/Atlantis"),
      /time\.zone: unknown time zone 'Europe\/Atlantis'/,
    ],
    [
      CONTRACT.replace("time: { column: ts }", "time: { column: ts, counter: true, zone: UTC }"),
      /time\.zone: a counter has no format or zone/,
    ],
  ] as const) {
    const bad = writeShop(shopFiles(), text);
    assert.throws(
      () => loadContract(bad.contract),
      (e: unknown) => isMillwrightError(e) && pattern.test(e.message),
    );
  }
});

test("an export with the hour a zone skips says why its time goes backwards, and a fixed offset reads it", () => {
  const contract = CONTRACT.replace(
    "time: { column: ts }",
    'time: { column: ts, format: "DD.MM.YYYY HH:mm", zone: Europe/Berlin }',
  ).replace(/\n(attributes|derived|history|events|failures):[\s\S]*$/, "\nlabels: { column: failed }\n");
  // A controller clock that ignores daylight saving: 02:00 and 02:30 on the spring-forward day.
  const local = ["29.03.2026 01:30", "29.03.2026 02:00", "29.03.2026 02:30", "29.03.2026 03:00"];
  const rows = local.map((t, i) => `${t},M1,${50 + i},1.5,0`);
  const files = { "telemetry.csv": `ts,machine,Load [%],vib_rms,failed\n${rows.join("\n")}\n` };
  const shop = writeShop(files, contract);
  assert.throws(
    () => readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" }),
    (e: unknown) =>
      isMillwrightError(e) &&
      /row 5, ts: time goes backwards for machine 'M1'.*read as 2026-03-29 01:00 UTC, after a row at 2026-03-29 01:30 UTC\. In Europe\/Berlin the hour the clocks go forward does not exist.*Etc\/GMT-1/.test(
        e.message,
      ),
  );
  const fixed = writeShop(files, contract.replace("Europe/Berlin", "Etc/GMT-1"));
  const d = readContractData(loadContract(fixed.contract).contract, { learn: true, labels: "require" });
  assert.deepEqual(
    [...d.telemetry.time].map((t) => new Date(t).toISOString().slice(11, 16)),
    ["00:30", "01:00", "01:30", "02:00"],
  );
});

test("rows out of order on a day without a clock change: the rows and how to sort, no daylight-saving hint", () => {
  const contract = CONTRACT.replace(
    "time: { column: ts }",
    "time: { column: ts, zone: Europe/Berlin }",
  ).replace(/\n(attributes|derived|history|events|failures):[\s\S]*$/, "\nlabels: { column: failed }\n");
  const read = (stamps: string[]) => {
    const rows = stamps.map((t, i) => `${t},M1,${50 + i},1.5,0`);
    const shop = writeShop(
      { "telemetry.csv": `ts,machine,Load [%],vib_rms,failed\n${rows.join("\n")}\n` },
      contract,
    );
    try {
      readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
    } catch (e) {
      if (isMillwrightError(e)) return e.message;
      throw e;
    }
    assert.fail("the file was read");
  };
  // A swapped pair with explicit offsets (the zone reads neither), and the same without offsets on
  // a June day (no clock change near): rows out of order, named with their times as written.
  for (const [stamps, earlier, later] of [
    [
      [
        "2026-06-10T13:00:00+02:00",
        "2026-06-10T15:00:00+02:00",
        "2026-06-10T14:00:00+02:00",
        "2026-06-10T16:00:00+02:00",
      ],
      "2026-06-10T14:00:00+02:00",
      "2026-06-10T15:00:00+02:00",
    ],
    [
      ["2026-06-10 13:00", "2026-06-10 15:00", "2026-06-10 14:00", "2026-06-10 16:00"],
      "2026-06-10 14:00",
      "2026-06-10 15:00",
    ],
  ] as const) {
    const message = read([...stamps]);
    assert.match(
      message,
      new RegExp(
        `row 4, ts: time goes backwards for machine 'M1' \\(rows of a machine must be in time order\\): '${earlier.replace("+", "\\+")}' comes after '${later.replace("+", "\\+")}' \\(row 3\\), so the rows are out of order; sort the file by time`,
      ),
      message,
    );
    assert.doesNotMatch(message, /clocks go forward|daylight saving|fixed offset/);
  }
  // Explicit offsets on the spring-forward day itself: still no zone involved, still no hint.
  const spring = read([
    "2026-03-29T01:30:00+01:00",
    "2026-03-29T03:30:00+02:00",
    "2026-03-29T03:00:00+02:00",
  ]);
  assert.match(spring, /comes after '2026-03-29T03:30:00\+02:00' \(row 3\)/);
  assert.doesNotMatch(spring, /clocks go forward/);
});
