// A contract's tasks against the kinds its data holds, through the real CLI: a misspelt tasks head
// (trial: HYD_LEAKS for HYD_LEAK) or task event kind (CLNT_PMP for CLNT_PUMP) passed check and
// train, and surfaced only in plan. check lists them as problems (--strict: exit 1), naming the
// contract key, the data's kinds and the one meant; train refuses them before writing anything.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { runCli } from "../helpers/cli.js";

const HISTORIAN = join(process.cwd(), "examples", "historian");
let dir: string;
let bad: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-check-tasks-"));
  bad = join(dir, "typos.yaml");
  const own = "event: { table: maintenance, kind: spindle_bearing } }\n";
  const text = readFileSync(join("examples", "contracts", "historian.yaml"), "utf8")
    .replace(/\.\.\/historian\//g, `${HISTORIAN}/`)
    // A misspelt head, a misspelt event kind of a head's own task, and of an override's own task.
    .replace("    coolant_pump:\n", "    coolant_pumps:\n")
    .replace("kind: ball_screw }", "kind: ballscrew }")
    .replace(
      own,
      `${own}      for:\n        - machines: [M01]\n          task: { event: { table: maintenance, kind: spindle_bearings } }\n`,
    )
    // An override that keeps its head's (misspelt) event: said once, at the head's own task.
    .replace(
      "skills: [axes], min_interval: 14d, effectiveness: 0.9,\n              event: { table: maintenance, kind: ballscrew } }\n",
      "skills: [axes], min_interval: 14d, effectiveness: 0.9,\n              event: { table: maintenance, kind: ballscrew } }\n      for:\n        - machines: [M02]\n          task: { hours: 5 }\n",
    );
  assert.ok(text.includes("coolant_pumps:") && text.includes("spindle_bearings") && text.includes("[M02]"));
  writeFileSync(bad, text);
});

const EXPECTED = [
  [
    "tasks.heads.coolant_pumps",
    "'coolant_pumps' is not a failure kind of the data (the failures' component column holds ball_screw, coolant_pump, spindle_bearing, tool_changer; did you mean 'coolant_pump'?)",
  ],
  [
    "tasks.heads.ball_screw.task.event.kind",
    "'ballscrew' is not a kind of maintenance in the data (its component column and the failures it resets: ball_screw, coolant_pump, spindle_bearing, tool_changer; did you mean 'ball_screw'?)",
  ],
  [
    "tasks.heads.spindle_bearing.for[0].task.event.kind",
    "'spindle_bearings' is not a kind of maintenance in the data",
  ],
];

test("check: a tasks head or task event kind the data lacks is a problem naming file, key, the data's kinds and the one meant", async () => {
  const r = await runCli(["check", "--contract", bad, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const problems = JSON.parse(r.stdout).problems as string[];
  const ours = problems.filter((p) => p.includes("tasks.heads."));
  assert.equal(ours.length, 3, ours.join("\n"));
  for (const [key, words] of EXPECTED)
    assert.ok(
      ours.some((p) => p.startsWith(`${bad}: ${key}: ${words}`)),
      `no problem '${key}: ${words}' in\n${ours.join("\n")}`,
    );
  const override = ours.find((p) => p.includes("spindle_bearing.for[0]")) ?? "";
  assert.match(override, /did you mean 'spindle_bearing'\?/);
  assert.ok(!ours.some((p) => p.includes("ball_screw.for[0]")), "the inherited event is said once");
  // --strict stops a pipeline on them; in words, they are among the problems to look at.
  const strict = await runCli(["check", "--contract", bad, "--strict"]);
  assert.equal(strict.code, 1, strict.stderr);
  assert.match(
    strict.stdout,
    /problems? to look at before training:[\s\S]*- .*tasks\.heads\.coolant_pumps: 'coolant_pumps' is not a failure kind/,
  );
});

test("check --data (one make's file, say): a tasks kind that file lacks is a warning, as train --data says it", async () => {
  const r = await runCli(["check", "--contract", bad, "--data", join(HISTORIAN, "telemetry.csv"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.ok(!p.problems.some((x: string) => x.includes("tasks.heads.")), p.problems.join("\n"));
  for (const [key, words] of EXPECTED)
    assert.ok(
      p.warnings.some(
        (w: string) =>
          w.startsWith(`${bad}: ${key}: ${words}`) &&
          w.endsWith("(in this --data; the contract's whole telemetry may have it)"),
      ),
      `${key} as a warning in ${p.warnings.join("\n")}`,
    );
});

test("train --contract refuses a tasks head or task event kind the data lacks, before writing anything", async () => {
  const reg = join(dir, "models");
  const r = await runCli(["train", "--contract", bad, "--registry", reg]);
  assert.equal(r.code, 2, r.stderr);
  for (const [key, words] of EXPECTED)
    assert.ok(r.stderr.includes(`${bad}: ${key}: ${words}`), `${key} in ${r.stderr}`);
  assert.equal(existsSync(reg), false, "no registry, no version, no champion");
});

test("train --contract with --data (one make's file, say) says the kinds that file's machines lack, and trains", async () => {
  const reg = join(dir, "models-data");
  const r = await runCli([
    "train",
    "--contract",
    bad,
    "--data",
    join(HISTORIAN, "telemetry.csv"),
    "--registry",
    reg,
  ]);
  assert.equal(r.code, 0, r.stderr);
  for (const [key, words] of EXPECTED)
    assert.ok(r.stderr.includes(`warning: ${bad}: ${key}: ${words}`), `${key} as a warning in ${r.stderr}`);
  assert.match(r.stderr, /\(in this --data; the contract's whole telemetry may have it\)/);
  assert.ok(existsSync(reg), "a version was registered");
});
