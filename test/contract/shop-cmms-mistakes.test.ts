// Shop D's export as a US user gets it wrong (see shop-cmms.test.ts for the day that works): a
// row in month/day/year, a number with a thousands separator, the same work order twice, an open
// work order's empty Closed read as the event's time. Each names file, row and column; none is a
// stack trace.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { SHOP_CMMS_CONTRACT, writeShopCmms } from "../helpers/shop-cmms-files.js";

const dir = mkdtempSync(join(tmpdir(), "mw-shop-cmms-mistakes-"));
const shop = writeShopCmms(dir);

test("check: a US export's mistakes name file, row and column", async () => {
  const tel = shop.files["hourly.csv"].split("\r\n");
  const bad = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  // A row in month/day/year, a number with a thousands separator.
  const mdy = tel.map((l, i) =>
    i === 6 ? l.replace(/"2026-09-18T00:00:00-04:00"/, '"09/18/2026 00:00"') : l,
  );
  const sep = tel.map((l, i) =>
    i === 300 ? l.replace(/^("[^"]*","[^"]*","[^"]*","[^"]*",)"\d+"/, '$1"8,250"') : l,
  );
  assert.notEqual(mdy.join(""), tel.join(""));
  assert.notEqual(sep.join(""), tel.join(""));
  const a = await runCli(["check", "--contract", shop.contract, "--data", bad("mdy.csv", mdy.join("\r\n"))]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /mdy\.csv row 7, Hour Start: '09\/18\/2026 00:00' is not an ISO 8601 time/);
  const b = await runCli(["check", "--contract", shop.contract, "--data", bad("sep.csv", sep.join("\r\n"))]);
  assert.equal(b.code, 2);
  assert.match(
    b.stderr,
    /sep\.csv row 301, Spindle RPM Avg: '8,250' is not a number \(a thousands separator\?/,
  );
  assert.doesNotMatch(a.stderr + b.stderr, /\n\s+at /, "no stack trace");
  // The same CM work order exported twice is a problem for --strict, naming both rows.
  const orders = shop.files["work_orders.csv"].trimEnd().split("\r\n");
  const cm = orders.findIndex((l) => l.includes('"CM","'));
  const twice = bad("twice.csv", [...orders, orders[cm], ""].join("\r\n"));
  const c = await runCli(["check", "--contract", shop.contract, "--events", `failures=${twice}`, "--strict"]);
  assert.equal(c.code, 1, c.stderr);
  assert.match(
    c.stdout,
    new RegExp(`twice\\.csv row ${orders.length + 1}: the same failure as row ${cm + 1}`),
  );
  // An open work order's empty Closed, read as the event's time: an error naming row and column.
  const closed = await runCli(["check", "--contract", bad("closed.yaml", readClosed())]);
  assert.equal(closed.code, 2);
  assert.match(closed.stderr, /work_orders\.csv row \d+, Closed: empty time \(an event with no time yet/);
});

/** The contract with the work-order table read at Closed instead of Opened (its folder's files). */
function readClosed(): string {
  const out = SHOP_CMMS_CONTRACT.replace("time: { column: Opened,", "time: { column: Closed,");
  assert.notEqual(out, SHOP_CMMS_CONTRACT);
  return out;
}
