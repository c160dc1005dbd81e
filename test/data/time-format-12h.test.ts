// A 12-hour clock with AM/PM (hh and A), as US CMMS and Excel exports write times ("10/14/2026
// 2:35 PM"): shop D's work orders. 12 AM is midnight, 12 PM noon; the repeated November hour gives
// both instants; the format's mistakes are said once, for the contract.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatProblem, timeParser } from "../../src/data/time-format.js";

const utc = (s: string) => Date.parse(s);

test("hh and A read a 12-hour clock in New York time, across the clock change", () => {
  const p = timeParser({ format: "MM/DD/YYYY hh:mm A", zone: "America/New_York" });
  assert.equal(p("10/14/2026 2:35 PM"), utc("2026-10-14T18:35:00Z"));
  assert.equal(p("10/14/2026 02:35 pm"), utc("2026-10-14T18:35:00Z"));
  assert.equal(p("10/14/2026 12:05 AM"), utc("2026-10-14T04:05:00Z"), "12 AM is midnight");
  assert.equal(p("10/14/2026 12:05 PM"), utc("2026-10-14T16:05:00Z"), "12 PM is noon");
  assert.equal(p("11/3/2026 9:00 AM"), utc("2026-11-03T14:00:00Z"), "EST after the change");
  assert.equal(p("11/01/2026 1:30 AM"), utc("2026-11-01T05:30:00Z"), "the repeated hour: EDT first");
  assert.equal(p.later("11/01/2026 1:30 AM"), utc("2026-11-01T06:30:00Z"), "then EST");
  for (const bad of ["10/14/2026 13:05 PM", "10/14/2026 0:05 AM", "10/14/2026 14:35", "10/14/2026 2:35"])
    assert.ok(Number.isNaN(p(bad)), bad);
  assert.equal(p("2026-10-14T14:35:00Z"), utc("2026-10-14T14:35:00Z"), "ISO is read too");
});

test("the format's mistakes name the token", () => {
  assert.equal(formatProblem("MM/DD/YYYY hh:mm A"), null);
  assert.equal(formatProblem("MM/DD/YYYY hh:mm:ss A"), null);
  assert.match(formatProblem("MM/DD/YYYY HH:mm A") ?? "", /HH \(a 24-hour clock\) with A.*use hh/);
  assert.match(formatProblem("MM/DD/YYYY h:mm A") ?? "", /A \(AM\/PM\), which needs hh/);
  assert.match(formatProblem("MM/DD/YYYY hh:mm") ?? "", /has 'hh', which is not a token without A/);
  // A capital A inside a word is text, not the AM/PM token.
  assert.equal(formatProblem("DD.MM.YYYY HH:mm MAZ"), null);
});
