// `models promote` and `models rollback` move the champion to a model of another contract only when
// told (--switch-contract): a server serves its champion's contract from that contract's own
// history log, so the move silently made the next start serve another log (trial 5: 1,728
// acknowledged readings gone from the board after a restart). Nothing changes when refused.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCli } from "../helpers/cli.js";

let dir: string;
const reg = ["--registry", "reg"];
const champion = () => JSON.parse(readFileSync(join(dir, "reg", "registry.json"), "utf8")).aliases.champion;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "mw-models-contract-"));
  const run = async (args: string[]) => {
    const r = await runCli(args, { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  };
  await run(["simulate", "--machines", "12", "--days", "14", "--seed", "3", "--out", "fleet.csv"]);
  await run(["train", "--data", "fleet.csv", ...reg, "--seed", "5"]); // 1.0.0, contract ai4i-2020
  const other = readFileSync("examples/contracts/ai4i.yaml", "utf8").replace(
    /^name: ai4i-2020$/m,
    "name: ai4i-other",
  );
  writeFileSync(join(dir, "other.yaml"), other);
  await run(["train", "--contract", "other.yaml", "--data", "fleet.csv", ...reg, "--seed", "5"]); // 1.1.0
});

after(() => rmSync(dir, { recursive: true, force: true }));

test("the champion moves to another contract's model only with --switch-contract, both ways", async () => {
  const refused = await runCli(["models", "promote", "1.1.0", ...reg], { cwd: dir });
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr,
    /version 1\.1\.0 is a model of contract 'ai4i-other', the champion 1\.0\.0 of 'ai4i-2020'.*Nothing was changed; .*--switch-contract/,
  );
  assert.equal(champion(), "1.0.0");
  const moved = await runCli(
    ["models", "promote", "1.1.0", ...reg, "--switch-contract", "--reason", "new contract"],
    {
      cwd: dir,
    },
  );
  assert.equal(moved.code, 0, moved.stderr);
  assert.equal(champion(), "1.1.0");
  const trail = readFileSync(join(dir, "reg", "champions.jsonl"), "utf8")
    .trim()
    .split("\n");
  assert.equal(JSON.parse(trail[trail.length - 1]).reason, "new contract");

  const back = await runCli(["models", "rollback", ...reg], { cwd: dir });
  assert.equal(back.code, 2);
  assert.match(
    back.stderr,
    /version 1\.0\.0 is a model of contract 'ai4i-2020', the champion 1\.1\.0 of 'ai4i-other'/,
  );
  assert.equal(champion(), "1.1.0");
  const rolled = await runCli(["models", "rollback", ...reg, "--switch-contract"], { cwd: dir });
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.equal(champion(), "1.0.0");
  // Within one contract nothing is asked: the challenger alias and versions of ai4i-2020 move freely.
  const alias = await runCli(["models", "promote", "1.1.0", "--alias", "challenger", ...reg], { cwd: dir });
  assert.equal(alias.code, 0, alias.stderr);
});
