// What a new user runs into first: bad paths, bad ports, a busy port, a closed pipe, help on every
// command, negative numbers and empty files. Each must end in exit 2 (or 0) with one clear line,
// never a stack trace. Real processes of the built CLI.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AI4I_CONTRACT } from "../../src/cli/commands/train.js";
import { runCli } from "../helpers/cli.js";
import { ai4iContractShop, removeShop } from "../helpers/ai4i-contract.js";
import { CLI } from "../helpers/server-process.js";

/** A stack trace line ("    at foo (file.js:1:2)") means the CLI crashed instead of explaining. */
const STACK = /\n\s+at /;

describe("CLI usage errors: exit 2 and one clear line", () => {
  // The AI4I contract's registry: `serve` starts the contract server, as for every model now, and
  // `train` reads data through the AI4I contract (--contract), not the AI4I app's own reader.
  let fx: { dir: string; dataFile: string };
  let shop: { dir: string; registryDir: string };
  let env: Record<string, string>;
  before(() => {
    shop = ai4iContractShop("mw-usage-");
    fx = { dir: shop.dir, dataFile: join(shop.dir, "fleet.csv") };
    env = {
      MILLWRIGHT_DATA_DIR: join(fx.dir, "data"),
      MILLWRIGHT_REGISTRY: shop.registryDir,
      MILLWRIGHT_RETRAIN_MODE: "off",
      LOG_LEVEL: "warn",
    };
  });
  after(() => removeShop(shop));

  test("simulate --out into a folder that does not exist", async () => {
    const r = await runCli(["simulate", "--out", join(fx.dir, "no", "such", "s.csv"), "--days", "1"], {
      env,
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /the folder .*no\/such does not exist; create it first/);
    assert.doesNotMatch(r.stderr, STACK);
  });

  test("predict --out into a missing folder, drift without --reference: the option named, then the help", async () => {
    const out = await runCli(["predict", "--data", "x.csv", "--out", join(fx.dir, "no", "p.csv")], { env });
    assert.equal(out.code, 2, out.stderr);
    assert.match(out.stderr, /--out .*the folder .*\/no does not exist/);
    const ref = await runCli(["drift", "--current", "x.csv"], { env });
    assert.equal(ref.code, 2, ref.stderr);
    assert.match(ref.stderr, /--reference is required\n\nmillwright drift --reference/);
    for (const r of [out, ref]) assert.doesNotMatch(r.stderr, STACK);
  });

  test("a file-system error nobody checked for: exit 2 and the path, not a stack trace", async () => {
    const file = join(fx.dir, "a-file");
    writeFileSync(file, "not a folder\n");
    const r = await runCli(
      ["train", "--contract", AI4I_CONTRACT, "--data", fx.dataFile, "--registry", join(file, "reg")],
      { env },
    );
    assert.equal(r.code, 2, r.stderr);
    // The first write under the registry names the path: the dataset store (training data) or versions/.
    assert.match(
      r.stderr,
      /a-file\/reg\/(versions|datasets\/sha256)\b.*(a part of the path is not a folder|not a directory)/,
    );
    assert.doesNotMatch(r.stderr, STACK);
  });

  test("serve --port 70000 is refused before anything starts", async () => {
    const r = await runCli(["serve", "--port", "70000"], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--port: '70000' is not a port \(0 to 65535\)/);
    assert.doesNotMatch(r.stderr, STACK);
  });

  test("a port already in use: named, with how to choose another; the process exits", async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runCli(["serve", "--port", String(port), "--host", "127.0.0.1"], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(r.stderr, /choose another with --port N/);
      assert.doesNotMatch(r.stderr, STACK);
    } finally {
      busy.close();
    }
  });

  test("`models show | head`: a reader that goes away ends the CLI quietly", async () => {
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [CLI, "models", "show"], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      // Close the reading end at once, as `head` does after its lines: every write gets EPIPE.
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
      assert.equal(stderr, "", "nothing on stderr");
      assert.equal(code, 0);
    }
  });

  test("--help after models, predictions and retrain prints their help", async () => {
    for (const [cmd, first] of [
      ["models", "millwright models list"],
      ["predictions", "millwright predictions export"],
      ["retrain", "millwright retrain history"],
    ]) {
      for (const flag of ["--help", "-h"]) {
        const r = await runCli([cmd, flag], { env });
        assert.equal(r.code, 0, `${cmd} ${flag}: ${r.stderr}`);
        assert.ok(r.stdout.startsWith(first), `${cmd} ${flag}: ${r.stdout.slice(0, 80)}`);
        assert.doesNotMatch(r.stderr, /unknown/);
      }
    }
  });

  test("--machines -3 and --machines=-3 give the same message", async () => {
    const out = join(fx.dir, "neg.csv");
    for (const args of [["--machines", "-3"], ["--machines=-3"]]) {
      const r = await runCli(["simulate", "--out", out, ...args], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--machines: '-3' is not a whole number ≥ 1/);
      assert.doesNotMatch(r.stderr, /Unknown option/);
    }
  });

  test("an empty file (or blank lines only) says the file is empty", async () => {
    for (const [name, text] of [
      ["empty.csv", ""],
      ["blank.csv", "\r\n \n"],
      ["bom.csv", "\ufeff"],
    ]) {
      const file = join(fx.dir, name);
      writeFileSync(file, text);
      const r = await runCli(
        ["train", "--contract", AI4I_CONTRACT, "--data", file, "--registry", join(fx.dir, "reg-empty")],
        { env },
      );
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${name} \\(telemetry\\): the file is empty`));
      assert.doesNotMatch(r.stderr, /missing column/);
    }
  });
});
