// `millwright predictions export` and `monitor --once` in cluster mode: the AI4I contract served
// with DATABASE_URL (its history in PostgreSQL's history_log, shared by replicas), the commands
// run as real processes with the same URL and read it in read-only transactions while it serves.
// A database no server has used is said, naming the database's log, not created.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../src/cli/config.js";
import { parseCsv } from "../../src/data/csv.js";
import { startContractServer } from "../../src/serve/contract/server.js";
import { AI4I_READING, AI4I_TOKENS, ai4iContractShop, removeShop } from "../helpers/ai4i-contract.js";
import { runCli } from "../helpers/cli.js";
import { jsonClient } from "../helpers/http.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";

const { pg: fx, skip } = await postgresOrSkip();
let shop: { dir: string; registryDir: string } | undefined;
let server: Awaited<ReturnType<typeof startContractServer>> | undefined;
let url = "";
const call = jsonClient(() => server?.url ?? "");
const SENT = 300;
const LABELLED = 40;

before(async () => {
  if (skip) return;
  shop = ai4iContractShop("mw-ops-pg-");
  url = await fx!.createDatabase();
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: shop.registryDir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, "data"),
    MILLWRIGHT_FEEDBACK_TOKEN: AI4I_TOKENS.feedback,
    MILLWRIGHT_RETRAIN_MODE: "off",
    DATABASE_URL: url,
  });
  server = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false });
});
after(async () => {
  await server?.close();
  removeShop(shop);
  await fx?.dispose();
});

const cli = (args: string[], databaseUrl = url) =>
  runCli(args, {
    env: {
      MILLWRIGHT_REGISTRY: shop?.registryDir ?? "",
      MILLWRIGHT_DATA_DIR: join(shop?.dir ?? "", "data"),
      DATABASE_URL: databaseUrl,
    },
  });

test(
  "export and monitor --once read the contract's history_log; an unused database: exit 2",
  { skip },
  async () =>
    withPostgresLogs(fx!, async () => {
      const readings = Array.from({ length: SENT }, (_, i) => ({
        ...AI4I_READING,
        machine_id: `L-${i % 4}`,
        timestamp: 100_000 + i,
        torque: 30 + (i % 20),
      }));
      const r = await call("POST", "/v1/predict", readings);
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
      const ids = (r.body.predictions as { id: string }[]).map((p) => p.id);
      const fb = await call(
        "POST",
        "/v1/feedback",
        { feedback: ids.slice(0, LABELLED).map((id, i) => ({ prediction_id: id, label: i % 2 })) },
        AI4I_TOKENS.feedback,
      );
      assert.equal(fb.status, 200, JSON.stringify(fb.body));

      const out = join(shop?.dir ?? "", "pg.csv");
      let x = await cli(["predictions", "export", "--out", out]);
      assert.equal(x.code, 0, x.stderr);
      assert.match(x.stderr, /exported 300 predictions from PostgreSQL history_log \(contract 'ai4i-2020'\)/);
      const { header, rows } = parseCsv(readFileSync(out, "utf8"));
      assert.equal(rows.length, SENT);
      assert.deepEqual(
        rows.map((row) => row[header.indexOf("prediction_id")]),
        ids,
      );
      assert.deepEqual(
        rows.slice(0, LABELLED).map((row) => row[header.indexOf("label")]),
        ids.slice(0, LABELLED).map((_, i) => String(i % 2)),
      );
      assert.equal(rows[LABELLED][header.indexOf("label")], "");

      x = await cli(["monitor", "--once", "--json"]);
      assert.equal(x.code, 0, x.stderr);
      const m = JSON.parse(x.stdout);
      assert.equal(m.current_rows, SENT);
      assert.equal(m.quality.n, LABELLED);
      assert.equal(m.quality.positives, LABELLED / 2);
      assert.equal(m.drift, null, "a window of 300 readings is not full: no drift tested");

      // Read-only: had the first command created the tables, the second would find an empty log.
      const unused = await fx!.createDatabase();
      for (const args of [
        ["monitor", "--once"],
        ["predictions", "export", "--out", join(shop?.dir ?? "", "u.csv")],
      ]) {
        x = await cli(args, unused);
        assert.equal(x.code, 2, x.stderr);
        assert.match(
          x.stderr,
          /PostgreSQL history_log \(contract 'ai4i-2020'\): no history log in this database/,
        );
      }
    }),
);
