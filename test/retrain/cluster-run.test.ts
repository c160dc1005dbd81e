// "Retrain now" in cluster mode: the replicas share the audit (PostgreSQL), so a run started on one
// makes POST /v1/retrain a 409 on the others until it decides (trial 4: one POST per replica trained
// two identical challengers). A run whose replica died (a trigger with no decision) holds the others
// back for RUN_GIVEN_UP_MS at most.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { isMillwrightError } from "../../src/core/errors.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import type { ContractTrainer } from "../../src/retrain/contract-retrain.js";
import { ContractRetrainer, RUN_GIVEN_UP_MS } from "../../src/retrain/contract-service.js";
import { PostgresAuditStore } from "../../src/serve/contract/audit-postgres.js";
import { cyclesChampion } from "../helpers/cycles-champion.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";

const { pg: fx, skip } = await postgresOrSkip();
const made = skip ? null : cyclesChampion(20, "mw-cluster-run-");
after(async () => {
  await fx?.dispose();
  if (made) rmSync(made.dir, { recursive: true, force: true });
});

test("a manual retraining on one replica is a 409 on the others until it decides", { skip }, () =>
  withPostgresLogs(fx!, async () => {
    const { dir, registry, champ } = made!;
    const url = await fx!.createDatabase();
    const stores: PostgresAuditStore[] = [];
    // Training waits for `release`: the first run stays in progress while the others are asked.
    // (Held again for the last run: a run that trains at once may decide before its POST returns.)
    let release = () => {};
    let held = Promise.resolve();
    const hold = () => {
      held = new Promise<void>((r) => {
        release = r;
      });
    };
    hold();
    const slow: ContractTrainer = async (r, d, text, opts) => {
      await held;
      return trainHistoryAndRegister(r, d, text, opts);
    };
    const replica = async (name: string, now?: () => number) => {
      const audit = new PostgresAuditStore(url, "shop-cycles");
      stores.push(audit);
      await audit.init();
      return new ContractRetrainer({
        audit,
        registry,
        served: () => champ.version,
        entries: async () => [],
        train: slow,
        promote: async () => {},
        mode: "local",
        cooldownMs: 0,
        gate: { metric: "pr_auc", margin: 0, minimum: 2 },
        workDir: join(dir, `work-${name}`),
        now,
      });
    };
    try {
      const [a, b] = [await replica("a"), await replica("b")];
      const first = await a.requestRun("first");
      const running = [a.inProgress()];
      await assert.rejects(b.requestRun("second"), (e: unknown) => {
        assert.ok(isMillwrightError(e) && e.code === "MW_CONFLICT", String(e));
        assert.match(e.message, new RegExp(`running on another replica \\(run ${first.run}, started `));
        return true;
      });
      // A replica whose clock is past the give-up time takes the run for a dead one.
      const later = await replica("c", () => Date.now() + RUN_GIVEN_UP_MS + 60_000);
      const late = await later.requestRun("the first run's replica died?");
      assert.notEqual(late.run, first.run);
      running.push(later.inProgress());
      release();
      const decided = await Promise.all(running);
      for (const [i, r] of decided.entries())
        assert.equal(r?.verdict, "kept", String([a, later][i].lastError));
      // Decided: B may start one now.
      hold();
      const again = await b.requestRun("third");
      const third = b.inProgress();
      release();
      assert.equal((await third)?.verdict, "kept", String(b.lastError));
      assert.notEqual(again.run, late.run);
    } finally {
      release();
      for (const s of stores) await s.close();
    }
  }),
);
