// A long (historian) export whose makes tag one reading in other units: each tag's `unit` or `scale`
// converts its values, as in a wide file, and an error names the machine's own tag. Trial 4: in long
// files neither held (°F and rev/s were read as °C and rpm, and the errors named another make's tag).
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { type ContractData, readContractData } from "../../src/data/contract-data.js";
import { parseCsv } from "../../src/data/csv.js";
import { exampleLongShop } from "../helpers/historian-long.js";

const EXAMPLE = join(process.cwd(), "examples");
/** Machines whose controllers write coolant in °F (tag COOLANT_F) and the spindle in rev/s (SPINDLE_RPS). */
const IMPERIAL = new Set(["M02", "M05"]);

/** The example's wide telemetry as long rows; IMPERIAL's coolant and speed under their own tags and units. */
function toLong(
  wideCsv: string,
  hot: { machine: string; row: number } | null = null,
  renamed: { machine: string; from: number } | null = null,
): string {
  const t = parseCsv(wideCsv);
  const out = ["timestamp,machine_id,TagName,Value"];
  t.rows.forEach((r, i) => {
    for (let j = 2; j < t.header.length; j++) {
      if (r[j] === "") continue;
      let tag = t.header[j];
      let v = r[j];
      if (IMPERIAL.has(r[1]) && tag === "coolant_temp_C") {
        tag = "COOLANT_F";
        v = String((Number(v) * 9) / 5 + 32);
        if (hot && r[1] === hot.machine && i === hot.row) v = "500";
      } else if (renamed && r[1] === renamed.machine && i >= renamed.from && tag === "spindle_load_pct") {
        tag = "SPINDLE_LOAD_PCT_V2"; // a firmware update renamed it
      } else if (IMPERIAL.has(r[1]) && tag === "Spindle speed [rpm]") {
        tag = "SPINDLE_RPS";
        v = String(Number(v) / 60);
      }
      out.push(`${r[0]},${r[1]},${tag},${v}`);
    }
  });
  return `${out.join("\n")}\n`;
}

/** The example written long, its contract reading IMPERIAL's tags in their own units. */
function shop(telemetry: string): { dir: string; contract: string } {
  return exampleLongShop(
    "long: { tag: TagName, value: Value }",
    telemetry,
    (yaml) =>
      yaml
        .replace(
          'column: "Spindle speed [rpm]",',
          'column: ["Spindle speed [rpm]", { column: SPINDLE_RPS, scale: 60 }],',
        )
        .replace("column: coolant_temp_C,", 'column: [coolant_temp_C, { column: COOLANT_F, unit: "°F" }],'),
    "mw-long-units-",
  );
}

const read = (contract: string): ContractData =>
  readContractData(loadContract(contract).contract, { learn: true, labels: "require" });

test("a long export's tags in °F and rev/s are read into °C and rpm, as the wide file's are", () => {
  const wideText = readFileSync(join(EXAMPLE, "historian", "telemetry.csv"), "utf8");
  const wide = read(join(EXAMPLE, "contracts", "historian.yaml"));
  const s = shop(toLong(wideText));
  try {
    const long = read(s.contract);
    assert.deepEqual(long.telemetry.machines, wide.telemetry.machines);
    const byMachine = (d: ContractData, name: string) => {
      const j = d.contract.readings.findIndex((r) => r.name === name);
      const m = d.telemetry.machines.indexOf("M02");
      return [...d.telemetry.machine.keys()]
        .filter((i) => d.telemetry.machine[i] === m)
        .map((i) => d.telemetry.values[j][i]);
    };
    for (const name of ["coolant_temp", "spindle_speed"]) {
      const a = byMachine(long, name);
      const b = byMachine(wide, name);
      assert.equal(a.length, b.length);
      assert.ok(a.length > 100);
      // Converted there and back: equal to a millionth of the value.
      for (let i = 0; i < a.length; i++)
        assert.ok(
          Math.abs(a[i] - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i])),
          `${name} row ${i}: ${a[i]} vs ${b[i]}`,
        );
    }
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test("an out-of-range value of a converted tag is named by the machine's own tag and unit", () => {
  const wideText = readFileSync(join(EXAMPLE, "historian", "telemetry.csv"), "utf8");
  const row = parseCsv(wideText).rows.findIndex((r) => r[1] === "M05" && r[5] !== "");
  const s = shop(toLong(wideText, { machine: "M05", row }));
  try {
    assert.throws(
      () => read(s.contract),
      (e: unknown) => {
        assert.ok(isMillwrightError(e));
        assert.match(e.message, /tag 'COOLANT_F'\): 500 °F, read as 260 °C is outside 0–80 /);
        const summary = JSON.stringify((e.details as { by_file?: unknown }).by_file ?? e.message);
        assert.doesNotMatch(summary, /coolant_temp_C: outside/, "the summary names the machine's own tag");
        return true;
      },
    );
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test("a machine that stops sending a tag and begins sending an unread one is told the new tag: renamed?", () => {
  const wideText = readFileSync(join(EXAMPLE, "historian", "telemetry.csv"), "utf8");
  const rows = parseCsv(wideText).rows;
  const from = rows.findIndex((r, i) => r[1] === "M03" && i > rows.length / 2);
  const s = shop(
    `${toLong(wideText, null, { machine: "M03", from })}${"2026-01-05 00:00:00,M03,door_open,0\n"}`,
  );
  try {
    assert.throws(
      () => read(s.contract),
      (e: unknown) => {
        assert.ok(isMillwrightError(e));
        assert.match(
          e.message,
          new RegExp(
            `machine 'M03' at .* has no 'spindle_load_pct' row; it began sending tags the contract does not read: 'SPINDLE_LOAD_PCT_V2' \\(from ${rows[from][0]}\\)\\. Renamed\\?`,
          ),
        );
        // A tag it sent from its first row on (a door switch) is not offered as the new name.
        assert.doesNotMatch(e.message, /'door_open' \(from/);
        return true;
      },
    );
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});
