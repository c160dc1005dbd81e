// Shop G, the real customer: a bolt-and-nut maker with 40 machines of 22 makes and models (cold
// headers, thread rollers, CNC lathes, two machining centres; 1982 to 2021), each make logged by
// the gateway into its own file under its controller's names and units, a row every 10-15 min
// while it runs; 60 days of export, then 14 to score; failures rare per make (0-3) and foretold by
// whatever sensors each make has (test/helpers/shop-bolts*.ts). The contract and technicians file
// as its maintenance lead wrote them from the README (shop-bolts-contract.ts).
//
// Figures (seed 9; 182,173 export rows, 16 failures in the export: BEARING 12, LUBE 4; 8 later).
// Runs in 40-90 s on 2 shared cores (two trainings of 182k rows: over the 60 s asked when busy).
// - The first contract, as the README allowed: a °F column is a reading of its own (oil_temp_f,
//   vibration_ips, load_kw), and Reed-Rico's `OilTemp` (°F) could only go with Sakamura's (°C).
//   check refused 15,265 cells ("109 °C is outside -10–100"); widened to max 150, as a customer
//   would, it trained: machine_failure PR-AUC 0.023 on a base rate of 0.028 (ROC-AUC 0.37), its
//   top feature the °F/°C mixture. With each make's column read into one unit (column conversions,
//   this trial's fix): PR-AUC 0.50 on 0.030 (ROC-AUC 0.80), BEARING 0.36; the 14 later days by
//   pattern: 0.53 on 0.025 (BEARING 0.001 on its 40 rows, LUBE 0.75). Per make on the later days
//   (average precision of failure_probability, makes with a failure): Tsugami 0.92, Chun Zu 0.79,
//   Sakamura 0.73, National 0.70, Hartford 0.18 (LUBE, a make with no failure in the export and
//   only a load meter and a counter), Tesker 0.06 (a bearing, in/s vibration).
// - check said LUBE (4 failures) was too few for a head; training gave it one (rows, not failures).
// - 20 of 40 board rows gave "oil temperature unknown lowers the risk" (no oil sensor) as a reason.
// - --data took one file: the 22-file export could not be evaluated or predicted as a whole.
// - The plan: the 10-hour bearing job never fits a shift (now said so); at 8 h, it plans one
//   bearing replacement, on H-02, whose lube system had just failed and been repaired (its 24 h
//   window still holds the hot oil, and the 4-failure LUBE head is weak), while H-04's lube
//   failure 6 h after the plan's start is left unplanned ("costs $505, avoids at most $380").
// - A task was one per failure kind for every make (a 1982 header's main bearing and a lathe's
//   spindle one "bearing_replacement" of 10 h). Now each machine type has its own (for:, by the
//   machine table's Type: header 8 h, $6,800 of parts, a failure $58,400; lathe and centre 4 h;
//   roller 6 h): the plan replaces H-02's main bearing in 8 h for $7,480 against $58,400.
// - A cumulative counter was a raw feature and drifted as it grew (before the calibrated drift
//   thresholds 5 of 7 readings drifted on an unchanged fleet; then none, the counter at 0.89 of its
//   threshold after 7 days, crossing it later): now declared `kind: counter`, the model and the
//   monitor see its rate (test/contract/shop-bolts-counter.test.ts measures both over 14 days).
//   The model gained by it: machine_failure PR-AUC 0.58 on 0.030 (ROC-AUC 0.80), the 14 later days
//   0.62 on 0.025 (ROC-AUC 0.85), against 0.50 and 0.53 with the count as a number.
// - Still so (not fixed here): a machine bought after training is a 400 (readings, and a whole
//   event batch) until it is in the machine table: this trial updates the file and trains again;
//   a running server now takes it with PUT /v1/machines/{id} (test/serve/contract/machines*.test.ts).
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseCsv } from "../../src/data/csv.js";
import { averagePrecision } from "../../src/evaluate/ranking.js";
import { runCli } from "../helpers/cli.js";
import { restClient } from "../helpers/http.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { shopBolts } from "../helpers/shop-bolts.js";
import { type Reading, posted } from "../helpers/shop-bolts-bridge.js";
import {
  SHOP_BOLTS_CONTRACT,
  SHOP_BOLTS_CONTRACT_FIRST,
  SHOP_BOLTS_CONTRACT_PER_MAKE,
  SHOP_BOLTS_TECHNICIANS,
} from "../helpers/shop-bolts-contract.js";
import { writeShopBolts } from "../helpers/shop-bolts-files.js";
import { bearingGroups, bearingJobs } from "../helpers/shop-bolts-plan.js";
import { predictedAsServed } from "../helpers/shop-bolts-predict.js";

const DAY = 86_400_000;
const shop = writeShopBolts(
  { seed: 9 },
  {
    "shop-g.yaml": SHOP_BOLTS_CONTRACT,
    "first.yaml": SHOP_BOLTS_CONTRACT_FIRST,
    "technicians.yaml": SHOP_BOLTS_TECHNICIANS,
  },
);
const at = (f: string) => join(shop.dir, f);
const registry = at("models");
const env = {
  MILLWRIGHT_DATA_DIR: at("data"),
  MILLWRIGHT_ADMIN_TOKEN: "admin-g",
  MILLWRIGHT_FEEDBACK_TOKEN: "gateway-g",
  MILLWRIGHT_TECHNICIANS: at("technicians.yaml"),
  MILLWRIGHT_MODEL_REFRESH_MS: "200",
};
let server = null as ServerProcess | null;
const { call, post, get } = restClient(() => (server as ServerProcess).url);
after(() => {
  server?.child.kill("SIGKILL");
  rmSync(shop.dir, { recursive: true, force: true });
});
const cli = async (args: string[], code = 0) => {
  const r = await runCli(args, { env });
  assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr.slice(-2000)}`);
  return r;
};
const failuresLater = shop.events.filter((e) => e.table === "failures" && e.time >= shop.exportEnd);

test("the generator is seeded: the same seed writes the same shop", () => {
  const a = shopBolts({ seed: 3, days: 3, laterDays: 1 });
  assert.deepEqual(a, shopBolts({ seed: 3, days: 3, laterDays: 1 }));
  assert.notDeepEqual(a.rows.slice(0, 50), shopBolts({ seed: 4, days: 3, laterDays: 1 }).rows.slice(0, 50));
  assert.equal(new Set(a.machines.map((m) => `${m.spec.make} ${m.spec.model}`)).size, 23);
});

test("check: the first contract trips on Reed-Rico's °F OilTemp; read into °C, 40 machines of 22 makes", async () => {
  const first = await cli(["check", "--contract", at("first.yaml")], 2);
  assert.match(first.stderr, /reedrico-a22\.csv row 2, OilTemp: 1\d\d °C is outside -10–100/);
  const c = JSON.parse((await cli(["check", "--contract", at("shop-g.yaml"), "--json"])).stdout);
  assert.equal(c.machines, 40);
  assert.equal(c.files.filter((f: { role: string }) => f.role === "telemetry").length, 22);
  const r = Object.fromEntries(c.readings.map((x: { name: string }) => [x.name, x]));
  // Every make's load in % (two give kW), oil in °C (three makes write °F), vibration in mm/s.
  assert.equal(r.load.present, 1);
  assert.ok(r.oil_temp.max < 70 && r.oil_temp.min > 30, JSON.stringify(r.oil_temp));
  assert.ok(r.vibration.max < 12, JSON.stringify(r.vibration));
  assert.deepEqual(r.oil_temp.converted, [
    "'LUBE_OIL_F' from °F",
    "'Oil_F' from °F",
    "'OilTemp' of R-01, R-02, R-03 from °F",
  ]);
  assert.deepEqual(c.failures.kinds, { BEARING: 12, LUBE: 4 });
  // As training decides it: LUBE's 4 failures get a head (rows within 48 h, not failures, count).
  assert.deepEqual(c.problems.length, 1, c.problems.join("\n"));
  assert.match(c.problems[0], /failure kind 'LUBE': only 4 failures, and train --contract gives it a head/);
});

test("train: far above the base rate; the later days by pattern; a per-make breakdown from predict", async () => {
  const t = JSON.parse(
    (await cli(["train", "--contract", at("shop-g.yaml"), "--registry", registry, "--json"])).stdout,
  );
  const base = t.metrics.positives / t.metrics.n;
  assert.ok(t.metrics.pr_auc > 10 * base, `PR-AUC ${t.metrics.pr_auc} on a base rate of ${base}`);
  assert.deepEqual(t.trained_heads, ["machine_failure", "BEARING", "LUBE"], "LUBE has a head, as check said");
  // The machine table is a living file: the roller bought in week 9 is in it before the later days.
  copyFileSync(at("later/machines.csv"), at("export/machines.csv"));
  const events = [
    "failures=later/breakdowns.csv",
    "alarms=later/alarms.csv",
    "maintenance=later/maintenance.csv",
  ];
  const evArgs = events.flatMap((e) => ["--events", `${e.split("=")[0]}=${at(e.split("=")[1])}`]);
  const later = at("later/exports/*.csv");
  const e = JSON.parse(
    (await cli(["evaluate", "--data", later, "--registry", registry, "--json", ...evArgs])).stdout,
  );
  assert.ok(e.pr_auc > 10 * (e.positives / e.n), JSON.stringify(e));
  // predict on all 23 files at once: one scored row per reading, under the contract's first names.
  const out = at("scored.csv");
  const p = await cli(["predict", "--data", later, "--out", out, "--registry", registry, ...evArgs]);
  // The roller bought in week 9: its make is known (a Chun Zu header), its model never seen.
  assert.match(
    p.stderr,
    /machines\.csv: machine 'R-09': model 'CTR-20' is a level the model never saw; it counts as missing/,
  );
  assert.doesNotMatch(p.stderr, /make 'Chun Zu' is a level/);
  const scored = parseCsv(readFileSync(out, "utf8"));
  assert.equal(scored.rows.length, shop.rows.filter((x) => x.time >= shop.exportEnd).length);
  // Per make (the card has none): rows within 48 h of a failure, and how the model ranks them.
  const col = (n: string) => scored.header.indexOf(n);
  const [ti, mi, pi] = [col("Timestamp"), col("Machine"), col("failure_probability")];
  assert.ok(ti >= 0 && mi >= 0 && pi >= 0, scored.header.join());
  const make = new Map(shop.machines.map((m) => [m.id, m.spec.make]));
  const byMake = new Map<string, { y: number[]; p: number[] }>();
  for (const row of scored.rows) {
    const time = Date.parse(row[ti]);
    const y = failuresLater.some((f) => f.machine === row[mi] && f.time > time && f.time - time <= 2 * DAY);
    const k = make.get(row[mi]) as string;
    const g = byMake.get(k) ?? { y: [], p: [] };
    g.y.push(y ? 1 : 0);
    g.p.push(Number(row[pi]));
    byMake.set(k, g);
  }
  const ap = [...byMake].filter(([, g]) => g.y.includes(1)).map(([k, g]) => [k, averagePrecision(g.y, g.p)]);
  assert.ok(ap.length >= 5, JSON.stringify(ap));
});

test("served: the gateway posts 2 warm-up and 7 later days; the board of 40; drift; the plan; the new roller", async () => {
  server = await startServerProcess(["serve", "--registry", registry], env);
  const { readings, events } = posted(shop, shop.exportEnd - 2 * DAY, shop.exportEnd + 7 * DAY);
  // The roller bought in week 9 is not in the model's machine table: its events and readings are
  // refused (the whole batch, naming it), and the gateway holds them back.
  const e1 = await post("/v1/events", { events }, "gateway-g");
  assert.equal(e1.status, 400, JSON.stringify(e1.body));
  assert.match(e1.body.detail, /'R-09' is not in the contract's machine table/);
  const known = (xs: Reading[]) => xs.filter((x) => x.machine_id !== "R-09");
  const e2 = await post("/v1/events", { events: known(events) }, "gateway-g");
  assert.equal(e2.status, 200, JSON.stringify(e2.body).slice(0, 500));
  const r09 = readings.filter((x) => x.machine_id === "R-09");
  assert.ok(r09.length > 100);
  assert.equal((await post("/v1/predict", r09.slice(0, 10))).status, 400);
  const mine = known(readings);
  const served = new Map<string, number>();
  for (let i = 0; i < mine.length; i += 5000) {
    const r = await post("/v1/predict", mine.slice(i, i + 5000));
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
    for (const a of r.body.predictions) served.set(`${a.machine_id} ${a.timestamp}`, a.failure_probability);
  }
  // Served as trained: `predict` on the same days' files gives every reading the server scored the
  // same probability, to the bit (the stroke counter's rate is made by one function for both), on
  // the machines whose columns need no unit conversion: the bridge converts °F as (F − 32) × 5/9,
  // the contract as F × 5/9 − 160/9, a last-bit difference that moved 13 of 28,810 answers.
  const { offline, compared } = await predictedAsServed(shop, shop.exportEnd - 2 * DAY, 7 + 2, served, (a) =>
    cli([...a, "--registry", registry]),
  );
  assert.equal(compared, mine.length);
  const spec = new Map(shop.machines.map((m) => [m.id, m.spec]));
  const plain = (k: string) => {
    const c = spec.get(k.split(" ")[0])?.cols ?? {};
    return !(c.oil_f || c.brg_f || c.vib_in || c.load_kw);
  };
  const same = [...served].map(([k, p], i) => ({ k, p, o: offline[i] })).filter((x) => plain(x.k));
  assert.ok(same.length > 15_000, `${same.length}`); // 19,777 of 28,810
  assert.deepEqual(
    same.map((x) => x.o),
    same.map((x) => x.p),
  );
  // The board: all 40 machines on one page; a reason is about a sensor the machine has.
  const board = await get("/v1/fleet");
  assert.equal(board.total, 40);
  assert.equal(board.machines.length, 40);
  for (const m of board.machines) {
    const s = spec.get(m.machine_id);
    const oil = s?.cols.oil_c !== undefined || s?.cols.oil_f !== undefined || s?.cols.oil_c !== undefined;
    for (const r of m.reasons as string[]) {
      if (!oil) assert.doesNotMatch(r, /^oil temperature/, `${m.machine_id}: ${r}`);
      assert.doesNotMatch(r, /year built \d,\d{3}/, r);
    }
  }
  // Drift on an unchanged fleet: with the contract monitor's thresholds calibrated on the training
  // period's own full days (README "Monitoring"), no dataset drift.
  const mon = await get("/v1/monitor");
  assert.equal(mon.drift.dataset_drift, false, JSON.stringify(mon.drift.features).slice(0, 2000));
  // The counter is tested by its rate (kind: counter), as its reference holds rates: well inside.
  const parts = mon.drift.features.find((f: { feature: string }) => f.feature === "parts");
  assert.ok(parts && parts.score < 0.8 * parts.threshold, JSON.stringify(parts).slice(0, 300));
  // The plan: a 10-hour bearing job, and no technician with 10 hours in a shift.
  const plan = await planned();
  assert.ok(
    plan.unplanned_risks.some((u: { reason: string }) =>
      /no technician with skill bearing has 10 h/.test(u.reason),
    ),
    JSON.stringify(plan.unplanned_risks).slice(0, 1500),
  );
  // The shop books the bearing contractor for a 10-hour day shift, and the plan takes it.
  const yaml = `${SHOP_BOLTS_TECHNICIANS}  - { name: Spindle Service Inc, skills: [bearing], hours_per_shift: 10, shifts: [weekdays day] }\n`;
  const up = await call("PUT", "/v1/plan/technicians", { yaml }, "admin-g");
  assert.equal(up.status, 200, JSON.stringify(up.body));
  const booked = await planned();
  const bearing = (p: typeof booked) =>
    p.unplanned_risks
      .filter((u: { task: string }) => u.task === "bearing_replacement")
      .map((u: { reason: string }) => u.reason);
  assert.match(
    bearing(booked)[0],
    /bearing replacement takes 10 h, longer than a shift \(8 h\), and a task is planned within one shift/,
  );
  // So the shop writes each machine type's own bearing job (for:, per type: a header's 8 h, a
  // lathe's 4 h), with the roller bought in week 9 in the machine table (above); check lists which
  // machines get which, and the shop trains again: the server follows the new champion.
  writeFileSync(at("shop-g.yaml"), SHOP_BOLTS_CONTRACT_PER_MAKE);
  const checked = JSON.parse((await cli(["check", "--contract", at("shop-g.yaml"), "--json"])).stdout);
  bearingGroups(checked);
  const t2 = JSON.parse(
    (await cli(["train", "--contract", at("shop-g.yaml"), "--registry", registry, "--json"])).stdout,
  );
  // A second training is a challenger: promoted by hand, and the server follows the alias.
  await cli(["models", "promote", t2.version, "--registry", registry]);
  const follows = async () => {
    for (let i = 0; i < 100; i++) {
      if ((await get("/v1/model")).version === t2.version) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  };
  assert.ok(await follows(), `the server serves ${t2.version}`);
  const again = await planned();
  // Each bearing job is its machine type's: its hours in the shift grid, its costs in the row.
  bearingJobs(again, shop.machines);
  const taken = await post("/v1/predict", r09);
  assert.equal(taken.status, 200, JSON.stringify(taken.body).slice(0, 500));
  server.child.kill("SIGTERM");
  assert.equal(await server.exited, 0);
  server = null;
});

/** The plan once it is not stale. */
async function planned() {
  for (let i = 0; i < 300; i++) {
    const p = await call("GET", "/v1/plan");
    if (p.status === 200 && !p.body.stale) return p.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("no fresh plan");
}
