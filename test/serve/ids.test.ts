import assert from "node:assert/strict";
import { test } from "node:test";
import { uuidv7, uuidv7Many } from "../../src/serve/ids.js";

test("uuidv7: RFC 9562 layout, the time in the first 48 bits, unique", () => {
  const t = Date.parse("2026-11-27T13:00:00.123Z");
  const id = uuidv7(t);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16), t);
  assert.ok(uuidv7(t + 1) > uuidv7(t), "later ids sort later");
  const seen = new Set<string>();
  // Enough ids to wrap the random pool several times: every one well-formed.
  for (let i = 0; i < 50_000; i++) {
    const x = uuidv7(t);
    assert.equal(x.length, 36, x);
    seen.add(x);
  }
  assert.equal(seen.size, 50_000);
});

test("uuidv7Many: n ids at one time, each well-formed and unique, across the scratch's 1,024-id chunks", () => {
  const t = Date.parse("2026-12-06T00:00:00.456Z");
  const seen = new Set<string>();
  for (const n of [1, 5, 1024, 1025, 3000]) {
    const ids = uuidv7Many(n, t);
    assert.equal(ids.length, n);
    for (const id of ids) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16), t);
      seen.add(id);
    }
  }
  assert.equal(seen.size, 1 + 5 + 1024 + 1025 + 3000, "no id twice");
});

test("uuidv7Many with a byte array: the ids' ASCII copied into it, 36 bytes an id, across chunks", () => {
  for (const n of [1, 1024, 2500]) {
    const bytes = new Uint8Array(36 * n);
    const ids = uuidv7Many(n, Date.parse("2026-12-06T03:00:00Z"), bytes);
    assert.equal(Buffer.from(bytes).toString("latin1"), ids.join(""), `${n} ids`);
  }
});
