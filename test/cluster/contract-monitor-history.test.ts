// The contract monitor's history in cluster mode: two replicas (server processes) started at once on
// one real PostgreSQL (both create the tables), each with the history timer running, keep one
// history between them, one point per interval, not one per replica; a run asked of one replica
// is in the other's history.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { jsonClient } from "../helpers/http.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { trainContractModel } from "./contract-helpers.js";

const ADMIN = "cluster-admin-token-0123456789";
const INTERVAL = 300;

const { pg: fx, skip } = await postgresOrSkip();
const trained = fx ? trainContractModel() : null;
after(async () => {
  await fx?.dispose();
  if (trained) rmSync(trained.dir, { recursive: true, force: true });
});

type Point = { at: string; model_version: string };

test(
  "two replicas keep one monitor history: a point per interval between them, a run on one seen by the other",
  { skip },
  () =>
    withPostgresLogs(fx!, async () => {
      const t = trained!;
      const dbUrl = await fx!.createDatabase();
      const dirs: string[] = [];
      const start = () => {
        const d = mkdtempSync(join(tmpdir(), "mw-cmonh-"));
        dirs.push(d);
        return startServerProcess(["serve", "--registry", t.registry.dir, "--model", t.version], {
          DATABASE_URL: dbUrl,
          MILLWRIGHT_DATA_DIR: d,
          MILLWRIGHT_ADMIN_TOKEN: ADMIN,
          MILLWRIGHT_MONITOR_INTERVAL_MS: String(INTERVAL),
          LOG_LEVEL: "warn",
        });
      };
      const servers: ServerProcess[] = [];
      try {
        servers.push(...(await Promise.all([start(), start()])));
        const [a, b] = servers.map((s) => jsonClient(() => s.url));
        await new Promise((r) => setTimeout(r, 2500));
        const history = async (call: typeof a): Promise<Point[]> => {
          const r = await call("GET", "/v1/monitor/history?limit=1000");
          assert.equal(r.status, 200, JSON.stringify(r.body));
          return r.body.points;
        };
        const fromA = await history(a);
        assert.ok(fromA.length >= 3, `${fromA.length} points in 2.5 s at ${INTERVAL} ms`);
        const times = fromA.map((p) => Date.parse(p.at));
        for (let i = 1; i < times.length; i++)
          assert.ok(
            times[i] - times[i - 1] >= 0.9 * INTERVAL,
            `points ${i - 1} and ${i} ${times[i] - times[i - 1]} ms apart: one per interval, not one per replica`,
          );
        assert.ok(fromA.every((p) => p.model_version === t.version));
        const fromB = await history(b);
        assert.deepEqual(fromB.slice(0, fromA.length), fromA, "one history for both replicas");

        const run = await a("POST", "/v1/monitor/run", undefined, ADMIN);
        assert.equal(run.status, 200, JSON.stringify(run.body));
        const at = new Date(run.body.at).toISOString();
        assert.ok(
          (await history(b)).some((p) => p.at === at),
          "the run asked of one replica is in the other's history",
        );
        for (const s of servers) assert.doesNotMatch(s.output(), /monitor history:/, "no failed point");
      } finally {
        for (const s of servers) {
          s.child.kill("SIGTERM");
          await s.exited;
        }
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      }
    }),
);
