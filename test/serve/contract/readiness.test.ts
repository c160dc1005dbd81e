// A contract server's readiness tells the truth (SQLite history log): not ready, with the reason,
// while its log cannot be written (the data directory deleted while serving, the disk full), and
// while it shuts down; ready again by itself once the disk has room. The predictions meanwhile are
// refused with the same code, never acknowledged into a deleted file.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { jsonClient } from "../../helpers/http.js";
import { ROW_MACHINES, rowLabelledShop, rowReading } from "../../helpers/row-labelled.js";

type Server = Awaited<ReturnType<typeof startContractServer>>;
let shop: { dir: string; registryDir: string };

before(() => {
  shop = rowLabelledShop("mw-cready-");
});
after(() => rmSync(shop.dir, { recursive: true, force: true }));

/** The server's log lines (pino's JSON), read from the stream it writes to. */
type LogLine = { level: number; msg: string; code?: string };

const serve = (dataDir: string, env: Record<string, string> = {}, lines?: LogLine[]): Promise<Server> =>
  startContractServer(
    readConfig({
      MILLWRIGHT_REGISTRY: shop.registryDir,
      MILLWRIGHT_DATA_DIR: dataDir,
      MILLWRIGHT_RETRAIN_MODE: "off",
      MILLWRIGHT_MONITOR_INTERVAL_MS: "600000",
      ...env,
    }),
    {
      host: "127.0.0.1",
      port: 0,
      logger: lines ? { stream: { write: (l: string) => lines.push(JSON.parse(l)) } } : false,
    },
  );

/** The lines that say predictions are refused, and those that say they are accepted again. */
const refusals = (lines: LogLine[]) => lines.filter((l) => /PREDICTIONS REFUSED/.test(l.msg));
const recoveries = (lines: LogLine[]) => lines.filter((l) => /writable again/.test(l.msg));

async function degraded(url: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("millwright_store_degraded "));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}

/** Every machine's reading `i` (ids differ by machine), as one batch. */
const batch = (i: number) => ROW_MACHINES.map((_, m) => rowReading(m, i));

async function until(what: string, cond: () => Promise<boolean>, ms = 8000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) assert.fail(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("data directory deleted, no probe since: every request of the next group commit is refused, none acknowledged", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "mw-cready-gone1-"));
  const s = await serve(dataDir);
  const call = jsonClient(() => s.url);
  try {
    assert.equal((await call("POST", "/v1/predict", batch(0))).status, 200);
    rmSync(dataDir, { recursive: true, force: true });
    // Single readings sent together ride one commit (store/file-watch.ts: the fstat after it is
    // the only check that can see the deletion, and it answers for every request in the commit).
    const answers = await Promise.all(
      ROW_MACHINES.map((_, m) => call("POST", "/v1/predict", rowReading(m, 1))),
    );
    assert.deepEqual(
      answers.map((a) => [a.status, a.body.code]),
      ROW_MACHINES.map(() => [503, "MW_DATA_DIR_GONE"]),
    );
    const again = await call("POST", "/v1/predict", batch(2));
    assert.equal(again.body.code, "MW_DATA_DIR_GONE", JSON.stringify(again.body));
  } finally {
    await s.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("data directory deleted while serving: not ready (MW_DATA_DIR_GONE), predictions refused with it, said once", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "mw-cready-gone-"));
  const lines: LogLine[] = [];
  const s = await serve(dataDir, {}, lines);
  const call = jsonClient(() => s.url);
  try {
    assert.deepEqual(await call("GET", "/v2/health/ready"), { status: 200, body: { ready: true } });
    assert.equal((await call("POST", "/v1/predict", batch(0))).status, 200);
    rmSync(dataDir, { recursive: true, force: true });
    // No request in between: the probe itself notices (the open file's link count).
    const r = await call("GET", "/v2/health/ready");
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.ready, false);
    assert.equal(r.body.problem.code, "MW_DATA_DIR_GONE");
    assert.match(r.body.problem.reason, /history log's file was deleted/);
    const p = await call("POST", "/v1/predict", batch(1));
    assert.equal(p.status, 503, JSON.stringify(p.body));
    assert.equal(p.body.code, "MW_DATA_DIR_GONE");
    // Loud, once: an error line naming the cause, and the gauge the alert rules read.
    await until("the refusal logged", async () => refusals(lines).length > 0);
    assert.equal(await degraded(s.url), 1);
    await call("POST", "/v1/predict", batch(2));
    await new Promise((r) => setTimeout(r, 1200));
    assert.deepEqual(
      refusals(lines).map((l) => [l.level, l.code]),
      [[50, "MW_DATA_DIR_GONE"]],
    );
    // The OpenAPI document has the probe's two answers.
    const doc = (await call("GET", "/docs/json")).body;
    const answers = doc.paths["/v2/health/ready"].get.responses;
    assert.ok(answers["200"] && answers["503"], JSON.stringify(answers));
  } finally {
    await s.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("shutting down: not ready (MW_NOT_READY) during the drain delay, the listener still open", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "mw-cready-drain-"));
  const s = await serve(dataDir, { MILLWRIGHT_DRAIN_DELAY_MS: "1500" });
  const call = jsonClient(() => s.url);
  try {
    assert.equal((await call("GET", "/v2/health/ready")).status, 200);
    const closing = s.close();
    const r = await call("GET", "/v2/health/ready");
    assert.deepEqual(r, {
      status: 503,
      body: { ready: false, problem: { code: "MW_NOT_READY", reason: "the server is shutting down" } },
    });
    // Requests in the drain are still answered: readiness moves the traffic, nothing is cut off.
    assert.equal((await call("POST", "/v1/predict", batch(0))).status, 200);
    await closing;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("disk full: not ready (MW_DISK_FULL), ready again by itself once space returns", async (t) => {
  if (process.getuid?.() !== 0) {
    if (process.env.CI === "true") assert.fail("this test needs root to mount a 20 MB tmpfs");
    t.skip("needs root to mount a 20 MB tmpfs");
    return;
  }
  const mnt = mkdtempSync(join(tmpdir(), "mw-cready-full-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=20m", "tmpfs", mnt]);
  const dataDir = join(mnt, "data");
  mkdirSync(dataDir);
  const lines: LogLine[] = [];
  const s = await serve(dataDir, {}, lines);
  const call = jsonClient(() => s.url);
  try {
    assert.equal((await call("POST", "/v1/predict", batch(0))).status, 200);
    assert.equal(await degraded(s.url), 0, "the gauge is there, 0, before any trouble");
    // Fill the file system but for 256 KiB: a few more batches fit, then the log runs out.
    const free = statfsSync(mnt);
    const filler = join(mnt, "filler");
    writeFileSync(filler, Buffer.alloc(Math.max(0, free.bavail * free.bsize - 256 * 1024)));
    let i = 1;
    let refused: Awaited<ReturnType<typeof call>> | null = null;
    for (; i < 5000 && !refused; i++) {
      const r = await call("POST", "/v1/predict", batch(i));
      if (r.status !== 200) refused = r;
    }
    assert.ok(refused, "the disk never filled up");
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "MW_DISK_FULL");
    const r = await call("GET", "/v2/health/ready");
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.problem.code, "MW_DISK_FULL");
    await until("the gauge at 1", async () => (await degraded(s.url)) === 1);
    assert.equal((await call("POST", "/v1/predict", batch(i + 1))).status, 503);
    rmSync(filler);
    await until("ready again after space returned", async () => {
      return (await call("GET", "/v2/health/ready")).status === 200;
    });
    const again = await call("POST", "/v1/predict", batch(i + 1));
    assert.equal(again.status, 200, JSON.stringify(again.body));
    await until("the recovery logged", async () => recoveries(lines).length > 0);
    assert.equal(await degraded(s.url), 0);
    // One episode: one error line naming the cause, one info line when it ended.
    assert.deepEqual(
      refusals(lines).map((l) => [l.level, l.code]),
      [[50, "MW_DISK_FULL"]],
    );
    assert.deepEqual(
      recoveries(lines).map((l) => [l.level, l.code]),
      [[30, "MW_DISK_FULL"]],
    );
  } finally {
    await s.close().catch(() => {});
    execFileSync("umount", [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
});
