import assert from "node:assert/strict";
import { test } from "node:test";
import { zoneOffsetMinutes } from "../../src/data/time-format.js";
import { buildShifts, capacity, parseHorizon, works } from "../../src/plan/shifts.js";

test("the horizon starts at the next shift boundary; labels name the day the shift starts", () => {
  // 2026-11-26 is a Thursday.
  const s = buildShifts({ startTime: "2026-11-26T05:00:00Z", horizonShifts: 4 });
  assert.deepEqual(
    s.map((x) => [x.start, x.label]),
    [
      ["2026-11-26T06:00:00.000Z", "Thu day"],
      ["2026-11-26T14:00:00.000Z", "Thu evening"],
      ["2026-11-26T22:00:00.000Z", "Thu night"],
      ["2026-11-27T06:00:00.000Z", "Fri day"],
    ],
  );
  assert.equal(s[2].words, "Thursday's night shift");
  assert.equal(s[2].end, "2026-11-27T06:00:00.000Z");
  // A start inside the night shift after midnight: the next shift is Friday's day shift.
  const t = buildShifts({ startTime: "2026-11-27T03:00:00Z", horizonShifts: 1 });
  assert.equal(t[0].label, "Fri day");
  // Exactly on a boundary: that shift.
  assert.equal(buildShifts({ startTime: "2026-11-26T22:00:00Z", horizonShifts: 1 })[0].label, "Thu night");
});

test("a zone with daylight saving: shifts keep the shop's clock across the change; that night is 9 hours", () => {
  // Berlin, 25.10.2026: 03:00 CEST becomes 02:00 CET. Saturday's night shift runs 22:00-06:00 local.
  const s = buildShifts({
    startTime: "2026-10-24T12:00:00Z",
    horizonShifts: 4,
    offsetAt: zoneOffsetMinutes("Europe/Berlin"),
  });
  assert.deepEqual(
    s.map((x) => [x.label, x.start, x.end]),
    [
      ["Sat evening", "2026-10-24T12:00:00.000Z", "2026-10-24T20:00:00.000Z"], // 14:00-22:00 CEST
      ["Sat night", "2026-10-24T20:00:00.000Z", "2026-10-25T05:00:00.000Z"], // 22:00 CEST - 06:00 CET
      ["Sun day", "2026-10-25T05:00:00.000Z", "2026-10-25T13:00:00.000Z"], // 06:00-14:00 CET
      ["Sun evening", "2026-10-25T13:00:00.000Z", "2026-10-25T21:00:00.000Z"],
    ],
  );
});

test("local time: a UTC offset moves the boundaries, 12-hour shifts are day and night", () => {
  const s = buildShifts({ startTime: "2026-11-26T05:00:00Z", horizonShifts: 2, utcOffsetMinutes: 60 });
  assert.equal(s[0].start, "2026-11-26T05:00:00.000Z"); // 06:00 local
  assert.equal(s[0].label, "Thu day");
  const h = buildShifts({ startTime: "2026-11-26T07:00:00Z", horizonShifts: 2, shiftHours: 12 });
  assert.deepEqual(
    h.map((x) => x.label),
    ["Thu night", "Fri day"],
  );
  assert.throws(
    () => buildShifts({ startTime: "2026-11-26T07:00:00Z", horizonShifts: 2, shiftHours: 7 }),
    /must divide 24/,
  );
  assert.throws(() => buildShifts({ startTime: "soon", horizonShifts: 2 }), /start_time: not a date/);
});

test("technician availability follows their shift patterns", () => {
  const week = buildShifts({ startTime: "2026-11-26T06:00:00Z", horizonShifts: 21 }); // Thu day … Wed night
  const tech = {
    name: "T",
    skills: ["*"],
    hoursPerShift: 10,
    shifts: [{ days: [1, 2, 3, 4, 5], shift: "day" }, { days: [6] }],
  };
  const worked = week.filter((s) => works(tech, s)).map((s) => s.label);
  assert.deepEqual(worked, [
    "Thu day",
    "Fri day",
    "Sat day",
    "Sat evening",
    "Sat night",
    "Mon day",
    "Tue day",
    "Wed day",
  ]);
  assert.equal(capacity(tech, week[0], 8), 8, "capped at the shift length");
  assert.equal(capacity(tech, week[1], 8), 0);
  assert.equal(works({ name: "U", skills: [], hoursPerShift: 1 }, week[5]), true);
});

test("horizon spans: days, hours, shifts", () => {
  assert.equal(parseHorizon("7d"), 21);
  assert.equal(parseHorizon("36h"), 5);
  assert.equal(parseHorizon("21"), 21);
  assert.equal(parseHorizon("4 shifts"), 4);
  assert.equal(parseHorizon("2d", 12), 4);
  assert.throws(
    () => parseHorizon("a week"),
    /--horizon: expected e\.g\. 7d, 36h or 21 shifts, got 'a week'/,
  );
  assert.throws(() => parseHorizon("0d"), /--horizon/);
});
