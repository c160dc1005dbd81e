// Replicas that share one registry folder (a volume several pods or machines mount) take its lock
// from one another: a holder on another host is not judged by pid and boot id, which name another
// kernel's process (every such lock looked dead and was taken over at once: two writers of
// registry.json), but by its age.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { OTHER_HOST_STALE_MS, withLock } from "../../src/registry/lock.js";

const dir = mkdtempSync(join(tmpdir(), "mw-shared-lock-"));
const lock = join(dir, ".registry.lock");
after(() => rmSync(dir, { recursive: true, force: true }));

// A pid that no process here has, and another kernel's boot id: dead by the local rules.
const elsewhere = (at: number) =>
  JSON.stringify({
    pid: 2 ** 22 + 17,
    boot: "boot-of-another-kernel",
    nonce: "other",
    at,
    host: "replica-b-7f9c",
  });

test("a fresh lock held on another host is waited for, not taken over", async () => {
  writeFileSync(lock, elsewhere(Date.now()));
  await assert.rejects(
    withLock(lock, () => 1, 300),
    (e: Error & { code?: string }) => e.code === "MW_REGISTRY",
  );
  assert.equal(JSON.parse(readFileSync(lock, "utf8")).nonce, "other", "still the other host's");
  rmSync(lock);
});

test("a lock held on another host for longer than any registry change is taken over", async () => {
  writeFileSync(lock, elsewhere(Date.now() - OTHER_HOST_STALE_MS - 1000));
  assert.equal(await withLock(lock, () => 7, 1000), 7);
  assert.equal(existsSync(lock), false, "released");
});

test("this host's own lock records its host name", async () => {
  await withLock(lock, () => {
    assert.ok(JSON.parse(readFileSync(lock, "utf8")).host);
  });
});
