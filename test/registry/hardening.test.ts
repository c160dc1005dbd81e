// Issue 18, items 3 and 6: promotion checks the model before moving an alias, and the registry lock
// waits without blocking the event loop and takes over at once from a holder that is dead.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { bootId, withLock } from "../../src/registry/lock.js";
import { trainAndRegister } from "../../src/registry/training.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

/** The largest gap between 5 ms ticks while `p` runs: how long the event loop was blocked. */
async function maxLoopGap<T>(p: Promise<T>): Promise<{ value: T; gap: number }> {
  let last = performance.now();
  let gap = 0;
  const t = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 5);
  try {
    return { value: await p, gap };
  } finally {
    clearInterval(t);
  }
}

/** A pid that existed and has exited: a crashed holder. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

describe("registry hardening", () => {
  let fx: TrainedFixture;
  let lock: string;
  let index: string;
  before(() => {
    fx = trainedRegistry({ machines: 6, days: 8 });
    trainAndRegister(
      fx.registry,
      { rows: fx.rows, data: { file: fx.dataFile, sha256: "test" } },
      { seed: 2, params: { nEstimators: 20 } },
    );
    lock = join(fx.registry.dir, ".registry.lock");
    index = join(fx.registry.dir, "registry.json");
  });
  after(() => fx.cleanup());

  // The API half (POST /v1/models/{v}/promote answers MW_MODEL_CORRUPT) is in
  // test/serve/contract/retrain.test.ts.
  test("promote of a truncated model.json is refused and registry.json is unchanged", async () => {
    const file = join(fx.registry.versionDir("1.1.0"), "model.json");
    const good = readFileSync(file);
    truncateSync(file, 1000);
    try {
      const before = readFileSync(index, "utf8");
      await assert.rejects(fx.registry.setAlias("challenger", "1.1.0"), { code: "MW_MODEL_CORRUPT" });
      assert.equal(readFileSync(index, "utf8"), before, "registry.json untouched");
      assert.equal(fx.registry.resolve("champion"), "1.0.0");
    } finally {
      writeFileSync(file, good);
    }
  });

  test("a lock left by a dead process is taken over at once, not after a timeout", async () => {
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), boot: bootId(), nonce: "dead", at: Date.now() }));
    const t0 = performance.now();
    await fx.registry.setAlias("challenger", "1.1.0");
    assert.ok(performance.now() - t0 < 1000, `took ${performance.now() - t0} ms`);
    assert.equal(fx.registry.resolve("challenger"), "1.1.0");
    assert.equal(existsSync(lock), false, "released");
  });

  test("a lock from an earlier boot is stale even if its pid is alive now", async () => {
    writeFileSync(lock, JSON.stringify({ pid: process.pid, boot: "another-boot", nonce: "old", at: 0 }));
    const t0 = performance.now();
    await fx.registry.setAlias("challenger", null);
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(fx.registry.readIndex().aliases.challenger, null);
  });

  test("a live holder: the wait is asynchronous (event loop free) and ends when it releases", async () => {
    // pid 1 is alive on this boot: a live holder that will not release by itself.
    writeFileSync(lock, JSON.stringify({ pid: 1, boot: bootId(), nonce: "live", at: Date.now() }));
    const release = setTimeout(() => rmSync(lock, { force: true }), 600);
    const t0 = performance.now();
    const { gap } = await maxLoopGap(fx.registry.setAlias("challenger", "1.1.0"));
    clearTimeout(release);
    const waited = performance.now() - t0;
    assert.ok(waited >= 500, `waited for the holder (${waited} ms)`);
    assert.ok(gap < 100, `event loop blocked ${gap.toFixed(0)} ms while waiting`);
    assert.equal(fx.registry.resolve("challenger"), "1.1.0");
  });

  test("a live holder that never releases: MW_REGISTRY naming the pid, after the timeout", async () => {
    writeFileSync(lock, JSON.stringify({ pid: 1, boot: bootId(), nonce: "live2", at: Date.now() }));
    try {
      await assert.rejects(
        withLock(lock, () => 1, 200),
        (e: Error & { code?: string }) => {
          return e.code === "MW_REGISTRY" && /process 1 \(alive\)/.test(e.message);
        },
      );
    } finally {
      rmSync(lock, { force: true });
    }
  });
});
