// Shop B's first day, end to end on files on disk: a PI historian's long export (two makes' tag
// names, Bad-quality rows, tags stored on change), an asset register, HMI alarms, CMMS work orders
// and breakdowns, with the contract written from the README (test/helpers/shop-pi-files.ts), through
// `check`, `train --contract`, `evaluate`, `predict`, `plan`, and the served API across a restart.
// The server, given two machines' whole history, answers exactly (===) what `predict` wrote.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseCsv } from "../../src/data/csv.js";
import { runCli } from "../helpers/cli.js";
import { startServerProcess } from "../helpers/server-process.js";
import { shopPi } from "../helpers/shop-pi.js";
import { writeShopPi } from "../helpers/shop-pi-files.js";

const DAYS = 40;
const shop = writeShopPi({ machines: 12, days: DAYS, seed: 7 });
const registry = join(shop.dir, "models");
after(() => rmSync(shop.dir, { recursive: true, force: true }));

const cli = async (args: string[]) => {
  const r = await runCli(args, { env: { MILLWRIGHT_LOG_FORMAT: "text" } });
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  return r;
};

test("the generator is seeded: the same seed writes the same bytes", () => {
  assert.equal(
    shopPi({ machines: 2, days: 3, seed: 5 }).files["telemetry.csv"],
    shopPi({ machines: 2, days: 3, seed: 5 }).files["telemetry.csv"],
  );
  assert.notEqual(
    shopPi({ machines: 2, days: 3, seed: 5 }).files["telemetry.csv"],
    shopPi({ machines: 2, days: 3, seed: 6 }).files["telemetry.csv"],
  );
});

test("check, train, evaluate, predict and plan on shop B's files; the server agrees with predict across a restart", async () => {
  // check: one hourly row per machine, both makes' tags read, Bad rows skipped and counted.
  const check = JSON.parse((await cli(["check", "--contract", shop.contract, "--json"])).stdout);
  assert.equal(check.machines, 12);
  assert.equal(check.rows, 12 * DAYS * 24);
  assert.deepEqual(check.problems, []);
  assert.deepEqual(check.readings[1].columns, ["SPINDLE.LOAD_PCT", "SP1.LOAD"]);
  for (const r of check.readings.filter((x: { name: string }) => x.name !== "vibration"))
    assert.equal(r.present, 1, r.name);
  assert.ok(
    check.warnings.some((w: string) =>
      w.includes(`${shop.badRows} rows of quality other than 'Good' skipped`),
    ),
  );
  assert.equal(check.failures.rows, shop.failures.length);

  // train: the model ranks far better than the base rate on this learnable data.
  const train = JSON.parse(
    (await cli(["train", "--contract", shop.contract, "--registry", registry, "--json"])).stdout,
  );
  const base = train.metrics.positives / train.metrics.n;
  assert.ok(train.metrics.positives > 20, "failures in the test period");
  assert.ok(train.metrics.pr_auc > 3 * base, `PR-AUC ${train.metrics.pr_auc} vs base rate ${base}`);
  for (const h of ["SPINDLE_BEARING", "COOLANT_PUMP"])
    assert.ok(train.heads[h].pr_auc > 0.5, `${h} ${train.heads[h].pr_auc}`);
  const ev = JSON.parse(
    (await cli(["evaluate", "--data", shop.telemetry, "--registry", registry, "--json"])).stdout,
  );
  assert.ok(ev.pr_auc > 3 * (ev.positives / ev.n));

  // predict: one row per machine and hour (not one per tag), every probability a number.
  const scoredFile = join(shop.dir, "scored.csv");
  await cli(["predict", "--data", shop.telemetry, "--out", scoredFile, "--registry", registry]);
  const scored = parseCsv(readFileSync(scoredFile, "utf8"));
  assert.equal(scored.rows.length, check.rows);
  const col = (name: string) => scored.header.indexOf(name);
  for (const r of scored.rows)
    assert.ok(Number(r[col("failure_probability")]) >= 0 && Number(r[col("failure_probability")]) <= 1);
  // Both spellings feed spindle_load: the Okuma CNC01 ('SPINDLE.LOAD_PCT') and Mazak CNC02 ('SP1.LOAD').
  for (const m of ["CNC01", "CNC02"]) {
    const loads = scored.rows.filter((r) => r[1] === m).map((r) => Number(r[col("SPINDLE.LOAD_PCT")]));
    assert.ok(loads.length === DAYS * 24 && loads.every((x) => Number.isFinite(x)), m);
  }

  // plan: from the newest bucket, with the technicians file.
  const plan = JSON.parse(
    (await cli(["plan", "--technicians", shop.technicians, "--registry", registry, "--json"])).stdout,
  );
  assert.equal(plan.model.version, "1.0.0");
  assert.equal(plan.data_time, new Date(check.to).toISOString());

  // The server: CNC01's and CNC02's whole history (events first, then readings by the contract's
  // names), restarted half-way: every answer is the probability predict wrote for that row.
  const env = {
    MILLWRIGHT_DATA_DIR: join(shop.dir, "data"),
    MILLWRIGHT_TECHNICIANS: shop.technicians,
    MILLWRIGHT_FEEDBACK_TOKEN: "shop-b-feedback-token",
    MILLWRIGHT_ADMIN_TOKEN: "shop-b-admin-token",
    MILLWRIGHT_LOG_FORMAT: "text",
    LOG_LEVEL: "info",
  };
  const auth = {
    authorization: `Bearer ${env.MILLWRIGHT_FEEDBACK_TOKEN}`,
    "content-type": "application/json",
  };
  let server = await startServerProcess(["serve", "--registry", registry], env);
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { "content-type": "application/json" },
  ) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  };
  try {
    const two = new Set(["CNC01", "CNC02"]);
    const csvEvents = (file: string, table: string, time: number, asset: number, kind: number) =>
      parseCsv(readFileSync(join(shop.dir, file), "utf8"))
        .rows.filter((r) => two.has(r[asset]))
        .map((r, i) => ({
          id: `${table}-${i}`,
          table,
          machine_id: r[asset],
          timestamp: new Date(`${r[time].replace(" ", "T")}Z`.replace("ZZ", "Z")).toISOString(),
          kind: r[kind],
        }));
    const events = [
      ...csvEvents("alarms.csv", "alarms", 0, 1, 2),
      ...csvEvents("workorders.csv", "maintenance", 2, 1, 3),
      ...csvEvents("breakdowns.csv", "failures", 1, 0, 2),
    ].reverse(); // out of time order: the history sorts them
    const posted = await call("POST", "/v1/events", { events }, auth);
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.ok(posted.body.results.every((r: { outcome: string }) => r.outcome === "accepted"));
    const again = await call("POST", "/v1/events", { events: events.slice(0, 3) }, auth);
    assert.deepEqual(
      again.body.results.map((r: { outcome: string }) => r.outcome),
      ["duplicate", "duplicate", "duplicate"],
    );
    const unknown = await call(
      "POST",
      "/v1/events",
      { events: [{ ...events[0], id: "x", table: "work_orders" }] },
      auth,
    );
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, "MW_VALIDATION");
    assert.equal(unknown.body.field, "events[0].table");
    assert.match(unknown.body.detail, /must be one of "alarms", "maintenance", "failures"/);

    const rows = scored.rows.filter((r) => two.has(r[1]));
    const names = ["spindle_speed", "spindle_load", "spindle_temp", "coolant_temp", "vibration"];
    const reading = (r: string[]) => ({
      machine_id: r[1],
      timestamp: r[0],
      ...Object.fromEntries(names.map((n, k) => [n, r[2 + k] === "" ? null : Number(r[2 + k])])),
    });
    const answers: number[] = [];
    const half = Math.floor(rows.length / 2);
    const postRows = async (from: number, to: number) => {
      for (let i = from; i < to; i += 300) {
        const res = await call("POST", "/v1/predict", rows.slice(i, Math.min(to, i + 300)).map(reading));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        answers.push(
          ...res.body.predictions.map((p: { failure_probability: number }) => p.failure_probability),
        );
      }
    };
    await postRows(0, half);
    const fleet = async () => {
      const f = (await call("GET", "/v1/fleet")).body;
      return f.machines.map((m: Record<string, unknown>) => ({ ...m, last_seen: null }));
    };
    const before = await fleet();
    server.child.kill("SIGTERM");
    await server.exited;
    server = await startServerProcess(["serve", "--registry", registry], env);
    assert.deepEqual(await fleet(), before, "the restarted server replays its history to the same board");
    // MILLWRIGHT_LOG_FORMAT=text: log lines for a person, not pino's JSON.
    assert.match(server.output(), /INFO {2}Server listening/);
    assert.doesNotMatch(server.output(), /\{"level":/);
    // A reading posted before the restart is refused: the replayed history knows it.
    assert.equal((await call("POST", "/v1/predict", reading(rows[half - 1]))).status, 409);
    await postRows(half, rows.length);
    for (const [i, r] of rows.entries())
      assert.equal(answers[i], Number(r[col("failure_probability")]), `${r[1]} ${r[0]}`);

    // The other routes, as a user calls them.
    const one = await call("POST", "/v1/predict", {
      ...reading(rows[rows.length - 1]),
      timestamp: new Date(shop.end + 3_600_000).toISOString(),
    });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(Object.keys(one.body.heads).sort(), ["COOLANT_PUMP", "SPINDLE_BEARING"]);
    const machine = await call("GET", "/v1/machines/CNC02");
    assert.equal(machine.status, 200);
    assert.equal(machine.body.attributes.make, "Mazak");
    const stranger = await call("GET", "/v1/machines/CNC99");
    assert.equal(stranger.status, 404);
    assert.match(stranger.body.detail, /'CNC99' is not in the contract's machine table/);
    const quiet = await call("GET", "/v1/machines/CNC05"); // in the table, no reading yet
    assert.match(quiet.body.detail, /no readings for machine 'CNC05' yet/);
    const served = await call("GET", "/v1/plan");
    assert.equal(served.status, 200, JSON.stringify(served.body));
    assert.equal(served.body.model.version, "1.0.0");
    assert.equal((await call("GET", "/v1/monitor")).status, 200);
    const tensor = (name: string, datatype: string, data: unknown[]) => ({
      name,
      datatype,
      shape: [1],
      data,
    });
    const oip = await call("POST", "/v2/models/shop-b-pi/infer", {
      inputs: [
        tensor("machine_id", "BYTES", ["CNC03"]),
        tensor("timestamp", "BYTES", ["2026-05-01T02:00:00Z"]),
        ...names.slice(0, 4).map((n, k) => tensor(n, "FP64", [[9000, 55, 40, 22][k]])),
      ],
    });
    assert.equal(oip.status, 200, JSON.stringify(oip.body));
    assert.ok(oip.body.outputs.some((o: { name: string }) => o.name === "SPINDLE_BEARING_probability"));
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
});

test("the spindle-hours variant: every time a counter, split by machine, planned in shifts by rows_per_hour", async () => {
  const hours = writeShopPi(
    { machines: 8, days: 35, seed: 11, counter: true, asset: true },
    "mw-shop-pi-hours-",
  );
  try {
    const reg = join(hours.dir, "models");
    const check = JSON.parse((await cli(["check", "--contract", hours.contract, "--json"])).stdout);
    assert.equal(check.counter, true);
    assert.equal(check.machines, 8);
    assert.equal(check.problems.length, 1, check.problems.join("\n"));
    assert.match(
      check.problems[0],
      /time is a counter each machine starts at its own count .*train with --split machine/,
    );
    // Each machine's counter starts where it stands: a cut at one count would test only the
    // machines with the highest counters, so whole machines are held out.
    const train = JSON.parse(
      (await cli(["train", "--contract", hours.contract, "--registry", reg, "--split", "machine", "--json"]))
        .stdout,
    );
    assert.match(train.split.describe, /^by machine/);
    assert.ok(
      train.metrics.pr_auc > 3 * (train.metrics.positives / train.metrics.n),
      JSON.stringify(train.metrics),
    );
    const plan = JSON.parse(
      (await cli(["plan", "--technicians", hours.technicians, "--registry", reg, "--json"])).stdout,
    );
    assert.equal(plan.model.contract, "shop-b-pi-hours");
    assert.ok(Array.isArray(plan.tasks));
  } finally {
    rmSync(hours.dir, { recursive: true, force: true });
  }
});
