// Ground truth by prediction id in cluster mode: two contract servers of one row-labelled contract
// on one PostgreSQL history log. A label sent to either replica is judged once for the cluster
// (the other's label for the same answer is a conflict), the replica that took it counts it before
// answering, the other once it follows the log, and a replica started later replays it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { jsonClient } from "../../helpers/http.js";
import { postgresOrSkip, withPostgresLogs } from "../../helpers/postgres.js";
import { ROW_MACHINES, rowLabelledShop, rowReading } from "../../helpers/row-labelled.js";

const FEEDBACK = "feedback-token-for-the-cluster";
const { pg: fx, skip } = await postgresOrSkip();
type Server = Awaited<ReturnType<typeof startContractServer>>;
const servers: Server[] = [];
let shop: { dir: string; registryDir: string };
let url = "";

const replica = async (name: string): Promise<Server> => {
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: shop.registryDir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, `data-${name}`),
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
    MILLWRIGHT_HISTORY_FOLLOW_MS: "100",
    DATABASE_URL: url,
  });
  const s = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false });
  servers.push(s);
  return s;
};

before(async () => {
  if (skip) return;
  shop = rowLabelledShop("mw-cfeedback-pg-");
  url = await fx!.createDatabase();
});
after(async () => {
  for (const s of servers) await s.close().catch(() => {});
  await fx?.dispose();
});

/** The realised quality's n and recall on a replica. */
const quality = async (s: Server) => {
  const q = (await jsonClient(() => s.url)("GET", "/v1/monitor")).body.quality;
  return { n: q.n as number, recall: q.recall as number | null };
};

test(
  "cluster: a label is judged once for every replica, counted by each, replayed by a new one",
  { skip },
  () =>
    withPostgresLogs(fx!, async () => {
      const a = await replica("a");
      const b = await replica("b");
      const callA = jsonClient(() => a.url);
      const callB = jsonClient(() => b.url);
      const readings = ROW_MACHINES.flatMap((_, m) => Array.from({ length: 10 }, (_, i) => rowReading(m, i)));
      const r = await callA("POST", "/v1/predict", readings);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const answers = r.body.predictions as { id: string; failure_predicted: boolean }[];
      // Every answer labelled a failure: recall is the share of them the model warned of.
      const recall = answers.filter((x) => x.failure_predicted).length / answers.length;
      const items = answers.map((x) => ({ prediction_id: x.id, label: 1 }));
      // Sent to the replica that did not answer them: it finds them in the shared log.
      const sent = await callB("POST", "/v1/feedback", items, FEEDBACK);
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.equal(sent.body.summary.accepted, answers.length);
      assert.deepEqual(await quality(b), { n: answers.length, recall }, "counted before the answer");
      const deadline = Date.now() + 10_000;
      while ((await quality(a)).n < answers.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(await quality(a), { n: answers.length, recall }, "the other replica, once it follows");

      // Labels for the same answer sent to both replicas at once: one is taken, the other a conflict.
      const both = await Promise.all([
        callA("POST", "/v1/feedback", { prediction_id: answers[0].id, label: 0 }, FEEDBACK),
        callB("POST", "/v1/feedback", { prediction_id: answers[0].id, label: 0 }, FEEDBACK),
      ]);
      assert.deepEqual(
        both.map((x) => x.status),
        [409, 409],
        "answer 0 already has label 1 on both",
      );
      const fresh = await callA("POST", "/v1/predict", rowReading(0, 10));
      const race = await Promise.all([
        callA("POST", "/v1/feedback", { prediction_id: fresh.body.id, label: 1 }, FEEDBACK),
        callB("POST", "/v1/feedback", { prediction_id: fresh.body.id, label: 0 }, FEEDBACK),
      ]);
      assert.deepEqual(race.map((x) => x.status).sort(), [200, 409], JSON.stringify(race.map((x) => x.body)));

      const c = await replica("c");
      assert.equal((await quality(c)).n, answers.length + 1, "a new replica replays every label");
    }),
);
