import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCsv } from "../../src/data/csv.js";
import { fleetToCsv } from "../../src/data/fleet-csv.js";
import { MillwrightError } from "../../src/core/errors.js";
import { createFleet, type FleetReading, simulateFleet } from "../../src/data/simulate.js";
import { hdfRule, osfRule, pwfRule } from "../../src/data/simulate-rules.js";
import { toDataset } from "../../src/data/validate.js";

const OPTS = { machines: 24, days: 30, seed: 7 };
const t0 = performance.now();
const rows = simulateFleet(OPTS);
const elapsedMs = performance.now() - t0;
const csv = fleetToCsv(rows);

const share = (pred: (r: FleetReading) => boolean): number => rows.filter(pred).length / rows.length;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

test("24 machines × 30 days at 2 processes/hour: 34,560 rows, fast", () => {
  assert.equal(rows.length, 24 * 30 * 24 * 2);
  // Generous for a loaded 2-core CI box; it takes ~0.1–0.3 s.
  assert.ok(elapsedMs < 2000, `took ${elapsedMs.toFixed(0)} ms`);
});

test("same options give the same bytes; another seed gives other bytes", () => {
  assert.equal(fleetToCsv(simulateFleet(OPTS)), csv);
  const other = fleetToCsv(simulateFleet({ ...OPTS, seed: 8 }));
  assert.notEqual(other, csv);
  assert.equal(other.split("\n")[0], csv.split("\n")[0]);
});

test("failure rate near AI4I's 3.39 %, each mode near its published share", () => {
  const rate = share((r) => r.machine_failure === 1);
  assert.ok(rate >= 0.025 && rate <= 0.045, `failure rate ${rate}`);
  // AI4I 2020: TWF 0.46 %, HDF 1.15 %, PWF 0.95 %, OSF 0.98 %, RNF 0.19 % (0.1 % by construction).
  const bands: [keyof FleetReading, number, number][] = [
    ["twf", 0.0025, 0.008],
    ["hdf", 0.006, 0.02],
    ["pwf", 0.005, 0.016],
    ["osf", 0.005, 0.017],
    ["rnf", 0.0003, 0.0025],
  ];
  for (const [k, lo, hi] of bands) {
    const s = share((r) => r[k] === 1);
    assert.ok(s >= lo && s <= hi, `${k} share ${s} outside [${lo}, ${hi}]`);
  }
});

test("every HDF/PWF/OSF flag agrees with its rule on the readings read back from CSV, both ways", () => {
  const back = toDataset(parseCsv(csv), { source: "fleet.csv", requireLabels: true }).rows;
  assert.equal(back.length, rows.length);
  const counts = { hdf: 0, pwf: 0, osf: 0 };
  for (let i = 0; i < back.length; i++) {
    const r = back[i];
    assert.equal(r.hdf === 1, hdfRule(r), `row ${i + 2} HDF`);
    assert.equal(r.pwf === 1, pwfRule(r), `row ${i + 2} PWF`);
    assert.equal(r.osf === 1, osfRule(r), `row ${i + 2} OSF`);
    counts.hdf += r.hdf ?? 0;
    counts.pwf += r.pwf ?? 0;
    counts.osf += r.osf ?? 0;
  }
  for (const [k, n] of Object.entries(counts)) assert.ok(n > 50, `${k}: only ${n} rows`);
});

test("machine failure is the union of the modes, RNF mostly unmarked as in AI4I", () => {
  let rnf = 0;
  let rnfOnlyMarked = 0;
  for (const r of rows) {
    const learnable = r.twf || r.hdf || r.pwf || r.osf;
    if (learnable) assert.equal(r.machine_failure, 1, `UDI ${r.udi}`);
    if (r.machine_failure === 1 && !learnable) assert.equal(r.rnf, 1, `UDI ${r.udi}: failure without a mode`);
    if (r.rnf) {
      rnf++;
      if (!learnable && r.machine_failure) rnfOnlyMarked++;
    }
  }
  assert.ok(rnf > 0);
  assert.ok(rnfOnlyMarked <= rnf / 2, `${rnfOnlyMarked} of ${rnf} RNF rows marked`);
});

test("TWF happens only at the published tool wear, 198–253 min", () => {
  const wear = rows.filter((r) => r.twf === 1).map((r) => r.tool_wear);
  assert.ok(wear.length > 50, `${wear.length} TWF rows`);
  assert.ok(
    Math.min(...wear) >= 198 && Math.max(...wear) <= 253,
    `${Math.min(...wear)}–${Math.max(...wear)}`,
  );
  // Tools are changed: wear starts again from 0, and never runs far beyond the tool life.
  assert.ok(rows.some((r) => r.tool_wear === 0));
  assert.ok(Math.max(...rows.map((r) => r.tool_wear)) <= 253);
});

test("readings follow the published AI4I distributions", () => {
  const air = rows.map((r) => r.air_temperature);
  const diff = rows.map((r) => r.process_temperature - r.air_temperature);
  const torque = rows.map((r) => r.torque);
  const speed = rows.map((r) => r.rotational_speed);
  assert.ok(Math.abs(mean(air) - 300) < 0.6, `air mean ${mean(air)}`);
  assert.ok(sd(air) > 1.7 && sd(air) < 2.5, `air sd ${sd(air)}`);
  assert.ok(Math.abs(mean(diff) - 10) < 0.3, `diff mean ${mean(diff)}`);
  assert.ok(sd(diff) > 0.85 && sd(diff) < 1.25, `diff sd ${sd(diff)}`);
  assert.ok(Math.abs(mean(torque) - 40) < 1, `torque mean ${mean(torque)}`);
  assert.ok(sd(torque) > 9 && sd(torque) < 11, `torque sd ${sd(torque)}`);
  assert.ok(Math.min(...torque) >= 0);
  assert.ok(mean(speed) > 1480 && mean(speed) < 1620, `speed mean ${mean(speed)}`);
  const ms = mean(speed);
  const mt = mean(torque);
  const cov = mean(rows.map((r) => (r.rotational_speed - ms) * (r.torque - mt)));
  const corr = cov / (sd(speed) * sd(torque));
  assert.ok(corr < -0.8, `corr(speed, torque) ${corr}`); // AI4I: −0.875
  for (const r of rows.slice(0, 500)) {
    assert.equal(r.air_temperature, Math.round(r.air_temperature * 10) / 10);
    assert.ok(Number.isInteger(r.rotational_speed) && Number.isInteger(r.tool_wear));
  }
});

test("quality variants near 50/30/20 %, product ids like AI4I's", () => {
  const l = share((r) => r.type === "L");
  const m = share((r) => r.type === "M");
  const h = share((r) => r.type === "H");
  assert.ok(
    Math.abs(l - 0.5) < 0.02 && Math.abs(m - 0.3) < 0.02 && Math.abs(h - 0.2) < 0.02,
    `${l} ${m} ${h}`,
  );
  for (const r of rows.slice(0, 1000)) assert.match(r.product_id, new RegExp(`^${r.type}\\d{5}$`));
  assert.equal(new Set(rows.map((r) => r.product_id.slice(1))).size, rows.length);
  assert.deepEqual(
    rows.slice(0, 3).map((r) => r.udi),
    ["1", "2", "3"],
  );
});

test("at least 24 machines of at least 6 makes/models, each with a timestamped series", () => {
  const ids = new Set(rows.map((r) => r.machine_id));
  const models = new Set(rows.map((r) => r.machine_model));
  assert.ok(ids.size >= 24 && models.size >= 6, `${ids.size} machines, ${models.size} models`);
  const m01 = rows.filter((r) => r.machine_id === "M01");
  assert.equal(m01.length, 30 * 24 * 2);
  assert.equal(m01[0].timestamp, "2026-01-05T00:00:00Z");
  assert.equal(m01[1].timestamp, "2026-01-05T00:30:00Z");
  assert.equal(m01.at(-1)?.timestamp, "2026-02-03T23:30:00Z");
  // Machines differ: each model has its own thermal offset, so mean air temperatures differ.
  const airOf = (model: string): number =>
    mean(rows.filter((r) => r.machine_model === model).map((r) => r.air_temperature));
  assert.ok(Math.abs(airOf("Doosan Puma 2600") - airOf("Hurco VM10i")) > 1);
});

test("createFleet streams what simulateFleet returns, one reading per machine per tick", () => {
  const fleet = createFleet({ machines: 24, seed: 7 });
  assert.equal(fleet.machines.length, 24);
  assert.equal(fleet.scenario, null);
  const first = fleet.tick();
  const second = fleet.tick();
  assert.deepEqual([...first, ...second], rows.slice(0, 48));
  assert.ok(second.every((r) => r.timestamp === "2026-01-05T00:30:00Z"));
});

test("bad options are rejected naming the option", () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof MillwrightError);
      return `${e.code} ${e.message}`;
    }
    return "no error";
  };
  assert.match(
    code(() => createFleet({ machines: 0, seed: 1 })),
    /^MW_BAD_INPUT machines/,
  );
  assert.match(
    code(() => simulateFleet({ machines: 2, days: -1, seed: 1 })),
    /^MW_BAD_INPUT days/,
  );
  assert.match(
    code(() => createFleet({ machines: 2, seed: 1, start: "soon" })),
    /start 'soon'/,
  );
  assert.match(
    code(() => createFleet({ machines: 2, seed: 1, scenario: "winter" as never })),
    /'winter' is unknown/,
  );
});
