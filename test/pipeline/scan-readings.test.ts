// The contract scanner (pipeline/scan-readings.ts) against the general path (JSON.parse, then
// toColumns): for every rule of the contract, a body either gives the same columns both ways (-0,
// the later instant of a repeated hour and the written timestamps included) or is handed back, and
// then the general path writes the error; the scanner never takes what toColumns refuses. A plain
// batch is read by the scanner, not handed back.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { loadContract } from "../../src/contract/load.js";
import type { Contract } from "../../src/contract/types.js";
import { type ReadingColumns, toColumns } from "../../src/pipeline/readings.js";
import { scanReadings } from "../../src/pipeline/scan-readings.js";

const MAX = 50;
const dir = mkdtempSync(join(tmpdir(), "mw-scan-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const AI4I = loadContract("examples/contracts/ai4i.yaml").contract; // counter time, a category
const HISTORIAN = loadContract("examples/contracts/historian.yaml").contract; // ISO time, optional readings
function contractOf(name: string, time: string): Contract {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `version: 1\nname: ${name}\ntelemetry: t.csv\n${time}machine: { column: m }\nreadings:\n  - { name: load, column: L, unit: "%", min: 0, max: 200, words: load }\n  - { name: mode, column: M, kind: category, levels: [auto, jog], words: mode, optional: true }\nlabels: { column: f }\n`,
  );
  return loadContract(file).contract;
}
const ZONED = contractOf("zoned", "time: { column: t, zone: Europe/Berlin }\n");
const TIMELESS = contractOf("timeless", "");

/** The general path's columns, or its error message. */
function general(c: Contract, text: string): ReadingColumns | string {
  try {
    return toColumns(c, JSON.parse(text), false);
  } catch (e) {
    return (e as Error).message;
  }
}

/** Scans `text`; asserts the scanner and the general path agree. Returns which path read it. */
function agree(c: Contract, text: string): "scanned" | "handed back" {
  const want = general(c, text);
  const got = scanReadings(c, Buffer.from(text), MAX);
  if (got === null) return "handed back";
  assert.notEqual(typeof want, "string", `scanned what the general path refuses (${want}): ${text}`);
  // Typed arrays compare byte for byte: -0 is not 0.
  assert.deepStrictEqual(got, want, text);
  return "scanned";
}

/** Handed back, and the general path's error is `message`. */
function refused(c: Contract, text: string, message: RegExp): void {
  assert.equal(agree(c, text), "handed back", text);
  assert.match(general(c, text) as string, message);
}

const ai4i = (over: Record<string, unknown> = {}) => ({
  machine_id: "M01",
  timestamp: 7,
  type: "L",
  air_temperature: 298.1,
  process_temperature: 308.6,
  rotational_speed: 1551,
  torque: 42.8,
  tool_wear: 0,
  ...over,
});
const historian = (over: Record<string, unknown> = {}) => ({
  machine_id: "M01",
  timestamp: "2026-06-01T00:00:00Z",
  spindle_speed: 9000,
  spindle_load: 40,
  ...over,
});
const body = (...items: unknown[]) => JSON.stringify(items);

test("a plain batch is scanned, into the general path's columns", () => {
  const batch = Array.from({ length: MAX }, (_, i) => ai4i({ machine_id: `M${i % 7}`, timestamp: 1e15 + i }));
  assert.equal(agree(AI4I, body(...batch)), "scanned");
  const cols = scanReadings(AI4I, Buffer.from(body(...batch)), MAX);
  assert.equal(cols?.n, MAX);
  assert.equal(cols?.stamp, undefined, "a counter's count is the time column");
  assert.equal(
    agree(HISTORIAN, body(historian(), historian({ machine_id: 12, vibration: null }))),
    "scanned",
  );
  assert.equal(agree(TIMELESS, body({ machine_id: "a", load: 1, mode: "jog" })), "scanned");
});

test("numbers as JSON.parse reads them: exponents, -0, long mantissas, whitespace anywhere", () => {
  const text = ` [ {"machine_id" : "M01" ,"timestamp":1e3, "type":"H",\n"air_temperature":-0,"process_temperature":1.5E-2,\t"rotational_speed":1234567890123456789e-15,"torque":0.1,"tool_wear":9007199254740993e-12}\r\n ] `;
  assert.equal(agree(AI4I, text), "scanned");
  const cols = scanReadings(AI4I, Buffer.from(text), MAX) as ReadingColumns;
  assert.ok(Object.is(cols.values[1][0], -0));
  assert.equal(cols.time[0], 1000);
});

test("machine ids: unicode read as written, escapes handed back, whole numbers as their digits", () => {
  assert.equal(agree(HISTORIAN, body(historian({ machine_id: "Drehbank-Ä-機械-🛠" }))), "scanned");
  assert.equal(agree(HISTORIAN, body(historian({ machine_id: 42 }))), "scanned");
  assert.equal(agree(HISTORIAN, body(historian()).replace('"M01"', '"M\\u003001"')), "handed back");
  assert.equal(agree(HISTORIAN, body(historian({ machine_id: 'q"uote' }))), "handed back");
  refused(HISTORIAN, body(historian({ machine_id: "" })), /readings\[0\]\.machine_id: must be a string/);
  refused(HISTORIAN, body(historian({ machine_id: -1 })), /readings\[0\]\.machine_id/);
  refused(HISTORIAN, body(historian({ machine_id: "x".repeat(129) })), /readings\[0\]\.machine_id/);
});

test("each rule of the contract: the scanner hands the reading back, the general path names it", () => {
  const two = (over: Record<string, unknown>) => body(historian(), historian(over));
  refused(HISTORIAN, two({ spindle_load: 250 }), /readings\[1\]\.spindle_load: 250 % is outside 0–200/);
  refused(HISTORIAN, two({ spindle_load: -1e-9 }), /readings\[1\]\.spindle_load: .* is outside/);
  refused(HISTORIAN, two({ spindle_load: undefined }), /readings\[1\]\.spindle_load: is required/);
  refused(HISTORIAN, two({ spindle_load: null }), /readings\[1\]\.spindle_load: is required/);
  refused(HISTORIAN, two({ spindle_speed: "9000" }), /readings\[1\]\.spindle_speed: must be a number/);
  refused(HISTORIAN, two({ spindle_speed: true }), /readings\[1\]\.spindle_speed: must be a number/);
  refused(HISTORIAN, two({ spindle_speed: [1] }), /readings\[1\]\.spindle_speed: must be a number/);
  refused(HISTORIAN, two({ torque: 1 }), /readings\[1\]\.torque: unknown field/);
  refused(HISTORIAN, two({ timestamp: "yesterday" }), /readings\[1\]\.timestamp: must be an ISO 8601 time/);
  refused(HISTORIAN, two({ timestamp: undefined }), /readings\[1\]\.timestamp/);
  refused(HISTORIAN, two({ machine_id: undefined }), /readings\[1\]\.machine_id/);
  refused(AI4I, body(ai4i(), ai4i({ type: "X" })), /readings\[1\]\.type: must be one of L, M, H/);
  refused(AI4I, body(ai4i(), ai4i({ type: "l" })), /readings\[1\]\.type: must be one of/);
  refused(AI4I, body(ai4i(), ai4i({ timestamp: 7.5 })), /readings\[1\]\.timestamp: must be a whole number/);
  refused(AI4I, body(ai4i(), ai4i({ timestamp: "7" })), /readings\[1\]\.timestamp: must be a whole number/);
  refused(AI4I, body(ai4i(), 5), /readings\[1\]: must be an object/);
  refused(
    TIMELESS,
    body({ machine_id: "a", load: 1, mode: "walk" }),
    /readings\[0\]\.mode: must be one of auto, jog/,
  );
  assert.equal(scanReadings(AI4I, Buffer.from("[]"), MAX), null, "the route says an empty batch is empty");
  // Optional readings may be left out or null: NaN in both.
  assert.equal(agree(HISTORIAN, two({ vibration: null, coolant_temp: 20 })), "scanned");
  assert.equal(
    agree(TIMELESS, body({ machine_id: "a", load: 1, mode: null }, { machine_id: "b", load: 2 })),
    "scanned",
  );
});

test("what the scanner leaves to JSON.parse: duplicate keys, bad JSON, escapes, too many readings", () => {
  const dup = `[{"machine_id":"M01","machine_id":"M02","timestamp":"2026-06-01T00:00:00Z","spindle_speed":1,"spindle_load":1}]`;
  assert.equal(agree(HISTORIAN, dup), "handed back");
  for (const bad of ["[{}", "[1,]", `[${body(historian()).slice(1, -1)}] x`, "[{'a':1}]", "[NaN]"])
    refused(HISTORIAN, bad, /./);
  assert.equal(agree(HISTORIAN, body(historian({ timestamp: "2026-06-01T00:00:00\\u005a" }))), "handed back");
  const many = Array.from({ length: MAX + 1 }, (_, i) =>
    historian({ timestamp: `2026-06-01T00:${String(i).padStart(2, "0")}:00Z` }),
  );
  assert.equal(scanReadings(HISTORIAN, Buffer.from(body(...many)), MAX), null);
  // A timestamp sent to a contract without a time is taken and echoed: the general path's to keep.
  assert.equal(agree(TIMELESS, body({ machine_id: "a", load: 1, timestamp: 5 })), "handed back");
});

test("a repeated local hour: both instants, and the time as written for the answer", () => {
  // 2026-10-25 02:30 happens twice in Berlin (the clocks go back at 03:00 CEST).
  const text = body(
    { machine_id: "a", timestamp: "2026-10-25T02:30:00", load: 1 },
    { machine_id: "a", timestamp: "2026-10-25 01:30:00", load: 2 },
  );
  assert.equal(agree(ZONED, text), "scanned");
  const cols = scanReadings(ZONED, Buffer.from(text), MAX) as ReadingColumns;
  assert.ok(Number.isFinite(cols.later?.[0]) && Number.isNaN(cols.later?.[1]));
  assert.deepEqual(cols.stamp, ["2026-10-25T02:30:00", "2026-10-25 01:30:00"]);
});

test("an epoch contract takes its time as a JSON number too, the range check included, echoed as sent", () => {
  // Trial 2: a bridge posting its PLC's Unix seconds as a number was refused ("must be a string").
  const EPOCH = contractOf("epoch", "time: { column: t, format: epoch, zone: America/Chicago }\n");
  const text = body(
    { machine_id: "a", timestamp: 1767619040, load: 1 },
    { machine_id: "a", timestamp: "1767619041.5", load: 2 },
    { machine_id: "a", timestamp: 1767619042.25, load: 3 },
  );
  assert.equal(agree(EPOCH, text), "scanned");
  const cols = scanReadings(EPOCH, Buffer.from(text), MAX) as ReadingColumns;
  assert.deepEqual([...cols.time], [1767619040000, 1767619041500, 1767619042250]);
  assert.deepEqual(cols.stamp, [1767619040, "1767619041.5", 1767619042.25]);
  // An instant: the zone does not make it ambiguous.
  assert.ok(cols.later?.every((x) => Number.isNaN(x)));
  // Seconds read as milliseconds would land in 1970: refused by both paths, naming the field.
  refused(
    EPOCH,
    body({ machine_id: "a", timestamp: 1767619040000, load: 1 }),
    /readings\[0\]\.timestamp: must be Unix epoch seconds/,
  );
  refused(
    EPOCH,
    body({ machine_id: "a", timestamp: true, load: 1 }),
    /readings\[0\]\.timestamp: must be Unix epoch seconds/,
  );
  // Any other written time stays a string: a number is refused as before.
  refused(
    ZONED,
    body({ machine_id: "a", timestamp: 1767619040, load: 1 }),
    /readings\[0\]\.timestamp: must be an ISO 8601 time/,
  );
});

test("random and mutated bodies: the same columns or a hand-back, never a value of its own", () => {
  const value = fc.oneof(
    fc.double({ min: -10, max: 250 }),
    fc.constantFrom(-0, 0, 200, 1e-7, null, "auto", "jog", "9", true),
  );
  const reading = fc.record(
    {
      machine_id: fc.oneof(fc.constantFrom("M01", "Mé", "M\u0000", 7, -1, 2.5), fc.string({ maxLength: 10 })),
      timestamp: fc.constantFrom("2026-10-25T02:30:00", "2026-10-25T02:30:00+01:00", "x", 5),
      load: value,
      mode: value,
    },
    { requiredKeys: [] },
  );
  const variants = (text: string) => [text, text.replace(/,/g, " ,\n"), text.replace(/:(\d)/g, ": $1")];
  fc.assert(
    fc.property(fc.array(reading, { minLength: 1, maxLength: 5 }), fc.nat(200), (items, cut) => {
      for (const text of variants(JSON.stringify(items))) {
        agree(ZONED, text);
        agree(TIMELESS, text);
        // A byte dropped: bad JSON, or another body, read the same both ways.
        const k = cut % text.length;
        agree(ZONED, text.slice(0, k) + text.slice(k + 1));
      }
    }),
    { numRuns: 400 },
  );
});

test("where every reading is optional, a reading with none of them is refused by both paths, naming it", () => {
  const file = join(dir, "all-optional.yaml");
  writeFileSync(
    file,
    `version: 1\nname: allopt\ntelemetry: t.csv\ntime: { column: t }\nmachine: { column: m }\nreadings:\n  - { name: load, column: L, unit: "%", min: 0, max: 200, words: load, optional: true }\n  - { name: mode, column: M, kind: category, levels: [auto, jog], words: mode, optional: true }\nlabels: { column: f }\n`,
  );
  const c = loadContract(file).contract;
  const at = (h: number) => `"machine_id":"A","timestamp":"2026-01-01T0${h}:00:00Z"`;
  assert.equal(agree(c, `[{${at(1)},"load":5},{${at(2)},"mode":"jog"}]`), "scanned");
  for (const empty of [`{${at(2)}}`, `{${at(2)},"load":null,"mode":null}`])
    refused(
      c,
      `[{${at(1)},"load":5},${empty}]`,
      /^readings\[1\]: carries none of the contract's readings \(load, mode\)/,
    );
  // A single reading: the body itself.
  assert.throws(() => toColumns(c, [JSON.parse(`{${at(1)}}`)], true), /: body: carries none/);
  // With a required reading its own rule says it (HISTORIAN's spindle load is required).
  assert.match(
    general(HISTORIAN, `[{"machine_id":"M01","timestamp":"2026-01-01T00:00:00Z"}]`) as string,
    /is required/,
  );
});

test("a batch past the scanner's first room (1,024 readings) is read whole, every column as the general path's", () => {
  // Its columns share one array, grown by doubling: a column copied into the wrong place would show here.
  const many = Array.from({ length: 2500 }, (_, i) => ({
    machine_id: `m${i % 7}`,
    timestamp: i % 3 === 0 ? "2026-10-25T02:30:00" : `2026-10-2${i % 5}T1${i % 10}:00:00`,
    load: (i * 37) % 200,
    ...(i % 4 === 0 ? {} : { mode: i % 2 === 0 ? "auto" : "jog" }),
  }));
  const text = body(...many);
  const cols = scanReadings(ZONED, Buffer.from(text), 5000);
  assert.ok(cols, "scanned");
  assert.deepStrictEqual(cols, toColumns(ZONED, JSON.parse(text), false));
  assert.equal(cols.n, 2500);
});
