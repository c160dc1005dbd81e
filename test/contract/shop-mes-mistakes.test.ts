// Shop A's engineer's mistakes, each on its own copy of a small export (3 machines, 8 days): the CLI
// answers with exit 2 and a message naming the contract key or the file, row and column, never a
// stack trace, and writes no model; what is not an error `check` names among its problems.
import assert from "node:assert/strict";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { SHOP_MES_CONTRACT, shopMes } from "../helpers/shop-mes.js";

const base = mkdtempSync(join(tmpdir(), "mw-shop-mes-x-"));
shopMes(base, { machines: 3, days: 8, laterDays: 0 });
const HAAS = join("export", "Telemetrie Haas VF-2.csv");
let copies = 0;

/** A copy of the shop with its contract changed by `contract` and its files by `files`. */
function variant(contract: (s: string) => string, files: (dir: string) => void = () => {}): string {
  const dir = join(base, `v${copies++}`);
  cpSync(join(base, "export"), join(dir, "export"), { recursive: true });
  writeFileSync(join(dir, "shop-a.yaml"), contract(SHOP_MES_CONTRACT));
  files(dir);
  return dir;
}

/** Edits line `n` (1 = the header) of a file. */
function editLine(file: string, n: number, edit: (line: string) => string): void {
  const lines = readFileSync(file, "utf8").split("\n");
  lines[n - 1] = edit(lines[n - 1]);
  writeFileSync(file, lines.join("\n"));
}

const same = (s: string) => s;
const cases: [string, string, (s: string) => string, (dir: string) => void, RegExp][] = [
  [
    "a wrong column name",
    "names the contract key, the file and its columns",
    (s) => s.replace('"Spindellast [%]"', '"Spindel-Last [%]"'),
    () => {},
    /Telemetrie DMG MORI NLX 2500\.csv: missing column 'Spindel-Last \[%\]' or 'Last S1 \[%\]' \(.*shop-a\.yaml: readings\[1\]\.column\); the file has .*'Spindellast \[%\]'/,
  ],
  [
    "a misspelt key",
    "names its key path",
    (s) =>
      s.replace(
        "mm/s, min: 0, max: 50, words: spindle vibration, optional",
        "mm/s, min: 0, max: 50, words: spindle vibration, optinal",
      ),
    () => {},
    /shop-a\.yaml: readings\[2\]\.optinal: unknown key \(expected one of .*optional/,
  ],
  [
    "a decimal comma in the contract",
    "says it is one",
    (s) => s.replace("unit: mm/s, min: 0, max: 50,", "unit: mm/s, min: 0, max: 50,5,"),
    () => {},
    /readings\[2\]\.5: unknown key .*: a decimal comma in a number\? YAML numbers take a dot/,
  ],
  [
    "a decimal-comma export without csv.decimal",
    "names the key to set",
    (s) => s.replace('csv: { delimiter: ";", decimal: "," }', 'csv: { delimiter: ";" }'),
    () => {},
    /Telemetrie DMG MORI NLX 2500\.csv row 2, Spindellast \[%\]: '\d+,\d' is not a number \(csv\.decimal is "\.": a decimal comma needs csv: \{ decimal: "," \}/,
  ],
  [
    "a time format with hh",
    "is said once, for the contract",
    (s) => s.replace("DD.MM.YYYY HH:mm:ss", "DD.MM.YYYY hh:mm:ss"),
    () => {},
    /time\.format: has 'hh', which is not a token/,
  ],
  [
    "a decimal point in a decimal-comma export",
    "names file, row and column",
    same,
    (d) => editLine(join(d, HAAS), 5, (l) => l.replace(/^([^;]*;[^;]*;[^;]*;\d+),(\d)/, "$1.$2")),
    /Telemetrie Haas VF-2\.csv row 5, Last S1 \[%\]: '\d+\.\d' is not a number \(csv\.decimal is ","/,
  ],
  [
    "a US date in a German export",
    "names file, row and column",
    same,
    (d) => editLine(join(d, HAAS), 7, (l) => l.replace(/^(\d\d)\.(\d\d)\.(\d{4})/, "$2/$1/$3")),
    /Telemetrie Haas VF-2\.csv row 7, Zeitstempel: '09\/21\/2026 00:50:00' is not a time written DD\.MM\.YYYY HH:mm:ss \(Europe\/Berlin time\)/,
  ],
  [
    "a Windows-1252 export",
    "names the file and says to save it as UTF-8",
    same,
    (d) => writeFileSync(join(d, HAAS), Buffer.from(readFileSync(join(d, HAAS), "utf8"), "latin1")),
    /Telemetrie Haas VF-2\.csv \(telemetry\) row 1: not UTF-8 text \('.*Spindeltemperatur \[\uFFFDC\].*'\): .*Save it as UTF-8/,
  ],
  [
    "a duplicated row",
    "names the second row",
    same,
    (d) => editLine(join(d, HAAS), 7, (l) => `${l}\n${l}`),
    /Telemetrie Haas VF-2\.csv row 8, Zeitstempel: a second row for machine 'VF-2 #1' at the same time/,
  ],
  [
    "an empty file",
    "names the file",
    same,
    (d) => writeFileSync(join(d, "export", "Alarme.csv"), ""),
    /Alarme\.csv \(alarms\): the file is empty/,
  ],
];

for (const [what, says, contract, files, message] of cases)
  test(`${what}: check and train exit 2, the message ${says}; no model is written`, async () => {
    const dir = variant(contract, files);
    const check = await runCli(["check", "--contract", join(dir, "shop-a.yaml")]);
    assert.equal(check.code, 2, check.stdout + check.stderr);
    assert.match(check.stderr, message);
    assert.doesNotMatch(check.stderr, /\n\s+at /, "no stack trace");
    const registry = join(dir, "models");
    const train = await runCli(["train", "--contract", join(dir, "shop-a.yaml"), "--registry", registry]);
    assert.equal(train.code, 2, train.stderr);
    assert.match(train.stderr, message);
    assert.ok(!existsSync(join(registry, "versions")), "no version, not even half of one");
  });

test("a failure of a misspelt machine, and one logged twice: check names each row among its problems", async () => {
  const dir = variant(same, (d) => {
    const failures = join(d, "export", "Ausfaelle.csv");
    appendFileSync(failures, "03.10.2026 10:00:00;VF2 #1;Spindellager;4,0\r\n");
    appendFileSync(failures, "24.09.2026 10:00:00;VF-2 #1;Spindellager;4,0\r\n".repeat(2));
  });
  const text = await runCli(["check", "--contract", join(dir, "shop-a.yaml")]);
  // The range as the files show it too: the export starts 21.09.2026 00:00 Berlin time (22:00Z).
  assert.match(
    text.stdout,
    /, 2026-09-20T22:00:00Z to .* \(2026-09-21T00:00:00 to .* Europe\/Berlin time\)\n/,
  );
  const r = await runCli(["check", "--contract", join(dir, "shop-a.yaml"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const problems: string[] = JSON.parse(r.stdout).problems;
  const lines = readFileSync(join(dir, "export", "Ausfaelle.csv"), "utf8")
    .trim()
    .split("\r\n").length;
  assert.ok(
    problems.some((p) =>
      new RegExp(
        `Ausfaelle\\.csv row ${lines - 2}, Maschine: 'VF2 #1' is in neither the telemetry nor the machine table`,
      ).test(p),
    ),
    problems.join("\n"),
  );
  assert.ok(
    problems.some((p) =>
      new RegExp(`Ausfaelle\\.csv row ${lines}: the same failure as row ${lines - 1}`).test(p),
    ),
    problems.join("\n"),
  );
});
