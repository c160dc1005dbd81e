// The CLI contract scripts rely on: train/evaluate/predict/models, exit codes, and errors that name
// the file, row and column. Runs the real compiled command in a temp directory. `train` without
// --contract trains the AI4I example's contract (examples/contracts/ai4i.yaml).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli } from "../helpers/cli.js";

describe("millwright CLI: simulate, train, evaluate, predict, models", () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-cli-"));
    const r = await runCli(
      ["simulate", "--machines", "12", "--days", "14", "--seed", "3", "--out", "fleet.csv"],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("train --json registers 1.0.0 as champion with honest test metrics", async () => {
    const r = await runCli(["train", "--data", "fleet.csv", "--registry", "reg", "--seed", "5", "--json"], {
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.version, "1.0.0");
    assert.equal(out.contract, "ai4i-2020", "the built-in AI4I contract");
    for (const k of [
      "roc_auc",
      "pr_auc",
      "precision",
      "recall",
      "f1",
      "accuracy",
      "brier",
      "threshold",
      "n",
      "positives",
      "confusion_matrix",
    ])
      assert.ok(k in out.metrics, k);
    assert.ok(out.metrics.roc_auc > 0.95, `ROC-AUC ${out.metrics.roc_auc}`);
    const vdir = join(dir, "reg", "versions", "1.0.0");
    for (const f of [
      "model.json",
      "metrics.json",
      "lineage.json",
      "card.md",
      "contract.yaml",
      "reference.json",
    ])
      assert.ok(existsSync(join(vdir, f)), f);
    const lineage = JSON.parse(readFileSync(join(vdir, "lineage.json"), "utf8"));
    assert.match(lineage.data[0].sha256, /^[0-9a-f]{64}$/);
    assert.equal(lineage.seed, 5);
    assert.equal(lineage.contract.name, "ai4i-2020");
    assert.ok(lineage.data[0].rows > 0);
    assert.equal(
      JSON.parse(readFileSync(join(dir, "reg", "registry.json"), "utf8")).aliases.champion,
      "1.0.0",
    );
  });

  test("same data and seed give the same model file, byte for byte", async () => {
    const r = await runCli(["train", "--data", "fleet.csv", "--registry", "reg2", "--seed", "5", "--json"], {
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const a = readFileSync(join(dir, "reg", "versions", "1.0.0", "model.json"));
    const b = readFileSync(join(dir, "reg2", "versions", "1.0.0", "model.json"));
    assert.ok(a.equals(b), "model.json differs between two identical trainings");
  });

  test("two trainings at once get distinct versions; the first stays champion", async () => {
    const [x, y] = await Promise.all([
      runCli(["train", "--data", "fleet.csv", "--registry", "reg", "--seed", "6", "--json"], { cwd: dir }),
      runCli(["train", "--data", "fleet.csv", "--registry", "reg", "--seed", "7", "--json"], { cwd: dir }),
    ]);
    assert.equal(x.code, 0, x.stderr);
    assert.equal(y.code, 0, y.stderr);
    const versions = [JSON.parse(x.stdout).version, JSON.parse(y.stdout).version].sort();
    assert.deepEqual(versions, ["1.1.0", "1.2.0"]);
    const list = await runCli(["models", "list", "--registry", "reg", "--json"], { cwd: dir });
    const l = JSON.parse(list.stdout);
    assert.equal(l.aliases.champion, "1.0.0");
    assert.deepEqual(
      l.versions.map((v: { version: string }) => v.version),
      ["1.0.0", "1.1.0", "1.2.0"],
    );
    assert.deepEqual(
      readdirSync(join(dir, "reg", "versions")).filter((f) => f.startsWith(".tmp")),
      [],
      "no temp leftovers",
    );
  });

  test("evaluate --json on a model and promote moves the champion", async () => {
    const p = await runCli(["models", "promote", "1.1.0", "--registry", "reg"], { cwd: dir });
    assert.equal(p.code, 0, p.stderr);
    const r = await runCli(["evaluate", "--data", "fleet.csv", "--registry", "reg", "--json"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.model_version, "1.1.0");
    const c = m.confusion_matrix;
    assert.equal(c.tp + c.fp + c.tn + c.fn, m.n);
    assert.equal(c.tp + c.fn, m.positives);
    const bad = await runCli(
      ["evaluate", "--data", "fleet.csv", "--registry", "reg", "--model", "7.7.7", "--json"],
      { cwd: dir },
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /model version '7\.7\.7' not found/);
  });

  test("predict writes the input rows in order plus probabilities", async () => {
    const r = await runCli(["predict", "--data", "fleet.csv", "--registry", "reg", "--out", "pred.csv"], {
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const input = readFileSync(join(dir, "fleet.csv"), "utf8").trim().split("\n");
    const out = readFileSync(join(dir, "pred.csv"), "utf8").trim().split("\n");
    assert.equal(out.length, input.length);
    assert.ok(out[0].startsWith(`${input[0]},failure_probability,failure_predicted,twf_probability`));
    for (const i of [1, 100, out.length - 1])
      assert.ok(out[i].startsWith(input[i]), `row ${i} keeps its input`);
  });

  test("a bad file: exit 2, errors name the file, row and column, nothing registered", async () => {
    const lines = readFileSync(join(dir, "fleet.csv"), "utf8").split("\n");
    const cells = lines[3].split(",");
    cells[6] = "abc";
    lines[3] = cells.join(",");
    const c2 = lines[5].split(",");
    c2[2] = "Q";
    lines[5] = c2.join(",");
    writeFileSync(join(dir, "bad.csv"), lines.join("\n"));
    const before = readdirSync(join(dir, "reg", "versions")).length;
    const r = await runCli(["train", "--data", "bad.csv", "--registry", "reg"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.csv row 4, Torque \[Nm\]: 'abc' is not a number/);
    assert.equal(readdirSync(join(dir, "reg", "versions")).length, before);
  });

  test("AI4I header with a BOM and CRLF; no failures; missing labels; unknown option", async () => {
    const header =
      "UDI,Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min],Machine failure,TWF,HDF,PWF,OSF,RNF";
    const rows = Array.from(
      { length: 60 },
      (_, i) => `${i + 1},L${i},L,298.1,308.6,1551,42.8,${i},0,0,0,0,0,0`,
    );
    writeFileSync(join(dir, "nofail.csv"), `\ufeff${header}\r\n${rows.join("\r\n")}\r\n`);
    let r = await runCli(["train", "--data", "nofail.csv", "--registry", "reg3"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /0 failures/);
    assert.equal(existsSync(join(dir, "reg3", "versions")), false, "nothing written");
    writeFileSync(
      join(dir, "nolabels.csv"),
      "type,air_temperature,process_temperature,rotational_speed,torque,tool_wear\nL,298,308,1500,40,10\n",
    );
    r = await runCli(["train", "--data", "nolabels.csv", "--registry", "reg3"], { cwd: dir });
    assert.equal(r.code, 2);
    // The AI4I contract reads the AI4I header (canonical names were the retired AI4I trainer's).
    assert.match(r.stderr, /nolabels\.csv: missing columns 'UDI'.*'Machine failure'/);
    r = await runCli(["train", "--data", "fleet.csv", "--bogus"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bogus/);
    r = await runCli(["frobnicate"], { cwd: dir });
    assert.equal(r.code, 2);
  });
});
