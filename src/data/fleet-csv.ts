// Writes simulated fleet readings as CSV in the AI4I 2020 layout (its header, exactly, then the
// fleet's identifiers), with numbers written at AI4I's precision. The simulator already rounds to
// that precision before applying the failure rules, so every row read back satisfies its flags.
import { formatCsv } from "./csv.js";
import { AI4I_HEADER } from "./schema.js";
import type { FleetReading } from "./simulate.js";

export const FLEET_CSV_HEADER: readonly string[] = [
  ...AI4I_HEADER,
  "machine_id",
  "machine_model",
  "timestamp",
];

function fixed1(x: number): string {
  return x.toFixed(1);
}

function integer(x: number): string {
  return String(Math.round(x));
}

export function fleetRowCells(r: FleetReading): (string | number)[] {
  return [
    r.udi,
    r.product_id,
    r.type,
    fixed1(r.air_temperature),
    fixed1(r.process_temperature),
    integer(r.rotational_speed),
    fixed1(r.torque),
    integer(r.tool_wear),
    r.machine_failure,
    r.twf,
    r.hdf,
    r.pwf,
    r.osf,
    r.rnf,
    r.machine_id,
    r.machine_model,
    r.timestamp,
  ];
}

/** The whole file: header and one line per reading, LF line ends and a trailing newline. */
export function fleetToCsv(rows: readonly FleetReading[]): string {
  return formatCsv(FLEET_CSV_HEADER, rows.map(fleetRowCells));
}
