// `millwright retrain history` with a data-contract champion reads that contract's audit, the one its
// server writes and GET /v1/retrain/history pages (it read the AI4I prediction log and said "no
// retraining events yet" after the server had promoted a challenger); `retrain run` with no history
// log says which file it looked for. A real registry, a real SQLite audit, the real CLI.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { contractAuditFile, openContractAudit } from "../../src/serve/contract/audit-open.js";
import { trainAi4iContract } from "../helpers/ai4i-contract.js";
import { runCli } from "../helpers/cli.js";

test("retrain history shows a contract champion's server audit; retrain run names the missing log", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-rhc-"));
  try {
    const { registry } = trainAi4iContract(dir, { machines: 4, days: 3 });
    const env = { MILLWRIGHT_REGISTRY: registry.dir, MILLWRIGHT_DATA_DIR: join(dir, "data") };

    // Before the server wrote an audit: nothing to show, and no empty file left behind.
    const none = await runCli(["retrain", "history"], { env });
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout.trim(), "no retraining events yet");
    assert.equal(existsSync(contractAuditFile(join(dir, "data"), "ai4i-2020")), false);

    mkdirSync(join(dir, "data"));
    const audit = await openContractAudit({ dataDir: join(dir, "data") }, "ai4i-2020");
    const at = Date.UTC(2026, 11, 3);
    await audit?.appendAudit({ at, kind: "trigger", payload: { trigger: "manual: walkthrough" } });
    await audit?.appendAudit({
      at: at + 1,
      kind: "decision",
      payload: { verdict: "promoted", reason: "challenger PR-AUC 0.74 beats champion 0.54" },
    });
    await audit?.appendAudit({ at: at + 2, kind: "promotion", payload: { from: "1.0.0", to: "1.1.0" } });
    await audit?.close();
    const h = await runCli(["retrain", "history"], { env });
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^latest decisions:\n.*decision {2}promoted: challenger PR-AUC 0\.74/);
    assert.match(h.stdout, /promotion 1\.0\.0 → 1\.1\.0/);
    assert.equal(existsSync(join(dir, "data", "predictions.db")), false, "the AI4I log is not opened");

    // retrain run trains from the server's history log (test/cli/retrain-run.test.ts): none here.
    const run = await runCli(["retrain", "run"], { env });
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /history-ai4i-2020\.db: no history log/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
