// A tiny shop written to a temp folder: a contract and its CSVs, for the contract and history tests.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";

export const CONTRACT = `version: 1
name: tiny-shop
telemetry: telemetry.csv
time: { column: ts }
machine: { column: machine }
readings:
  - { name: load, column: "Load [%]", unit: "%", min: 0, max: 200, words: spindle load }
  - { name: vib, column: vib_rms, unit: mm/s, min: 0, max: 100, optional: true }
attributes:
  file: machines.csv
  key: machine
  columns:
    - { name: model, column: make_model, kind: category }
    - { name: age, column: age_years, unit: years }
derived:
  - { name: load_per_year, expr: "load / (age + 1)" }
history:
  windows: [3h, 24h]
  stats: [mean, std, min, max, slope]
  readings: all
events:
  - { name: alarms, file: alarms.csv, time: ts, machine: machine, kind: code, count: [24h] }
  - { name: maintenance, file: maintenance.csv, time: ts, machine: machine, kind: component, since: true }
failures:
  file: failures.csv
  time: ts
  machine: machine
  kind: component
  horizon: 24h
  resets: maintenance
`;

export function writeShop(
  files: Record<string, string>,
  contract = CONTRACT,
): { dir: string; contract: string } {
  const dir = mkdtempSync(join(tmpdir(), "mw-contract-"));
  writeFileSync(join(dir, "shop.yaml"), contract);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, contract: join(dir, "shop.yaml") };
}

/** Hourly rows for machines M1, M2 over `hours`, a value pattern, no missing cells unless asked. */
export function telemetry(hours: number, opts: { missingVib?: string } = {}): string {
  const lines = ["ts,machine,Load [%],vib_rms"];
  for (let h = 0; h < hours; h++)
    for (const m of ["M1", "M2"]) {
      const t = new Date(Date.UTC(2026, 0, 1, h)).toISOString().replace(".000Z", "Z");
      const vib = opts.missingVib === m ? "" : (1 + ((h * 7) % 5) / 10).toFixed(2);
      lines.push(`${t},${m},${50 + ((h * 13) % 17)},${vib}`);
    }
  return `${lines.join("\n")}\n`;
}

export const MACHINES = "machine,make_model,age_years\nM1,Haas VF-2,3\nM2,Okuma LB3000,11\n";
export const ALARMS =
  "ts,machine,code\n2026-01-01 05:30:00,M1,SV0401\n2026-01-01 06:00:00,M1,SV0401\n2026-01-02 01:00:00,M2,OT0500\n";
export const MAINTENANCE =
  "ts,machine,component,reason\n2026-01-01 02:00:00,M1,spindle,scheduled\n2026-01-01 10:00:00,M2,pump,scheduled\n";
export const FAILURES = "ts,machine,component\n2026-01-02 12:00:00,M1,spindle\n2026-01-03 03:00:00,M2,pump\n";

export function shopFiles(hours = 72): Record<string, string> {
  return {
    "telemetry.csv": telemetry(hours),
    "machines.csv": MACHINES,
    "alarms.csv": ALARMS,
    "maintenance.csv": MAINTENANCE,
    "failures.csv": FAILURES,
  };
}

/** A contract text that must not load: an MW_CONFIG error naming shop.yaml and matching `pattern`. */
export function contractError(text: string, pattern: RegExp): void {
  const shop = writeShop(shopFiles(), text);
  assert.throws(
    () => loadContract(shop.contract),
    (e: unknown) =>
      isMillwrightError(e) &&
      e.code === "MW_CONFIG" &&
      e.message.includes("shop.yaml") &&
      pattern.test(e.message),
    pattern.source,
  );
}
