// The shipped historian example with its telemetry written long: a temporary folder with the
// example's event files, the given long telemetry, and the example contract pointed at it with the
// given `long:` key (and any further edit of the YAML a test needs).
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const EXAMPLE = join(process.cwd(), "examples");

export function exampleLongShop(
  longKey: string,
  telemetry: string,
  edit: (yaml: string) => string = (y) => y,
  prefix = "mw-long-",
): { dir: string; contract: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const f of ["machines.csv", "alarms.csv", "maintenance.csv", "failures.csv"])
    copyFileSync(join(EXAMPLE, "historian", f), join(dir, f));
  writeFileSync(join(dir, "telemetry-long.csv"), telemetry);
  const yaml = readFileSync(join(EXAMPLE, "contracts", "historian.yaml"), "utf8")
    .replaceAll("../historian/", "")
    .replace("telemetry: telemetry.csv", `telemetry: telemetry-long.csv\n${longKey}`);
  writeFileSync(join(dir, "shop.yaml"), edit(yaml));
  return { dir, contract: join(dir, "shop.yaml") };
}
