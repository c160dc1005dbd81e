// Cluster mode for data-contract models (issue 14: "two replicas fed alternating readings of one
// machine give the same probabilities as one"): replicas on one real PostgreSQL answer exactly
// (===) what one replica on the single-node path answers for the same sequence; a replica started
// later rebuilds the same history from the log; and the race of two readings of one machine sent
// to two replicas at once ends the way src/serve/contract/lockstep.ts says.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { PostgresHistoryLog } from "../../src/store/history/postgres.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import {
  eventsOf,
  inProcess,
  interleave,
  overHttp,
  type Replica,
  readingsOf,
  type Step,
  stateOf,
  TOKEN,
  trainContractModel,
} from "./contract-helpers.js";

const { pg: fx, skip } = await postgresOrSkip();
const trained = fx ? trainContractModel() : null;
after(async () => {
  await fx?.dispose();
  if (trained) rmSync(trained.dir, { recursive: true, force: true });
});

const predict = (body: Record<string, unknown>): Step => ({ kind: "predict", body });

type InProcess = Awaited<ReturnType<typeof inProcess>>;

/**
 * Two in-process replicas `a` and `b` on one new PostgreSQL database, and `ref`, one on the
 * single-node path (a SQLite log `refFile`) to compare them with; all three closed after `body`.
 */
const withTwoReplicas = (
  refFile: string,
  body: (r: { url: string; contract: string; a: InProcess; b: InProcess; ref: InProcess }) => Promise<void>,
) =>
  withPostgresLogs(fx!, async () => {
    const t = trained!;
    const url = await fx!.createDatabase();
    const contract = t.model.contract.name;
    const a = await inProcess(t, new PostgresHistoryLog({ url, contract }));
    const b = await inProcess(t, new PostgresHistoryLog({ url, contract }));
    const ref = await inProcess(t, new SqliteHistoryLog(join(t.dir, refFile)));
    try {
      await body({ url, contract, a, b, ref });
    } finally {
      await a.close();
      await b.close();
      await ref.close();
    }
  });

test(
  "two replicas (server processes) fed alternating readings and events of one machine answer exactly as one; a third started later rebuilds the same history",
  { skip },
  () =>
    withPostgresLogs(fx!, async () => {
      const t = trained!;
      const dbUrl = await fx!.createDatabase();
      const servers: ServerProcess[] = [];
      const dirs: string[] = [];
      const start = async () => {
        const d = mkdtempSync(join(tmpdir(), "mw-crep-"));
        dirs.push(d);
        const s = await startServerProcess(["serve", "--registry", t.registry.dir, "--model", t.version], {
          DATABASE_URL: dbUrl,
          MILLWRIGHT_DATA_DIR: d,
          MILLWRIGHT_FEEDBACK_TOKEN: TOKEN,
          LOG_LEVEL: "warn",
        });
        servers.push(s);
        return overHttp(s.url);
      };
      const ref = await inProcess(t, new SqliteHistoryLog(join(t.dir, "reference.db")));
      try {
        const a = await start();
        const b = await start();
        const m01 = new Set(["M01"]);
        const readings = readingsOf(t.contract, m01).slice(0, 600);
        const steps = interleave(readings, eventsOf(t.contract, m01));
        // The same events again (to the other replica: a duplicate across the cluster), and a reading
        // again (to the other replica: not after the machine's newest there either, so 409).
        const firstEvents = steps.findIndex((s) => s.kind === "events");
        assert.ok(firstEvents >= 0, "the sequence has events");
        steps.splice(firstEvents + 1, 0, steps[firstEvents]);
        steps.splice(40, 0, steps[38].kind === "predict" ? steps[38] : steps[37]);
        const tail = steps.splice(steps.length - 30);
        const distinct = new Set<unknown>();
        let events = 0;
        const check = async (replicas: Replica[], batch: Step[], from: number) => {
          for (let i = 0; i < batch.length; i++) {
            const want = await ref.send(batch[i]);
            const got = await replicas[i % replicas.length].send(batch[i]);
            assert.deepStrictEqual(got, want, `step ${from + i} (${batch[i].kind})`);
            if (batch[i].kind === "predict") distinct.add((want as { p?: number }).p);
            else events += (batch[i].body as { events: unknown[] }).events.length;
          }
        };
        await check([a, b], steps, 0);
        // A third replica, started now, rebuilds from the log and takes its turn first.
        const c = await start();
        await check([c, a, b], tail, steps.length);
        assert.ok(
          distinct.size >= 15 && events >= 10,
          `${distinct.size} distinct probabilities, ${events} events`,
        );
      } finally {
        for (const s of servers) s.child.kill("SIGTERM");
        await Promise.all(servers.map((s) => s.exited));
        await ref.close();
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      }
    }),
);

test(
  "two readings of one machine at once on two replicas: the second to take the log's lock gets 409 unless it is later, and every logged answer is what one replica fed the log's order gives",
  { skip },
  () =>
    withTwoReplicas("race-reference.db", async ({ url, contract, a, b, ref }) => {
      const t = trained!;
      const reader = new PostgresHistoryLog({ url, contract });
      try {
        const readings = readingsOf(t.contract, new Set(["M03"])).slice(0, 160);
        const conflict = { status: 409, code: "MW_CONFLICT" };
        const isAnswer = (x: unknown) => typeof (x as { p?: unknown }).p === "number";
        let same = 0;
        let bothScored = 0;
        let olderRefused = 0;
        // Events of the machine too, posted (not raced) to either replica as their time comes.
        const due = eventsOf(t.contract, new Set(["M03"]));
        let posted = 0;
        for (let k = 0; k + 1 < readings.length; k += 2) {
          const now: Record<string, unknown>[] = [];
          while (
            posted + now.length < due.length &&
            due[posted + now.length].at <= (readings[k].timestamp as string)
          )
            now.push(due[posted + now.length].item);
          if (now.length > 0) {
            const o = await [a, b][k % 3 === 0 ? 0 : 1].send({ kind: "events", body: { events: now } });
            assert.deepEqual(
              o,
              now.map(() => "accepted"),
            );
            posted += now.length;
          }
          if (k % 4 === 0) {
            // The very same reading to both: exactly one scores it.
            const got = await Promise.all([a.send(predict(readings[k])), b.send(predict(readings[k]))]);
            assert.equal(got.filter(isAnswer).length, 1, `round ${k}: ${JSON.stringify(got)}`);
            assert.deepEqual(
              got.find((x) => !isAnswer(x)),
              conflict,
            );
            same++;
          } else {
            // Two successive readings, the earlier to A, the later to B, at once.
            const [ga, gb] = await Promise.all([
              a.send(predict(readings[k])),
              b.send(predict(readings[k + 1])),
            ]);
            assert.ok(isAnswer(gb), `round ${k}: the later reading is always scored`);
            if (isAnswer(ga)) bothScored++;
            else {
              assert.deepEqual(ga, conflict, `round ${k}`);
              olderRefused++;
            }
          }
        }
        // The log, replayed through one replica on the single-node path, gives every logged answer.
        const log = await reader.entriesAfter(0);
        const names = t.model.contract.readings.map((r) => r.name);
        for (const e of log) {
          if (e.type === "event") {
            const v = e.event;
            const item = {
              id: v.id,
              table: v.table,
              machine_id: v.machine,
              timestamp: new Date(v.time).toISOString(),
              kind: v.kind,
            };
            assert.deepEqual(await ref.send({ kind: "events", body: { events: [item] } }), ["accepted"]);
            continue;
          }
          assert.ok(e.type === "reading", "no labels here");
          const r = e.reading;
          const body: Record<string, unknown> = {
            machine_id: r.machine,
            timestamp: new Date(r.time).toISOString(),
          };
          names.forEach((n, j) => {
            body[n] = r.values[j];
          });
          const want = await ref.send(predict(body));
          assert.deepStrictEqual(
            { p: r.failureProbability, heads: r.heads },
            {
              p: (want as { p: number }).p,
              heads: (want as { heads: unknown }).heads,
            },
          );
        }
        assert.equal(log.length, same + 2 * bothScored + olderRefused + posted);
        assert.ok(posted >= 5, `${posted} events`);
        console.log(
          `race: ${same} same-time rounds (one 409 each), ${bothScored} both scored, ${olderRefused} older refused, ${posted} events`,
        );
        // Both replicas, and one opened now, continue as the reference does.
        const c = await inProcess(t, new PostgresHistoryLog({ url, contract }));
        for (const [i, r] of [c, a, b, c].entries()) {
          const body = {
            ...readings[readings.length - 1],
            timestamp: new Date(Date.parse("2030-01-01T00:00:00Z") + i * 3_600_000).toISOString(),
          };
          assert.deepStrictEqual(
            await r.send(predict(body)),
            await ref.send(predict(body)),
            `next reading ${i}`,
          );
        }
        // One more event to each: every replica catches up with the log; then their whole states
        // (every machine's windows and event times) are equal, and equal to the reference's.
        const last: Step = {
          kind: "events",
          body: {
            events: [
              {
                id: "last",
                table: "alarms",
                machine_id: "M03",
                timestamp: "2030-01-02T00:00:00Z",
                kind: "E1",
              },
            ],
          },
        };
        assert.deepEqual((await Promise.all([ref, a, b, c].map((r) => r.send(last)))).flat().sort(), [
          "accepted",
          "accepted",
          "duplicate",
          "duplicate",
        ]);
        const want = stateOf(ref.service);
        for (const [name, r] of Object.entries({ a, b, c }))
          assert.deepStrictEqual(stateOf(r.service), want, `replica ${name}`);
        await c.close();
      } finally {
        await reader.close();
      }
    }),
);

test(
  "the database away: a contract replica answers 503 MW_STORE_UNAVAILABLE (no spool), and carries on in step once it is back",
  { skip },
  () =>
    withTwoReplicas("outage-reference.db", async ({ a, b, ref }) => {
      const t = trained!;
      const rs = readingsOf(t.contract, new Set(["M05"])).slice(0, 20);
      const same = async (from: number, to: number) => {
        for (let i = from; i < to; i++)
          assert.deepStrictEqual(
            await [a, b][i % 2].send(predict(rs[i])),
            await ref.send(predict(rs[i])),
            `reading ${i}`,
          );
      };
      try {
        await same(0, 10);
        await fx!.stop();
        assert.deepEqual(await a.send(predict(rs[10])), { status: 503, code: "MW_STORE_UNAVAILABLE" });
        await fx!.start();
        await same(10, 20);
      } finally {
        await fx!.start();
      }
    }),
);
