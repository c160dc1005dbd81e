// The operational commands scripts call: predictions export, monitor --once, drift, plan, retrain
// history, release. Real processes, a real SQLite log, a real git repository.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fleetToCsv } from "../../src/data/fleet-csv.js";
import { simulateFleet } from "../../src/data/simulate.js";
import { PACKAGE_ROOT } from "../../src/core/version.js";
import { featureMatrix } from "../../src/features/physics.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import type { PredictionRecord } from "../../src/store/types.js";
import { predictBundle } from "../../src/train/bundle.js";
import { toWire } from "../../src/sim/wire.js";
import { runCli } from "../helpers/cli.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

describe("operational CLI commands", () => {
  let fx: TrainedFixture;
  let dataDir: string;
  let env: Record<string, string>;
  const ids: string[] = [];

  before(async () => {
    fx = trainedRegistry({ machines: 8, days: 10 });
    dataDir = join(fx.dir, "data");
    env = { MILLWRIGHT_DATA_DIR: dataDir, MILLWRIGHT_REGISTRY: fx.registry.dir };
    // A production log: 600 predictions of a drifted fleet by the champion, 400 of them labelled.
    const live = simulateFleet({
      machines: 8,
      days: 2,
      seed: 99,
      scenario: "new-tool-supplier",
      start: "2026-03-02T00:00:00Z",
    }).slice(0, 600);
    const bundle = fx.registry.load("champion");
    const p = predictBundle(bundle, featureMatrix(live));
    const store = new SqliteStore({ path: join(dataDir, "predictions.db") });
    await store.init();
    const t0 = Date.parse("2026-03-02T00:00:00Z");
    const recs: PredictionRecord[] = live.map((r, i) => ({
      id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`,
      requestId: "req",
      modelName: bundle.name,
      modelVersion: bundle.version,
      predictedAt: t0 + i * 60_000,
      reading: toWire(r),
      failureProbability: p.failure[i],
      failurePredicted: p.failure[i] >= bundle.threshold.value,
      modes: {
        twf: p.modes.twf?.[i] ?? 0,
        hdf: p.modes.hdf?.[i] ?? 0,
        pwf: p.modes.pwf?.[i] ?? 0,
        osf: p.modes.osf?.[i] ?? 0,
      },
    }));
    await store.logPredictions(recs);
    await store.addFeedback(
      live.slice(0, 400).map((r, i) => ({
        predictionId: recs[i].id,
        machineFailure: r.machine_failure as 0 | 1,
        modes: { twf: r.twf as 0 | 1 },
      })),
    );
    ids.push(...recs.map((r) => r.id));
    await store.close();
  });
  after(() => fx.cleanup());

  test("predictions export --labelled writes training CSV that trains a model", async () => {
    const out = join(fx.dir, "export.csv");
    let r = await runCli(["predictions", "export", "--labelled", "--out", out], { env });
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    assert.equal(
      lines[0],
      "type,air_temperature,process_temperature,rotational_speed,torque,tool_wear,machine_failure,twf,hdf,pwf,osf,rnf,machine_id,machine_model,timestamp,prediction_id,model_version,predicted_at,failure_probability",
    );
    assert.equal(lines.length, 401);
    assert.ok(lines[1].includes(ids[0]), "prediction_id is the id the API returned");
    const all = join(fx.dir, "all.csv");
    r = await runCli(["predictions", "export", "--out", all, "--since", "2026-03-02T05:00:00Z"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(all, "utf8").trim().split("\n").length, 1 + 600 - 300);
    r = await runCli(["train", "--data", out, "--registry", join(fx.dir, "reg-export"), "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    r = await runCli(["predictions", "export", "--out", all, "--since", "yesterday"], { env });
    assert.equal(r.code, 2);
  });

  test("monitor --once --json sees the drift and the realised quality", async () => {
    const r = await runCli(["monitor", "--once", "--json"], {
      env: { ...env, MILLWRIGHT_QUALITY_WINDOW_MS: String(365 * 86_400_000) },
    });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.model_version, fx.version);
    const wear = s.drift.features.find((f: { feature: string }) => f.feature === "tool_wear");
    assert.equal(wear.drifted, true, "a new tool supplier drifts tool wear");
    assert.equal(s.quality.realised.count.status, "ok");
    assert.equal(s.quality.realised.count.n, 400);
    assert.equal(typeof s.quality.estimated.count.f1, "number");
  });

  test("drift --json: the documented shape; --test forces a test", async () => {
    const a = join(fx.dir, "a.csv");
    const b = join(fx.dir, "b.csv");
    writeFileSync(a, fleetToCsv(simulateFleet({ machines: 4, days: 3, seed: 1 })));
    writeFileSync(b, fleetToCsv(simulateFleet({ machines: 4, days: 3, seed: 2, scenario: "hot-summer" })));
    const r = await runCli([
      "drift",
      "--reference",
      a,
      "--current",
      b,
      "--test",
      "ks",
      "--json",
      "--html",
      join(fx.dir, "d.html"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout);
    assert.equal(typeof d.dataset_drift, "boolean");
    const air = d.features.find((f: { feature: string }) => f.feature === "air_temperature");
    assert.equal(air.test, "ks");
    assert.equal(air.drifted, true);
    assert.ok(air.p_value < 0.05);
    for (const k of ["feature", "test", "statistic", "score", "threshold", "drifted"]) assert.ok(k in air, k);
    assert.match(readFileSync(join(fx.dir, "d.html"), "utf8"), /air_temperature/);
    const bad = await runCli(["drift", "--reference", a, "--current", b, "--test", "nope"]);
    assert.equal(bad.code, 2);
  });

  test("plan --json from the log: an optimal plan within capacity; a bad technicians file names the key", async () => {
    let r = await runCli(
      [
        "plan",
        "--technicians",
        join(PACKAGE_ROOT, "examples", "technicians.yaml"),
        "--horizon",
        "2d",
        "--json",
      ],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.equal(plan.status, "optimal");
    assert.ok(plan.gap !== null && plan.gap <= 1e-6);
    for (const t of plan.technicians) for (const s of t.shifts) assert.ok(s.hours_used <= s.capacity + 1e-9);
    const bad = join(fx.dir, "techs.yaml");
    writeFileSync(bad, "technicians:\n  - name: Ana\n    skills: ['*']\n    hours_per_shift: lots\n");
    r = await runCli(["plan", "--technicians", bad, "--json"], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /techs\.yaml: technicians\[0\]\.hours_per_shift/);
  });

  test("release bumps the tag in a real config repo and commits; a downgrade is refused", async () => {
    const repo = mkdtempSync(join(tmpdir(), "mw-cfg-"));
    try {
      mkdirSync(join(repo, "deploy", "k8s"), { recursive: true });
      cpSync(join(PACKAGE_ROOT, "deploy", "k8s"), join(repo, "deploy", "k8s"), { recursive: true });
      const git = (...a: string[]) => execFileSync("git", a, { cwd: repo }).toString().trim();
      git("init", "-q", "-b", "main");
      git("config", "user.email", "ci@example.com");
      git("config", "user.name", "CI");
      git("add", "-A");
      git("commit", "-qm", "init");
      let r = await runCli(["release", "--version", "9.1.0", "--config", repo, "--env", "test", "--commit"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        readFileSync(join(repo, "deploy/k8s/overlays/test/kustomization.yaml"), "utf8"),
        /newTag: "?9\.1\.0"?/,
      );
      assert.equal(git("log", "-1", "--format=%s"), "release: millwright 9.1.0 to test");
      r = await runCli(["release", "--version", "9.0.0", "--config", repo, "--env", "test"]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /downgrade/);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("retrain history on an empty audit log", async () => {
    const r = await runCli(["retrain", "history", "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).events, []);
  });
});
