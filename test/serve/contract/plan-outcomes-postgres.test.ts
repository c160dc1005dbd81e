// Cluster mode's done and skipped tasks: in the PostgreSQL every replica shares (the contract's audit,
// audit-postgres.ts), not in each replica's memory. Two replicas (apps on one service, as lock step
// keeps their histories equal; each its own audit store on one real database): a task skipped on one
// is skipped on the other, the same task skipped on both at once is taken once, and a replica
// started later (a restart) lists what was marked.
import assert from "node:assert/strict";
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { getPlan, markTask } from "../../helpers/plan-calls.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { PostgresAuditStore } from "../../../src/serve/contract/audit-postgres.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { cheap } from "../../helpers/contract-plan.js";
import { trainedShop } from "../../helpers/contract-served.js";
import { shopExports } from "../../helpers/historian.js";
import { postgresOrSkip, withPostgresLogs } from "../../helpers/postgres.js";

const TOKEN = "feedback-token-for-tests";
const auth = { authorization: `Bearer ${TOKEN}` };
const { pg: fx, skip } = await postgresOrSkip();
const shop = skip ? null : trainedShop("mw-splan-out-pg-");
after(async () => {
  await fx?.dispose();
  if (shop) rmSync(shop.dir, { recursive: true, force: true });
});

test(
  "cluster: a task skipped on one replica is skipped on the other, taken once when marked on both, and listed by a replica started later",
  { skip },
  () =>
    withPostgresLogs(fx!, async () => {
      const s = shop!;
      // As plan.test.ts: persistence plans tasks on this small shop.
      s.model.planCalibration = null;
      const model = cheap(s.model);
      const url = await fx!.createDatabase();
      const log = new SqliteHistoryLog(join(s.dir, "h.db"));
      const technicians = join(s.dir, "technicians.yaml");
      copyFileSync("examples/contracts/historian-technicians.yaml", technicians);
      const service = await ContractService.open(model, s.registry.versionDir(s.version), log);
      const stores: PostgresAuditStore[] = [];
      const apps: FastifyInstance[] = [];
      const replica = async () => {
        const audit = new PostgresAuditStore(url, model.contract.name);
        stores.push(audit);
        await audit.init();
        const app = await buildContractApp({
          service,
          tokens: { feedback: TOKEN },
          maxBatch: 20_000,
          technicians,
          planOutcomes: audit,
        });
        apps.push(app);
        return app;
      };
      const plan = getPlan;
      const mark = (app: FastifyInstance, id: string, what: "done" | "skipped", payload: object = {}) =>
        markTask(app, auth, id, what, payload);
      try {
        const [a, b] = await Promise.all([replica(), replica()]);
        const { events, readings } = shopExports(model.contract);
        const e = await a.inject({ method: "POST", url: "/v1/events", headers: auth, payload: { events } });
        assert.equal(e.statusCode, 200, e.body);
        for (let i = 0; i < readings.length; i += 5000) {
          const r = await a.inject({
            method: "POST",
            url: "/v1/predict",
            payload: readings.slice(i, i + 5000),
          });
          assert.equal(r.statusCode, 200, r.body.slice(0, 300));
        }
        // Both have made their plan (the same tasks) before anything is marked.
        const t = (await plan(a)).tasks[0];
        assert.ok(t, "the plan has a task");
        assert.equal((await plan(b)).tasks[0].id, t.id);

        // The same task skipped on both replicas at once: one takes it, the other is a conflict.
        const both = await Promise.all([
          mark(a, t.id, "skipped", { reason: "rush order" }),
          mark(b, t.id, "skipped", { reason: "no parts" }),
        ]);
        assert.deepEqual(
          both.map((r) => r.statusCode).sort(),
          [200, 409],
          both.map((r) => r.body).join("\n"),
        );
        const reason = both[0].statusCode === 200 ? "rush order" : "no parts";
        for (const app of [a, b]) {
          const p = await plan(app);
          assert.deepEqual(
            p.outcomes.map((o) => [o.id, o.status, o.reason]),
            [[t.id, "skipped", reason]],
          );
          const shown = p.tasks.find((x) => x.id === t.id);
          assert.deepEqual([shown?.status, shown?.skipped_reason], ["skipped", reason]);
        }
        // Done after all, on the other replica; then done again on the first is a conflict.
        const done = await mark(b, t.id, "done");
        assert.equal(done.statusCode, 200, done.body);
        const twice = await mark(a, t.id, "done");
        assert.deepEqual([twice.statusCode, twice.json().code], [409, "MW_CONFLICT"], twice.body);
        const outcomes = (await plan(a)).outcomes;
        assert.deepEqual(
          outcomes.map((o) => [o.id, o.status]),
          [[t.id, "done"]],
        );

        // A replica started later (or one restarted) lists them from the database.
        const c = await replica();
        assert.deepEqual((await plan(c)).outcomes, outcomes);
      } finally {
        for (const app of apps) await app.close();
        for (const st of stores) await st.close();
        await log.close();
      }
    }),
);
