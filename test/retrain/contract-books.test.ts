// The retraining's bookkeeping, as trial 3 found it wanting (FINDINGS F3, F4, F12, F13): a kept
// challenger stays registered and its decision names it; the slice's "failures" are failures, not
// positive rows; a run folder left by a killed retraining is removed at the next retraining and at
// a server's start, and only such a folder; a retrained version's card points at the registry's
// copy of its data, not at the run folder removed after it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readConfig } from "../../src/cli/config.js";
import { loadContract } from "../../src/contract/load.js";
import { parseCsv } from "../../src/data/csv.js";
import { readContractData } from "../../src/data/contract-data.js";
import { parseTimestamp } from "../../src/data/time.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import type { ContractRetrainDecision } from "../../src/retrain/contract-retrain.js";
import { ContractRetrainer } from "../../src/retrain/contract-service.js";
import {
  makeRunDir,
  removeRunDir,
  removeStaleRunDirs,
  UNOWNED_GRACE_MS,
} from "../../src/retrain/run-dirs.js";
import { SqliteAuditStore } from "../../src/serve/contract/audit.js";
import { startContractServer } from "../../src/serve/contract/server.js";
import { historianShop } from "../helpers/historian.js";

const HOUR = 3600_000;
let dir: string;
let registry: ModelRegistry;
let champion: string;
let workDir: string;
/** A long-lived process on this host: a run folder it owns is in use. */
let sleeper: ReturnType<typeof spawn>;

/** A run folder as a retraining of process `pid` left it (owner.json as makeRunDir writes it). */
function leftFolder(pid: number | null, opts: { name?: string; host?: string; ageMs?: number } = {}): string {
  const name = opts.name ?? `run-${randomUUID()}`;
  const d = join(workDir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "telemetry.csv"), "timestamp,machine_id\n");
  if (pid !== null)
    writeFileSync(
      join(d, "owner.json"),
      JSON.stringify({ pid, host: opts.host ?? hostname(), started_at: new Date().toISOString() }),
    );
  if (opts.ageMs) {
    const t = (Date.now() - opts.ageMs) / 1000;
    utimesSync(d, t, t);
  }
  return name;
}

/** A pid no process has now: a child that has exited. */
async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ["-e", ""]);
  await new Promise((r) => c.on("exit", r));
  return c.pid as number;
}

describe("retraining bookkeeping (trial 3: F3, F4, F12, F13)", { timeout: 300_000 }, () => {
  let decision: ContractRetrainDecision;
  let audited: { verdict: string; reason: string; challenger: { version: string } };
  let stale: { dead: string; unowned: string; mine: string };
  let kept: { live: string; fresh: string; foreign: string; other: string };

  before(async () => {
    const shop = historianShop({ machines: 10, days: 40, seed: 11 }, "mw-retrain-books-");
    dir = shop.dir;
    const { contract, text } = loadContract(shop.contract);
    registry = new ModelRegistry(join(dir, "models"));
    const data = readContractData(contract, { learn: true, labels: "require" });
    champion = trainHistoryAndRegister(registry, data, text, {
      seed: 1,
      split: { by: "time", testFrom: null },
    }).version;
    workDir = join(dir, "data", "retrain");
    sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)"], { stdio: "ignore" });
    // What killed retrainings left: of a dead pid, with no owner (an older Millwright) and long
    // ago, and of this very pid (a container restarted with the same pid).
    stale = {
      dead: leftFolder(await deadPid()),
      unowned: leftFolder(null, { ageMs: UNOWNED_GRACE_MS + 60_000 }),
      mine: leftFolder(process.pid),
    };
    // What must stay: a live process's run, one being made just now, one on another host, and
    // folders that are not run folders at all.
    kept = {
      live: leftFolder(sleeper.pid as number),
      fresh: leftFolder(null),
      foreign: leftFolder(4242, { host: "some-other-host.example" }),
      other: leftFolder(await deadPid(), { name: "run-notes" }),
    };
    writeFileSync(join(workDir, "README.txt"), "an operator's note\n");

    const audit = new SqliteAuditStore(join(dir, "audit.db"));
    try {
      const retrainer = new ContractRetrainer({
        audit,
        registry,
        served: () => champion,
        entries: async () => [],
        train: trainHistoryAndRegister,
        promote: () => assert.fail("a gate minimum of 2 promotes nothing"),
        mode: "local",
        cooldownMs: 0,
        // Nothing new to learn and a minimum no model reaches: the champion is kept.
        gate: { metric: "pr_auc", margin: 0, minimum: 2 },
        workDir,
      });
      const started = await retrainer.requestRun("bookkeeping test");
      const d = await retrainer.inProgress();
      if (!d) throw retrainer.lastError;
      decision = d;
      const events = await audit.pageAudit({ kinds: ["decision"], limit: 10 });
      audited = events.find((e) => (e.payload as { run?: string }).run === started.run)
        ?.payload as typeof audited;
    } finally {
      audit.close();
    }
  });

  after(() => {
    sleeper?.kill();
  });

  test("F3: a kept challenger stays registered with the challenger alias, and the decision names it", () => {
    assert.equal(decision.verdict, "kept");
    const v = decision.challenger.version;
    assert.notEqual(v, champion);
    assert.ok(existsSync(join(registry.versionDir(v), "model.json")), "registered");
    assert.equal(registry.resolve("challenger"), v);
    assert.equal(registry.resolve("champion"), champion);
    assert.equal(audited.verdict, "kept");
    assert.equal(audited.challenger.version, v);
    assert.match(
      audited.reason,
      new RegExp(
        `; challenger ${v.replaceAll(".", "\\.")} stays registered \\(alias challenger\\), not served$`,
      ),
    );
  });

  test("F4: the slice counts positive rows and the failures behind them, as the card does", () => {
    const s = decision.slice;
    assert.equal(s.positive_rows, decision.challenger.metrics?.positives);
    assert.equal(s.positive_rows, decision.champion.metrics?.positives);
    // Independently: a failure is behind the slice when a reading of its machine in the slice is
    // within the 24 h horizon before it (every such reading is a known positive).
    const csv = (f: string) => parseCsv(readFileSync(join(dir, "historian", f), "utf8"));
    const tel = csv("telemetry.csv");
    const fail = csv("failures.csv");
    const from = s.test_from as number;
    const readings = new Map<string, number[]>();
    for (const r of tel.rows) {
      const t = parseTimestamp(r[tel.header.indexOf("timestamp")]);
      if (t < from) continue;
      const m = r[tel.header.indexOf("machine_id")];
      readings.set(m, [...(readings.get(m) ?? []), t]);
    }
    const behind = fail.rows.filter((r) => {
      const tf = parseTimestamp(r[fail.header.indexOf("timestamp")]);
      const ts = readings.get(r[fail.header.indexOf("machine_id")]) ?? [];
      return ts.some((t) => t < tf && tf <= t + 24 * HOUR);
    }).length;
    assert.ok(behind > 0, "the slice holds failures");
    assert.equal(s.failures, behind);
    assert.ok(
      s.positive_rows > 5 * s.failures,
      `${s.positive_rows} positive rows for ${s.failures} failures`,
    );
    // As the challenger's card counts its own test part (the same slice): "positive rows | failures".
    const card = readFileSync(join(registry.versionDir(decision.challenger.version), "card.md"), "utf8");
    const row = card.split("\n").find((l) => l.startsWith("| machine_failure |")) as string;
    const [, , n, positives, failures] = row.split("|").map((c) => c.trim());
    assert.deepEqual([Number(positives), Number(failures)], [s.positive_rows, s.failures], row);
    assert.equal(Number(n), s.rows);
  });

  test("F13: a retrained version's card names the registry's copy of each file, whose bytes are there", () => {
    const v = decision.challenger.version;
    const card = readFileSync(join(registry.versionDir(v), "card.md"), "utf8");
    const lineage = registry.readJson(v, "lineage.json") as {
      data: { role: string; file: string; sha256: string; dataset: { sha256: string; path: string } }[];
    };
    assert.ok(lineage.data.length >= 4, "telemetry, two event tables, failures (and the machine table)");
    for (const d of lineage.data) {
      const line = card.split("\n").find((l) => l.startsWith(`| ${d.role} |`)) ?? "";
      assert.ok(line.includes(`\`datasets/sha256/${d.sha256}.csv\``), `${d.role}: ${line}`);
      assert.equal(d.dataset.path, `datasets/sha256/${d.sha256}.csv`);
      const bytes = readFileSync(join(registry.dir, d.dataset.path));
      assert.equal(createHash("sha256").update(bytes).digest("hex"), d.sha256);
    }
    // The run folder the telemetry was read from is gone; the card says the registry keeps the bytes.
    const tel = lineage.data.find((d) => d.role === "telemetry");
    assert.match(tel?.file ?? "", /[\\/]run-[0-9a-f-]{36}[\\/]telemetry\.csv$/);
    assert.equal(existsSync(tel?.file ?? ""), false);
    assert.match(card, /The registry keeps the exact bytes read/);
  });

  test("F12: the next retraining removed the run folders killed runs left, and nothing else", () => {
    const left = new Set(readdirSync(workDir));
    for (const [why, name] of Object.entries(stale)) assert.equal(left.has(name), false, `${why}: ${name}`);
    for (const [why, name] of Object.entries(kept)) assert.equal(left.has(name), true, `${why}: ${name}`);
    assert.ok(left.has("README.txt"));
    assert.equal(
      [...left].filter((n) => n === `run-${decision.run}`).length,
      0,
      "its own folder removed at its end",
    );
  });

  test("F12: a run this process is using is never removed; one it ended is", () => {
    const name = `run-${randomUUID()}`;
    makeRunDir(join(workDir, name));
    assert.deepEqual(removeStaleRunDirs(workDir), []);
    assert.ok(existsSync(join(workDir, name)));
    removeRunDir(join(workDir, name));
    assert.equal(existsSync(join(workDir, name)), false);
  });

  test("F12: a server's start removes a folder a retraining killed with its server left, and writes the decision it never wrote", async () => {
    const killed = leftFolder(await deadPid());
    // Trial 8 F12: a run killed with its server (its trigger in the audit, no decision) stood
    // undecided for ever. Its folder is run-<run id>.
    const run = randomUUID();
    const abandoned = leftFolder(await deadPid(), { name: `run-${run}` });
    const auditFile = join(dir, "data", "retrain-historian-fleet.db"); // the shop contract's name
    const before = new SqliteAuditStore(auditFile);
    await before.appendAudit({
      at: Date.now() - HOUR,
      kind: "trigger",
      payload: { source: "manual", reason: "after restart", mode: "local", run },
    });
    before.close();
    const cfg = readConfig({
      MILLWRIGHT_REGISTRY: registry.dir,
      MILLWRIGHT_DATA_DIR: join(dir, "data"),
      MILLWRIGHT_ADMIN_TOKEN: "admin-token-for-tests",
      MILLWRIGHT_RETRAIN_MODE: "local",
    });
    const server = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false });
    try {
      assert.equal(existsSync(join(workDir, killed)), false, "removed at start");
      assert.equal(existsSync(join(workDir, abandoned)), false, "removed at start");
      assert.ok(existsSync(join(workDir, kept.live)), "a live process's run stays");
      const h = (await (await fetch(`${server.url}/v1/retrain/history`)).json()) as {
        decisions: { payload: { verdict: string; reason: string; run: string; trigger: string } }[];
      };
      const d = h.decisions.find((x) => x.payload.run === run)?.payload;
      assert.equal(d?.verdict, "failed", JSON.stringify(h.decisions.slice(0, 3)));
      assert.match(
        d?.reason ?? "",
        /^abandoned: the server stopped before the run decided \(.+\); the champion was kept$/,
      );
      assert.equal(d?.trigger, "manual: after restart");
    } finally {
      await server.close();
    }
  });
});
