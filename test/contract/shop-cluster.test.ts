// Shop F: a data-contract model in cluster mode, run as the README's "Cluster mode" and "Deploy
// guide" say: two `millwright serve` processes started at the same moment on one real PostgreSQL
// and one registry folder, a load balancer alternating readings and events between them. Asserts
// what the shop relies on: the history is one (answers equal one server's, a machine's page and
// the monitor agree across replicas within MILLWRIGHT_HISTORY_FOLLOW_MS), an alert sent to both
// starts one retraining and one promotion, a promotion by the CLI reaches both within
// MILLWRIGHT_MODEL_REFRESH_MS, a replica killed mid-stream loses nothing it answered, and the
// database away is a clean 503 and nothing acknowledged is lost.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { unpackReadings } from "../../src/store/history/packed.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import { inProcess, TOKEN as REF_TOKEN } from "../cluster/contract-helpers.js";
import { runCli } from "../helpers/cli.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import {
  alert,
  call,
  idsOf,
  probabilities,
  type Reply,
  type Shop,
  shopF,
  TOKENS,
  until,
} from "./shop-cluster-helpers.js";

const { pg: fx, skip } = await postgresOrSkip();
const FOLLOW_MS = 200;
const REFRESH_MS = 300;
const technicians = resolve("examples/contracts/historian-technicians.yaml");
let shop: Shop | null = null;
after(async () => {
  await fx?.dispose();
  if (shop) rmSync(shop.dir, { recursive: true, force: true });
});

test(
  "shop F: two contract replicas on one PostgreSQL serve one history, retrain once, follow promotions, lose nothing",
  { skip, timeout: 120_000 },
  () =>
    withPostgresLogs(fx!, async () => {
      const t0 = Date.now();
      const s = (shop = await shopF("2026-02-10"));
      const dbUrl = await fx!.createDatabase();
      const servers: ServerProcess[] = [];
      const dataDirs = [
        mkdtempSync(join(tmpdir(), "mw-shop-f-a-")),
        mkdtempSync(join(tmpdir(), "mw-shop-f-b-")),
      ];
      const start = (i: number) =>
        startServerProcess(["serve", "--registry", s.registry.dir], {
          ...TOKENS,
          DATABASE_URL: dbUrl,
          MILLWRIGHT_DATA_DIR: dataDirs[i],
          MILLWRIGHT_HISTORY_FOLLOW_MS: String(FOLLOW_MS),
          MILLWRIGHT_MODEL_REFRESH_MS: String(REFRESH_MS),
          MILLWRIGHT_RETRAIN_MODE: "local",
          MILLWRIGHT_GATE_MINIMUM: "0",
          MILLWRIGHT_GATE_MARGIN: "0",
          MILLWRIGHT_GATE_METRIC: "recall",
          MILLWRIGHT_TECHNICIANS: technicians,
        });
      // One server on the single-node path (a SQLite log), fed the same steps: what the cluster must answer.
      const ref = await inProcess(s, new SqliteHistoryLog(join(s.dir, "reference.db")));
      try {
        // Both at the same moment: the log's and the audit's tables are created under concurrency.
        const [a, b] = await Promise.all([start(0), start(1)]);
        servers.push(a, b);
        const urls = [a.url, b.url];
        const refPredict = async (body: unknown) =>
          (
            await ref.app.inject({ method: "POST", url: "/v1/predict", payload: body as object })
          ).json() as Record<string, unknown>;
        const acked = new Set<string>();
        const predict = async (i: number, body: unknown): Promise<Reply> => {
          const r = await call(urls[i], "POST", "/v1/predict", body);
          if (r.status === 200) for (const id of idsOf(r)) acked.add(id);
          return r;
        };
        const postEvents = async (i: number, items: Record<string, unknown>[]) => {
          const r = await call(
            urls[i],
            "POST",
            "/v1/events",
            { events: items },
            TOKENS.MILLWRIGHT_FEEDBACK_TOKEN,
          );
          assert.equal(r.status, 200, JSON.stringify(r.body));
          const w = await ref.app.inject({
            method: "POST",
            url: "/v1/events",
            headers: { authorization: `Bearer ${REF_TOKEN}` },
            payload: { events: items },
          });
          assert.deepEqual(r.body.results, w.json().results);
        };

        // 1. The load balancer: batches and events alternate between the replicas, in time order.
        const live = s.batches.slice(0, 150);
        let e = 0;
        for (const [k, batch] of live.entries()) {
          const due: Record<string, unknown>[] = [];
          while (e < s.events.length && s.events[e].at <= (batch[0].timestamp as string))
            due.push(s.events[e++].item);
          if (due.length > 0) await postEvents((k + 1) % 2, due);
          const got = await predict(k % 2, batch);
          assert.equal(got.status, 200, JSON.stringify(got.body));
          const want = probabilities({ status: 200, body: await refPredict(batch) });
          assert.deepStrictEqual(probabilities(got), want, `batch ${k}: the replicas answer as one server`);
        }
        assert.ok(e >= 5, `${e} events sent`);

        // 2. A reading answered by A is in B's history, without B writing anything: within the follow interval.
        const next = s.batches[150];
        const r = await predict(0, next[0]);
        await refPredict(next[0]);
        const machine = next[0].machine_id as string;
        // The machine as each replica answers it, less `plan_risk`: the answering replica's own latest
        // plan (null on one that has made none), not the shared history compared here.
        const page = async (i: number) => {
          const { plan_risk: _, ...rest } = (await call(urls[i], "GET", `/v1/machines/${machine}`)).body;
          return rest;
        };
        const seen = await until("B follows A's reading", 5_000, async () => {
          const h = (await page(1)).history as { prediction_id: string }[];
          return h.at(-1)?.prediction_id === r.body.id ? true : undefined;
        });
        // The interval plus the time to take it in; generous, for a loaded machine (never, without following).
        assert.ok(seen.ms <= FOLLOW_MS + 2_000, `B saw A's reading after ${seen.ms} ms`);
        assert.deepStrictEqual(await page(1), await page(0), "the machine's page is the same on both");

        // 3. A late failure posted to A changes B's realised quality (its monitor), as it does A's.
        const quality = async (i: number) =>
          (await call(urls[i], "GET", "/v1/monitor")).body.quality as { positives: number };
        const before = await quality(1);
        const late = {
          id: "late-failure-1",
          table: "failures",
          machine_id: machine,
          timestamp: next[0].timestamp,
          kind: "spindle_bearing",
        };
        await postEvents(0, [late]);
        const moved = await until("B's monitor counts the late failure", 5_000, async () => {
          const q = await quality(1);
          return q.positives > before.positives ? q : undefined;
        });
        assert.deepStrictEqual(moved.value, await quality(0), "both monitors count the late failure");

        // The plan: each replica makes its own from the one history: the same tasks and risks on both.
        const plans = await Promise.all(urls.map((u) => call(u, "GET", "/v1/plan")));
        assert.equal(plans[0].status, 200, JSON.stringify(plans[0].body));
        const gist = (p: Reply) => [p.body.data_time, p.body.tasks, p.body.risk_ahead, p.body.summary];
        assert.deepStrictEqual(gist(plans[1]), gist(plans[0]), "the same plan on both");
        // An upload would stay on one replica, which would then plan with other technicians: refused.
        const upload = await call(
          urls[0],
          "PUT",
          "/v1/plan/technicians",
          // A valid file (the one they plan with): refused for where it would be kept, not for what it says.
          { yaml: readFileSync(technicians, "utf8") },
          TOKENS.MILLWRIGHT_ADMIN_TOKEN,
        );
        assert.deepEqual(
          [upload.status, upload.body.code, upload.body.field],
          [400, "MW_CONFIG", "MILLWRIGHT_TECHNICIANS"],
          JSON.stringify(upload.body),
        );

        // 4. Alertmanager notifies both replicas at once: one retraining, one decision, the same trail on both.
        const hook = await Promise.all(
          urls.map((u) =>
            call(u, "POST", "/v1/hooks/alertmanager", alert("fp-shop-f"), TOKENS.MILLWRIGHT_HOOK_TOKEN),
          ),
        );
        const outcomes = hook.map((h) => (h.body.outcomes as { outcome: string }[])[0].outcome).sort();
        assert.deepEqual(outcomes, ["deduplicated", "started"], JSON.stringify(hook.map((h) => h.body)));
        const trail = async (i: number) => (await call(urls[i], "GET", "/v1/retrain/history")).body;
        // `running` is each replica's own; the trail is the one both read (the one that retrained
        // appends its promotion after its decision: wait until neither runs).
        const done = await until("the retraining decided", 60_000, async () => {
          const [h, g] = [await trail(0), await trail(1)];
          return !h.running && !g.running && (h.decisions as unknown[]).length > 0 ? h : undefined;
        });
        assert.deepStrictEqual(await trail(1), done.value, "one audit trail");
        const decisions = done.value.decisions as {
          payload: { verdict: string; reason: string; challenger: { version: string } };
        }[];
        assert.equal(decisions.length, 1, JSON.stringify(decisions));
        const [decision] = decisions;
        const models = (await call(urls[0], "GET", "/v1/models")).body.models as { version: string }[];
        assert.equal(models.length, 2, "one challenger registered");
        const v2 = decision.payload.challenger.version;
        assert.notEqual(v2, s.version);
        if (decision.payload.verdict === "kept") {
          // This shop's challenger is no better on the gate's metric (a tie keeps the champion, and it
          // is worse on the others): promote it by hand on A, so B still has a promotion to follow.
          assert.match(decision.payload.reason, /keep/, JSON.stringify(decision));
          assert.equal(s.registry.resolve("champion"), s.version, "kept: the champion alias did not move");
          const p = await call(
            urls[0],
            "POST",
            `/v1/models/${v2}/promote`,
            {},
            TOKENS.MILLWRIGHT_ADMIN_TOKEN,
          );
          assert.equal(p.status, 200, JSON.stringify(p.body));
        } else assert.equal(decision.payload.verdict, "promoted", JSON.stringify(decision));
        assert.equal(s.registry.resolve("champion"), v2);
        const serving = async (v: string) =>
          until("both serve the version", REFRESH_MS * 4 + 5_000, async () => {
            const got = await Promise.all(urls.map((u) => call(u, "GET", "/v1/model")));
            return got.every((g) => g.body.version === v) ? true : undefined;
          });
        await serving(v2);

        // 5. `millwright models promote` (the registry, no HTTP): both replicas follow within the refresh interval.
        const cli = await runCli(["models", "promote", s.version, "--registry", s.registry.dir], {
          env: { DATABASE_URL: dbUrl },
        });
        assert.equal(cli.code, 0, cli.stderr);
        const back = await serving(s.version);
        // The interval plus the swap (the log replayed under the model): generous, for a loaded machine.
        assert.ok(back.ms <= REFRESH_MS + 5_000, `both serve ${s.version} after ${back.ms} ms`);

        // 6. SIGKILL A while every machine streams readings to it; the balancer retries on B.
        const stream = s.batches.slice(151, 171);
        const machines = [...new Set(stream.flat().map((x) => x.machine_id as string))];
        let answeredByA = 0;
        let answeredByB = 0;
        const streams = machines.map(async (m) => {
          for (const body of stream.flat().filter((x) => x.machine_id === m)) {
            let got = await predict(0, body);
            if (got.status === 200) answeredByA++;
            if (got.status === 0) {
              got = await predict(1, body);
              if (got.status === 200) answeredByB++;
            }
            // 409: the reading reached A's log before A died, unanswered: B knows it already.
            assert.ok(
              got.status === 200 || (got.status === 409 && got.body.code === "MW_CONFLICT"),
              JSON.stringify(got),
            );
          }
        });
        await until("A answered 30 of the stream", 10_000, async () =>
          answeredByA >= 30 ? true : undefined,
        );
        a.child.kill("SIGKILL");
        await Promise.all(streams);
        assert.ok(answeredByB >= machines.length, `B went on: ${answeredByB} answered after the kill`);
        const readingIds = async () => {
          const db = new pg.Client({ connectionString: dbUrl });
          await db.connect();
          try {
            // A request's readings are one packed row (layout 4): read back as a replay does.
            const { rows } = await db.query<{ body: string; nums: Buffer }>(
              "SELECT body, nums FROM history_log WHERE type = 'readings'",
            );
            return new Set(rows.flatMap((r) => unpackReadings(r.body, r.nums).map((x) => x.id)));
          } finally {
            await db.end();
          }
        };
        const logged = await readingIds();
        const lost = [...acked].filter((id) => !logged.has(id));
        assert.deepEqual(lost, [], "every answered reading is in the log");
        assert.ok(
          logged.size - acked.size <= machines.length,
          `${logged.size} logged, ${acked.size} answered`,
        );

        // Restarted, A replays the log and agrees with B.
        servers[0] = await start(0);
        urls[0] = servers[0].url;
        assert.deepStrictEqual(await page(0), await page(1), "A after its restart");

        // 7. PostgreSQL away: a clean 503 on both, then the same readings are answered once it is back.
        const tail = s.batches[171];
        await fx!.stop();
        for (const i of [0, 1]) {
          const got = await predict(i, tail);
          assert.deepEqual([got.status, got.body.code], [503, "MW_STORE_UNAVAILABLE"]);
        }
        // An event and an alert too: 503 with the code (Alertmanager sends a 5xx again later), not a 500.
        const ev = await call(
          urls[0],
          "POST",
          "/v1/events",
          { events: [{ ...late, id: "during-outage" }] },
          TOKENS.MILLWRIGHT_FEEDBACK_TOKEN,
        );
        const hooked = await call(
          urls[1],
          "POST",
          "/v1/hooks/alertmanager",
          alert("fp-outage"),
          TOKENS.MILLWRIGHT_HOOK_TOKEN,
        );
        assert.deepEqual(
          [ev.status, ev.body.code, hooked.status, hooked.body.code],
          [503, "MW_STORE_UNAVAILABLE", 503, "MW_STORE_UNAVAILABLE"],
        );
        await fx!.start();
        const back2 = await until("answers again after the outage", 15_000, async () => {
          const got = await predict(1, tail);
          return got.status === 200 ? got : undefined;
        });
        assert.equal(probabilities(back2.value).length, tail.length);
        const all = await readingIds();
        assert.deepEqual(
          [...acked].filter((id) => !all.has(id)),
          [],
          "nothing acknowledged is lost",
        );
        const secs = (Date.now() - t0) / 1000;
        console.log(
          `shop F: ${acked.size} readings answered, ${all.size} logged, B followed A in ${seen.ms} ms, CLI promotion reached both in ${back.ms} ms, ${secs.toFixed(1)} s`,
        );
      } finally {
        for (const p of servers) p.child.kill("SIGTERM");
        await Promise.all(servers.map((p) => p.exited));
        await ref.close();
        for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
      }
    }),
);
