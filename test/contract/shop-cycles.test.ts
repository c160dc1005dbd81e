// Shop C1, a customer's first day: spindle units counted in machining cycles, each run until it
// failed, a contract written from the README (test/helpers/shop-cycles.ts), and every user-facing
// step as the customer runs it: check → train --split machine → evaluate and predict on units the
// model never saw → serve (POST /v1/predict with cycle numbers, /v1/machines/{id}, /v1/fleet) →
// plan; and the mistakes such an export has, each refused naming the file, row and column.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseCsv } from "../../src/data/csv.js";
import { runCli } from "../helpers/cli.js";
import { jsonClient } from "../helpers/http.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { SHOP_CYCLES_CONTRACT, shopCycles } from "../helpers/shop-cycles.js";

let dir: string;
let reg: string;
let srv: ServerProcess | undefined;
const shop = shopCycles({ units: 20, seed: 7 });
// Units the model never saw (their ids repeat the first fleet's: the model reads no machine id).
const fresh = shopCycles({ units: 8, seed: 99 });
const FEEDBACK = "shop-c-feedback-token";

function writeShop(into: string, files: Record<string, string>, contract = SHOP_CYCLES_CONTRACT): string {
  mkdirSync(into, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(into, name), text);
  writeFileSync(join(into, "contract.yaml"), contract);
  return join(into, "contract.yaml");
}

/** Each unit's probabilities in cycle order, from a predict CSV. */
function byUnit(csv: string): Map<string, number[]> {
  const t = parseCsv(csv);
  const [u, p] = [t.header.indexOf("unit"), t.header.indexOf("failure_probability")];
  const out = new Map<string, number[]>();
  for (const r of t.rows) out.set(r[u], [...(out.get(r[u]) ?? []), Number(r[p])]);
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-shop-c1-"));
  reg = join(dir, "models");
  writeShop(dir, { "telemetry.csv": shop.telemetry, "failures.csv": shop.failures });
  writeFileSync(join(dir, "fresh.csv"), fresh.telemetry);
  writeFileSync(join(dir, "fresh-failures.csv"), fresh.failures);
});

after(async () => {
  if (srv) {
    srv.child.kill("SIGTERM");
    await srv.exited;
  }
});

test("check, then train split by machine: every kind gets a head, test PR-AUC far above the base rate", async () => {
  const c = await runCli(["check", "--contract", join(dir, "contract.yaml"), "--json"]);
  assert.equal(c.code, 0, c.stderr);
  const p = JSON.parse(c.stdout);
  const rows = shop.units.reduce((s, u) => s + u.life, 0);
  assert.equal(p.rows, rows);
  assert.equal(p.machines, 20);
  assert.equal(p.counter, true);
  assert.deepEqual(p.problems, []);
  // Each unit's failure cycle looks past that unit's last row: unknown, one per unit (not the
  // fleet's end, which left 14 of them labelled "no failure ahead").
  assert.equal(p.failures.censored_rows, 20);
  assert.equal(p.failures.positive_rows, 20 * 20);

  const t = await runCli(
    ["train", "--contract", join(dir, "contract.yaml"), "--split", "machine"].concat([
      "--registry",
      reg,
      "--json",
    ]),
  );
  assert.equal(t.code, 0, t.stderr);
  const res = JSON.parse(t.stdout);
  assert.match(res.split.describe, /by machine: 4 of 20 machines held out for the test, 3 for validation/);
  const m = res.metrics;
  const base = m.positives / m.n;
  assert.ok(m.pr_auc > Math.max(0.8, 4 * base), `PR-AUC ${m.pr_auc} against a base rate of ${base}`);
  // Both kinds have a head: the split gives every part units of each kind.
  assert.ok(res.heads.bearing && res.heads.winding, JSON.stringify(Object.keys(res.heads)));
  const card = readFileSync(join(reg, "versions", "1.0.0", "card.md"), "utf8");
  assert.match(card, /fails within 20 rows of a reading/);
  // The planner's forecast is uncalibrated on a counter (plan-calibration-samples replays clock
  // mornings), and the card gives that reason too.
  assert.match(card, /No planning calibration \([^)]*a counter time/);
});

test("evaluate and predict on units the model never saw: ranks them, and each unit's risk rises toward its failure", async () => {
  const e = await runCli(
    [
      "evaluate",
      "--data",
      join(dir, "fresh.csv"),
      "--events",
      `failures=${join(dir, "fresh-failures.csv")}`,
    ].concat(["--registry", reg, "--json"]),
  );
  assert.equal(e.code, 0, e.stderr);
  const ev = JSON.parse(e.stdout);
  assert.equal(ev.censored, 8);
  assert.ok(ev.pr_auc > Math.max(0.7, 4 * (ev.positives / ev.n)), `PR-AUC ${ev.pr_auc}`);
  // In words, it names the failures file that labelled it (without --events it is the training one).
  const words = await runCli(["evaluate", "--data", join(dir, "fresh.csv"), "--registry", reg]);
  assert.match(words.stdout, /labelled by the failures in .*[/\\]failures\.csv/);
  const out = join(dir, "fresh-scored.csv");
  const p = await runCli(["predict", "--data", join(dir, "fresh.csv"), "--out", out, "--registry", reg]);
  assert.equal(p.code, 0, p.stderr);
  const units = byUnit(readFileSync(out, "utf8"));
  assert.equal(units.size, 8);
  for (const [u, probs] of units) {
    const early = mean(probs.slice(0, probs.length >> 1));
    const late = mean(probs.slice(-10));
    assert.ok(late > 0.5 && late > 10 * early, `${u}: first half ${early}, last 10 cycles ${late}`);
  }
});

test("serve: cycle numbers in, the same probabilities as predict, the machine page and the board", async () => {
  srv = await startServerProcess(["serve", "--registry", reg], {
    MILLWRIGHT_DATA_DIR: join(dir, "data"),
    MILLWRIGHT_RETRAIN_MODE: "off",
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
  });
  const call = jsonClient(() => srv?.url ?? "");
  const unit = fresh.units[0];
  const rows = parseCsv(fresh.telemetry).rows.filter((r) => r[0] === unit.id);
  const reading = (r: string[]) => ({
    machine_id: r[0],
    timestamp: Number(r[1]),
    vibration: Number(r[2]),
    bearing_temp: Number(r[3]),
    motor_current: Number(r[4]),
  });
  const res = await call("POST", "/v1/predict", rows.map(reading));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const served = res.body.predictions.map((x: { failure_probability: number }) => x.failure_probability);
  // The server builds the unit's history as predict does: the same numbers, to the bit.
  const offline = byUnit(readFileSync(join(dir, "fresh-scored.csv"), "utf8")).get(unit.id);
  assert.deepEqual(served, offline);
  assert.ok(res.body.predictions[rows.length - 1].timestamp === unit.life);

  // The failure arrives as an event at the unit's last cycle: the ground truth joins by cycle.
  const failure = {
    id: "c1-fail",
    table: "failures",
    machine_id: unit.id,
    timestamp: unit.life,
    kind: unit.mode,
  };
  const posted = await call("POST", "/v1/events", { events: [failure] }, FEEDBACK);
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  const page = await call("GET", `/v1/machines/${unit.id}`);
  assert.equal(page.status, 200);
  assert.equal(page.body.horizon, "20rows");
  assert.equal(page.body.history.at(-1).timestamp, unit.life);
  type Row = { timestamp: number; label: { machine_failure: boolean } | null };
  const label = (c: number) => (page.body.history as Row[]).find((h) => h.timestamp === c)?.label;
  assert.equal(label(unit.life - 21)?.machine_failure, false);
  assert.equal(label(unit.life - 20)?.machine_failure, true);
  assert.equal(label(unit.life - 1)?.machine_failure, true);
  assert.equal(label(unit.life), null, "the failure cycle's own horizon is past the unit's last row");
  const board = await call("GET", "/v1/fleet");
  assert.equal(board.body.total, 1);
  assert.equal(board.body.machines[0].last_reading_at, unit.life);
  assert.ok(board.body.machines[0].failure_probability > 0.5);
  assert.match(board.body.machines[0].reasons.join(" "), /within 20 rows/);

  // A counter is a whole number; an old cycle is a conflict; each answer names the field.
  const next = { ...reading(rows[0]), timestamp: unit.life + 0.5 };
  const half = await call("POST", "/v1/predict", next);
  assert.equal(half.status, 400);
  assert.equal(half.body.code, "MW_VALIDATION");
  assert.match(half.body.detail, /timestamp: must be a whole number \(the contract's time is a counter\)/);
  const old = await call("POST", "/v1/predict", { ...next, timestamp: 3 });
  assert.equal(old.status, 409);
  assert.equal(old.body.field, "timestamp");
  const ev = { id: "f-1", table: "failures", machine_id: unit.id, timestamp: "twelve", kind: "bearing" };
  const badEvent = await call("POST", "/v1/events", { events: [ev] }, FEEDBACK);
  assert.equal(badEvent.status, 400, JSON.stringify(badEvent.body));
  assert.equal(badEvent.body.code, "MW_VALIDATION");
  assert.equal(badEvent.body.field, "events[0].timestamp");
});

test("an export's mistakes are refused naming the file, row and column", async () => {
  const lines = shop.telemetry.split("\n");
  const cases: [string, (l: string[]) => void, RegExp][] = [
    // Line 5 is SP-0400's cycle 4: written as 2, the unit's cycles go backwards.
    [
      "backwards",
      (l) => (l[4] = l[4].replace(",4,", ",2,")),
      /telemetry\.csv row 5, cycle: time goes backwards for machine 'SP-0400'/,
    ],
    [
      "fraction",
      (l) => (l[4] = l[4].replace(",4,", ",4.5,")),
      /telemetry\.csv row 5, cycle: '4\.5' is not a whole number/,
    ],
    [
      "repeat",
      (l) => (l[4] = l[4].replace(",4,", ",3,")),
      /telemetry\.csv row 5, cycle: a second row for machine 'SP-0400' at the same time/,
    ],
  ];
  for (const [name, edit, want] of cases) {
    const l = [...lines];
    edit(l);
    const c = writeShop(join(dir, name), { "telemetry.csv": l.join("\n"), "failures.csv": shop.failures });
    const r = await runCli(["check", "--contract", c]);
    assert.equal(r.code, 2, `${name}: ${r.stdout}`);
    assert.match(r.stderr, want, name);
  }
  // A unit in the failures file with no telemetry: skipped with a warning naming it (README:
  // a plant-wide log may cover machines the export lacks), so a typo in a unit id still shows.
  const typo = writeShop(join(dir, "typo"), {
    "telemetry.csv": shop.telemetry,
    "failures.csv": `${shop.failures}SP-412,80,bearing\n`,
  });
  const w = await runCli(["check", "--contract", typo]);
  assert.equal(w.code, 0, w.stderr);
  assert.match(
    w.stdout + w.stderr,
    /failures\.csv: 1 row of 1 machine not in the telemetry skipped \(SP-412\)/,
  );
  // A failure after its unit's last cycle is seen by no row: check names it as a problem.
  const late = writeShop(join(dir, "late"), {
    "telemetry.csv": shop.telemetry,
    "failures.csv": `${shop.failures}SP-0400,500,bearing\n`,
  });
  const l = await runCli(["check", "--contract", late]);
  assert.match(
    l.stdout,
    /1 failure after its unit's last row, seen by no row \(SP-0400 at 500, its last row 121\)/,
  );
});

test("plan: a counter contract's tasks need rows_per_hour, and a shift counts rows_per_hour × hours ÷ horizon", async () => {
  const tasks = `tasks:
  heads:
    bearing:
      failure: { downtime_hours: 8, cost_per_hour: 300, repair_cost: 2500 }
      task: { name: bearing_replacement, words: bearing replacement, hours: 3, skills: ["*"], min_interval: 50 }
`;
  const into = join(dir, "plan");
  const c = writeShop(
    into,
    { "telemetry.csv": shop.telemetry, "failures.csv": shop.failures },
    SHOP_CYCLES_CONTRACT + tasks,
  );
  // check says so before training, not only plan after it.
  const chk = await runCli(["check", "--contract", c]);
  assert.equal(chk.code, 0, chk.stderr);
  assert.match(
    chk.stdout + chk.stderr,
    /contract\.yaml: tasks\.rows_per_hour is missing: a contract whose time is a counter needs it to plan/,
  );
  const techs = join(into, "techs.yaml");
  writeFileSync(techs, "technicians:\n  - { name: Ana, skills: ['*'], hours_per_shift: 6 }\n");
  const r2 = join(into, "models");
  assert.equal((await runCli(["train", "--contract", c, "--split", "machine", "--registry", r2])).code, 0);
  const p = await runCli(["plan", "--technicians", techs, "--registry", r2, "--horizon", "2d"]);
  assert.equal(p.code, 2, p.stdout);
  assert.match(p.stderr, /tasks\.rows_per_hour: a contract whose time is a counter needs it/);

  // With 4 cycles an hour, a day is 96 cycles: 4.8 horizons of 20, so a unit's risk by the end of
  // a one-day plan is 1 − (1 − p)^4.8 of its risk p now (it was ^96: a healthy unit at 1.7 % per
  // 20 cycles planned as 80 % likely to fail that day). Units cut at 60 % of their life: healthy.
  const c4 = writeShop(
    join(into, "rph"),
    { "telemetry.csv": shop.telemetry, "failures.csv": shop.failures },
    SHOP_CYCLES_CONTRACT + tasks.replace("tasks:\n", "tasks:\n  rows_per_hour: 4\n"),
  );
  const r4 = join(into, "models-rph");
  assert.equal((await runCli(["train", "--contract", c4, "--split", "machine", "--registry", r4])).code, 0);
  const head = shop.telemetry.split("\n")[0];
  const young = shop.units.flatMap((u) =>
    shop.telemetry
      .split("\n")
      .filter((l) => l.startsWith(`${u.id},`))
      .slice(0, Math.floor(0.6 * u.life)),
  );
  writeFileSync(join(into, "young.csv"), `${[head, ...young].join("\n")}\n`);
  const args = ["plan", "--technicians", techs, "--registry", r4, "--horizon", "1d", "--json"];
  const q = await runCli(args.concat(["--data", join(into, "young.csv")]));
  assert.equal(q.code, 0, q.stderr);
  const machines = JSON.parse(q.stdout).machines as { heads: { bearing: { now: number; by_end: number } } }[];
  assert.equal(machines.length, 20);
  for (const m of machines) {
    const { now, by_end } = m.heads.bearing;
    assert.ok(now < 0.2, `a unit at 60 % of its life: ${now}`);
    assert.ok(
      Math.abs(by_end - (1 - (1 - now) ** 4.8)) < 1e-3,
      `now ${now}, by the end of the day ${by_end}`,
    );
  }
});
