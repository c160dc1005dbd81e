import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCsv } from "../../src/data/csv.js";
import { NO_FAILURE } from "../../src/data/schema.js";
import { FLEET_CSV_HEADER, fleetToCsv } from "../../src/data/fleet-csv.js";
import { type FleetReading, simulateFleet } from "../../src/data/simulate.js";
import { toDataset } from "../../src/data/validate.js";

const AI4I =
  "UDI,Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min],Machine failure,TWF,HDF,PWF,OSF,RNF";

test("the header is AI4I's exactly, then the fleet's identifiers", () => {
  const text = fleetToCsv(simulateFleet({ machines: 2, days: 1, seed: 1 }));
  assert.equal(text.split("\n")[0], `${AI4I},machine_id,machine_model,timestamp`);
  assert.equal(FLEET_CSV_HEADER.length, 17);
  assert.ok(text.endsWith("\n") && !text.includes("\r"));
});

test("numbers are written at AI4I's precision", () => {
  const row: FleetReading = {
    udi: "1",
    product_id: "M14860",
    type: "M",
    air_temperature: 298.1,
    process_temperature: 308.6,
    rotational_speed: 1551,
    torque: 42,
    tool_wear: 0,
    ...NO_FAILURE,
    machine_id: "M01",
    machine_model: "Haas VF-2",
    timestamp: "2026-01-05T00:00:00Z",
  };
  // The first row of the published file, plus the fleet columns.
  assert.equal(
    fleetToCsv([row]).split("\n")[1],
    "1,M14860,M,298.1,308.6,1551,42.0,0,0,0,0,0,0,0,M01,Haas VF-2,2026-01-05T00:00:00Z",
  );
});

test("a simulated fleet survives parseCsv + toDataset unchanged, CRLF and BOM included", () => {
  const rows = simulateFleet({ machines: 12, days: 7, seed: 5, scenario: "new-machine-model" });
  const text = fleetToCsv(rows);
  for (const variant of [text, `\ufeff${text.replace(/\n/g, "\r\n")}`]) {
    const ds = toDataset(parseCsv(variant), { source: "fleet.csv", requireLabels: true });
    assert.equal(ds.rows.length, rows.length);
    assert.ok(ds.hasLabels);
    assert.deepEqual(ds.modeColumns, ["twf", "hdf", "pwf", "osf", "rnf"]);
    for (let i = 0; i < rows.length; i++) {
      const a = rows[i];
      const b = ds.rows[i];
      assert.deepEqual({ ...b }, { ...a }, `row ${i + 2} differs after the round trip`);
    }
  }
});
