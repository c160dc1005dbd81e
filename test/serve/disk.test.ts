// Issue 18, items 4 and 5, against a real server process and its real SQLite file: a full disk
// (the data dir on a 20 MB tmpfs) answers 503 MW_DISK_FULL, turns readiness false, recovers when
// space returns and loses no acknowledged prediction; a data dir deleted while serving is noticed
// at once (503 MW_DATA_DIR_GONE, not ready, logged loudly) instead of acknowledging into the void.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { READING, type TrainedFixture, trainedRegistry } from "../helpers/model.js";
import { startServerProcess } from "../helpers/server-process.js";

const batch = (n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ ...READING, machine_id: `M${i % 10}` })));

async function predict(url: string, n: number) {
  const r = await fetch(`${url}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: batch(n),
  });
  const body = (await r.json()) as { predictions?: { id: string }[]; code?: string };
  return { status: r.status, type: r.headers.get("content-type"), body };
}

async function ready(url: string) {
  const r = await fetch(`${url}/v2/health/ready`);
  return { status: r.status, body: (await r.json()) as { problem?: { code: string } } };
}

async function until(what: string, cond: () => Promise<boolean>, ms = 8000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) assert.fail(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the prediction log's disk", () => {
  let fx: TrainedFixture;
  before(() => {
    fx = trainedRegistry({ machines: 6, days: 8 });
  });
  after(() => fx.cleanup());

  test("disk full: 503 MW_DISK_FULL, not ready, recovers when space returns, no acknowledged prediction lost", async (t) => {
    if (process.getuid?.() !== 0) {
      if (process.env.CI === "true") assert.fail("this test needs root to mount a 20 MB tmpfs");
      t.skip("needs root to mount a 20 MB tmpfs");
      return;
    }
    const mnt = mkdtempSync(join(tmpdir(), "mw-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=20m", "tmpfs", mnt]);
    const dataDir = join(mnt, "data");
    mkdirSync(dataDir);
    const srv = await startServerProcess(["serve", "--registry", fx.registry.dir], {
      MILLWRIGHT_DATA_DIR: dataDir,
      MILLWRIGHT_RETRAIN_MODE: "off",
    });
    try {
      const acked: string[] = [];
      const first = await predict(srv.url, 50);
      assert.equal(first.status, 200);
      for (const p of first.body.predictions ?? []) acked.push(p.id);
      // Fill the file system but for 256 KiB, so a few more batches fit and then the log runs out.
      const s = statfsSync(mnt);
      const filler = join(mnt, "filler");
      writeFileSync(filler, Buffer.alloc(Math.max(0, s.bavail * s.bsize - 256 * 1024)));
      let refused: Awaited<ReturnType<typeof predict>> | null = null;
      for (let i = 0; i < 200 && !refused; i++) {
        const r = await predict(srv.url, 200);
        if (r.status === 200) for (const p of r.body.predictions ?? []) acked.push(p.id);
        else refused = r;
      }
      assert.ok(refused, "the disk never filled up");
      assert.equal(refused.status, 503);
      assert.equal(refused.body.code, "MW_DISK_FULL");
      assert.match(refused.type ?? "", /application\/problem\+json/);
      const r1 = await ready(srv.url);
      assert.equal(r1.status, 503);
      assert.equal(r1.body.problem?.code, "MW_DISK_FULL");
      rmSync(filler);
      await until("ready again after space returned", async () => (await ready(srv.url)).status === 200);
      const again = await predict(srv.url, 50);
      assert.equal(again.status, 200);
      for (const p of again.body.predictions ?? []) acked.push(p.id);
      srv.child.kill("SIGTERM");
      assert.equal(await srv.exited, 0, srv.output());
      const db = new Database(join(dataDir, "predictions.db"), { readonly: true });
      const have = new Set(
        (db.prepare("SELECT id FROM predictions").all() as { id: string }[]).map((r) => r.id),
      );
      db.close();
      const lost = acked.filter((id) => !have.has(id));
      assert.equal(lost.length, 0, `${lost.length} of ${acked.length} acknowledged predictions lost`);
      assert.match(srv.output(), /PREDICTIONS REFUSED: the prediction log's disk is full/);
    } finally {
      srv.child.kill("SIGKILL");
      await srv.exited;
      execFileSync("umount", [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  test("data dir deleted while serving: 503 MW_DATA_DIR_GONE, not ready, said loudly", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mw-gone-"));
    const srv = await startServerProcess(["serve", "--registry", fx.registry.dir], {
      MILLWRIGHT_DATA_DIR: dataDir,
      MILLWRIGHT_RETRAIN_MODE: "off",
    });
    try {
      assert.equal((await predict(srv.url, 10)).status, 200);
      rmSync(dataDir, { recursive: true, force: true });
      const r = await predict(srv.url, 10);
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.equal(r.body.code, "MW_DATA_DIR_GONE");
      const single = await fetch(`${srv.url}/v1/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(READING),
      });
      assert.equal(single.status, 503);
      const rd = await ready(srv.url);
      assert.equal(rd.status, 503);
      assert.equal(rd.body.problem?.code, "MW_DATA_DIR_GONE");
      await until("a loud log line", async () =>
        /PREDICTIONS REFUSED: the prediction log's file was deleted/.test(srv.output()),
      );
    } finally {
      srv.child.kill("SIGKILL");
      await srv.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
