// The reading's rules are said once (READING_FIELDS in serve/reading-rules.ts) and the three readers
// of them agree at every field's limits: the parser (reading.ts) accepts a value at the limit and
// refuses one just past it with a message naming the field and the limit, the scanner
// (scan-readings.ts) accepts and hands back the same bodies, and the OpenAPI schema (schemas.ts)
// states the same numbers. A limit changed in the table changes all three.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_ID_LENGTH, MAX_TIMESTAMP_LENGTH } from "../../src/core/limits.js";
import { PHYSICAL_LIMITS, PRODUCT_TYPES, RAW_FEATURES } from "../../src/data/schema.js";
import { parseReadings } from "../../src/serve/reading.js";
import { READING_FIELDS } from "../../src/serve/reading-rules.js";
import { scanReadings } from "../../src/serve/scan-readings.js";
import { readingSchema } from "../../src/serve/schemas.js";
import { READING } from "../helpers/model.js";

/** What the parser says of one reading: "ok", or its error's code and message. */
function parsed(r: Record<string, unknown>): string {
  try {
    parseReadings([r], 10);
    return "ok";
  } catch (e) {
    const err = e as { code: string; message: string };
    return `${err.code} ${err.message}`;
  }
}
const scanned = (r: Record<string, unknown>) => scanReadings(Buffer.from(JSON.stringify([r])), 10) !== null;

test("the table holds the data contract's fields and limits, in the parser's order", () => {
  assert.deepEqual(
    READING_FIELDS.map((f) => f.name),
    ["type", ...RAW_FEATURES, "machine_id", "machine_model", "timestamp"],
  );
  for (const f of READING_FIELDS) {
    if (f.kind === "number") assert.deepEqual([f.min, f.max, f.unit], Object.values(PHYSICAL_LIMITS[f.name]));
    if (f.kind === "type") assert.deepEqual(f.values, PRODUCT_TYPES);
    if (f.kind === "id") assert.equal(f.maxLength, MAX_ID_LENGTH);
    if (f.kind === "timestamp") assert.equal(f.maxLength, MAX_TIMESTAMP_LENGTH);
  }
});

test("parser, scanner and OpenAPI schema agree at every number's limits", () => {
  for (const f of READING_FIELDS) {
    if (f.kind !== "number") continue;
    const prop = readingSchema.properties[f.name] as { minimum: number; maximum: number };
    assert.deepEqual([prop.minimum, prop.maximum], [f.min, f.max], f.name);
    for (const x of [f.min, f.max]) {
      assert.equal(parsed({ ...READING, [f.name]: x }), "ok", `${f.name} = ${x}`);
      assert.ok(scanned({ ...READING, [f.name]: x }), `scanner: ${f.name} = ${x}`);
    }
    for (const x of [f.min - 1e-9, f.max + f.max * 1e-9]) {
      assert.equal(
        parsed({ ...READING, [f.name]: x }),
        `MW_VALIDATION body[0].${f.name}: ${x} ${f.unit} is physically impossible (allowed ${f.min}–${f.max} ${f.unit})`,
      );
      assert.equal(scanned({ ...READING, [f.name]: x }), false, `scanner hands back ${f.name} = ${x}`);
    }
  }
});

test("parser, scanner and OpenAPI schema agree at every string's length limit and on the types", () => {
  for (const f of READING_FIELDS) {
    const prop = readingSchema.properties[f.name] as { maxLength?: number; enum?: string[] };
    if (f.kind === "type") {
      assert.deepEqual(prop.enum, [...f.values]);
      for (const t of f.values)
        assert.ok(scanned({ ...READING, type: t }) && parsed({ ...READING, type: t }) === "ok");
      assert.equal(
        parsed({ ...READING, type: "X" }),
        'MW_VALIDATION body[0].type: "X" is not one of L, M, H',
      );
      assert.equal(scanned({ ...READING, type: "X" }), false);
    }
    if (f.kind !== "id") continue;
    assert.equal(prop.maxLength, f.maxLength, f.name);
    const at = "x".repeat(f.maxLength);
    assert.equal(parsed({ ...READING, [f.name]: at }), "ok");
    assert.ok(scanned({ ...READING, [f.name]: at }));
    assert.equal(
      parsed({ ...READING, [f.name]: `${at}x` }),
      `MW_VALIDATION body[0].${f.name}: must be a string of 1–${f.maxLength} characters`,
    );
    assert.equal(scanned({ ...READING, [f.name]: `${at}x` }), false);
  }
  const stamp = readingSchema.properties.timestamp as { maxLength: number; format: string };
  assert.deepEqual([stamp.format, stamp.maxLength], ["date-time", MAX_TIMESTAMP_LENGTH]);
});
