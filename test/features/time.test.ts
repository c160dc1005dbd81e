import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTimestamp } from "../../src/data/time.js";

test("timestamps: ISO 8601 with or without zone (no zone = UTC), space or T, seconds optional", () => {
  const t = Date.UTC(2025, 2, 6, 6, 0, 0);
  assert.equal(parseTimestamp("2025-03-06T06:00:00Z"), t);
  assert.equal(parseTimestamp("2025-03-06T06:00:00"), t);
  assert.equal(parseTimestamp("2025-03-06 06:00:00"), t);
  assert.equal(parseTimestamp("2025-03-06 06:00"), t);
  assert.equal(parseTimestamp("2025-03-06T07:00:00+01:00"), t);
  assert.equal(parseTimestamp("2025-03-06T01:30:00-0430"), t);
  assert.equal(parseTimestamp("2025-03-06T06:00:00.250Z"), t + 250);
  assert.equal(parseTimestamp("2025-03-06"), Date.UTC(2025, 2, 6));
});

test("timestamps that are not: NaN", () => {
  for (const s of [
    "1",
    "",
    "2025-02-30 00:00",
    "2025-13-01",
    "06/03/2025 06:00",
    "2025-03-06T25:00",
    "yesterday",
  ])
    assert.ok(Number.isNaN(parseTimestamp(s)), s);
});
