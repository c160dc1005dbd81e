// `millwright retrain run` on a data-contract champion, as retrain.yml runs it in GitHub Actions: a
// real contract server of the AI4I contract (its SQLite history log in the data folder) is sent a
// window of readings and their labels by prediction id; while it keeps serving, the command retrains
// offline into copies of the registry (the image's registry is read-only, the workflow copies it).
// The champion is weak (one stump), so the server's gate promotes the challenger; a gate minimum no
// model reaches keeps the champion.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { ModelRegistry } from "../../src/registry/registry.js";
import { contractAuditFile } from "../../src/serve/contract/audit-open.js";
import type { Ai4iContractServed } from "../helpers/ai4i-contract.js";
import { runCli } from "../helpers/cli.js";
import { servedWeakChampion } from "../helpers/retrain-run.js";

let dir = "";
let registryDir = "";
let served: Ai4iContractServed | undefined;
let env: Record<string, string>;

interface Report {
  verdict: string;
  reason: string;
  run: string;
  seed: number;
  champion: { version: string; metrics: { pr_auc: number; f1: number } | null };
  challenger: { version: string; metrics: { pr_auc: number; f1: number } | null };
  gate: { metric: string; promote: boolean };
  data: { base_rows: number; production_rows: number };
}

/** Every file under `root` with its content's hash: "untouched" means this is equal before and after. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p)] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(root);
  return out;
}

let copies = 0;
function copyRegistry(): ModelRegistry {
  const to = join(dir, `copy-${++copies}`);
  cpSync(registryDir, to, { recursive: true });
  return new ModelRegistry(to);
}

const retrainRun = (registry: string, extra: Record<string, string> = {}, args: string[] = ["--json"]) =>
  runCli(["retrain", "run", "--registry", registry, "--seed", "5", "--reason", "drift", ...args], {
    env: { ...env, ...extra },
  });

describe("retrain run: a contract champion retrained offline from its server's history log", {
  timeout: 120_000,
}, () => {
  let original: Record<string, string>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-retrain-run-"));
    ({ registryDir, served } = await servedWeakChampion(dir));
    env = { MILLWRIGHT_DATA_DIR: join(dir, "data"), MILLWRIGHT_GATE_MINIMUM: "0" };
    original = snapshot(registryDir);
  });
  after(async () => {
    await served?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("a challenger that passes the gate is registered and promoted in the copy; the served registry is untouched", async () => {
    const copy = copyRegistry();
    const r = await retrainRun(copy.dir);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as Report;
    assert.equal(d.verdict, "promoted", d.reason);
    assert.equal(d.gate.promote, true);
    assert.equal(d.gate.metric, "pr_auc");
    assert.equal(d.champion.version, "1.0.0");
    assert.equal(d.challenger.version, "1.1.0");
    assert.ok((d.challenger.metrics?.pr_auc ?? 0) > (d.champion.metrics?.pr_auc ?? 1), d.reason);
    assert.equal(d.data.production_rows, 5000, "every labelled reading the server logged");
    assert.equal(d.seed, 5);
    assert.ok(existsSync(join(copy.dir, "versions", "1.1.0", "model.json")));
    assert.equal(copy.resolve("champion"), "1.1.0");
    assert.equal(copy.resolve("challenger"), "1.1.0");
    assert.deepEqual(snapshot(registryDir), original, "the served registry is not written");
    // The run's audit is its own: the server's holds no trigger or decision of it.
    assert.ok(existsSync(contractAuditFile(join(dir, "data"), "ai4i-2020")), "the server's audit");
    const h = await runCli(["retrain", "history", "--json", "--registry", registryDir], { env });
    assert.equal(h.code, 0, h.stderr);
    assert.deepEqual(JSON.parse(h.stdout), { decisions: [], events: [], next: null });

    // The same seed on another copy: the same decision, metric for metric (only the run id differs).
    const again = await retrainRun(copyRegistry().dir);
    assert.equal(again.code, 0, again.stderr);
    const d2 = JSON.parse(again.stdout) as Report;
    assert.notEqual(d2.run, d.run);
    assert.deepEqual(
      { ...d2, run: "", registry: "" },
      { ...d, run: "", registry: "" },
      "the same seed and log give the same decision",
    );
  });

  test("a challenger the gate keeps: exit 1, registered as challenger, the champion alias unmoved", async () => {
    const copy = copyRegistry();
    const r = await retrainRun(copy.dir, { MILLWRIGHT_GATE_MINIMUM: "2" }, []);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^kept: champion 1\.0\.0 stays; challenger 1\.1\.0 is registered in .*copy-\d+/);
    assert.equal(r.stdout.trim().split("\n").length, 1, "one line");
    assert.equal(copy.resolve("champion"), "1.0.0");
    assert.equal(copy.resolve("challenger"), "1.1.0");
  });

  test("no history log: exit 2 naming the file, nothing registered", async () => {
    const copy = copyRegistry();
    const empty = mkdtempSync(join(tmpdir(), "mw-retrain-nolog-"));
    try {
      const r = await retrainRun(copy.dir, { MILLWRIGHT_DATA_DIR: empty });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /history-ai4i-2020\.db: no history log/);
      assert.equal(existsSync(join(copy.dir, "versions", "1.1.0")), false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
