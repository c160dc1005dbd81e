// The board's likeliest failure kind is one that can happen on the machine (trial 5: "S-01:
// likeliest failure hydraulic leak" on a cold former with no hydraulics, which the contract said with
// `applies: false`). Its head still scores the kind: `heads` keeps it, as the /v1/predict answer does.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import type { ContractTasks } from "../../../src/contract/types.js";
import { FleetBoard } from "../../../src/monitor/live/board.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { contractFleetRoutes } from "../../../src/serve/contract/routes-fleet.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { hourlyReading, type TrainedShop, trainedShop } from "../../helpers/contract-served.js";

let shop: TrainedShop;
let log: SqliteHistoryLog;
let app: FastifyInstance;
let tasks: ContractTasks | null;

before(async () => {
  shop = trainedShop("mw-fleet-applies-");
  log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  const board = new FleetBoard(shop.model);
  const service = await ContractService.open(shop.model, shop.registry.versionDir(shop.version), log, [
    board,
  ]);
  tasks = shop.model.contract.tasks;
  app = Fastify();
  contractFleetRoutes(app, service, board, [], () => tasks);
  for (let h = 0; h < 3; h++)
    await service.predict([hourlyReading("M01", h), hourlyReading("M02", h)], false);
});

after(async () => {
  await app.close();
  await log.close();
  rmSync(shop.dir, { recursive: true, force: true });
});

type Row = { machine_id: string; likeliest_kind: string | null; heads: Record<string, number | null> };
const board = async (): Promise<Map<string, Row>> => {
  const r = await app.inject({ url: "/v1/fleet" });
  assert.equal(r.statusCode, 200, r.body);
  return new Map((r.json().machines as Row[]).map((m) => [m.machine_id, m]));
};

test("a kind that does not apply to a machine is never its likeliest; its head still shows", async () => {
  const before = await board();
  const m1 = before.get("M01") as Row;
  const ranked = Object.entries(m1.heads)
    .filter(([k, p]) => k !== "machine_failure" && typeof p === "number")
    .sort((a, b) => (b[1] as number) - (a[1] as number))
    .map(([k]) => k);
  assert.ok(ranked.length >= 2, JSON.stringify(m1.heads));
  assert.equal(m1.likeliest_kind, ranked[0]);
  // Only the least likely kind happens on M01: every other one is `applies: false` there.
  const only = ranked[ranked.length - 1];
  const base = shop.model.contract.tasks as ContractTasks;
  tasks = {
    ...base,
    heads: base.heads.map((h) =>
      h.head === only
        ? h
        : {
            ...h,
            for: [
              {
                match: [],
                machines: ["M01"],
                label: "machine M01",
                failure: h.failure,
                task: null,
                applies: false,
              },
            ],
          },
    ),
  };
  const now = await board();
  assert.equal(now.get("M01")?.likeliest_kind, only);
  assert.deepEqual(now.get("M01")?.heads, m1.heads, "the heads are the model's, every one");
  assert.equal(now.get("M02")?.likeliest_kind, before.get("M02")?.likeliest_kind, "M02: every kind applies");
  const page = await app.inject({ url: "/v1/machines/M01" });
  for (const r of page.json().history as Row[]) assert.equal(r.likeliest_kind, only);
});
