// The tokens `millwright up` keeps in the data dir (src/cli/tokens.ts): generated once, kept 0600,
// the environment's win, and a broken file is a usage error that names it, not a stack trace.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ensureTokens } from "../../src/cli/tokens.js";
import type { Config } from "../../src/core/config.js";
import { MillwrightError } from "../../src/core/errors.js";

function cfg(dataDir: string, admin?: string): Config {
  return { dataDir, tokens: { admin, feedback: undefined, hook: undefined } } as unknown as Config;
}

test("tokens are generated once into tokens.json (0600) and read back; the environment's token wins", () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-tokens-"));
  const a = cfg(dir);
  const file = ensureTokens(a);
  assert.equal(file, join(dir, "tokens.json"));
  assert.equal(statSync(file!).mode & 0o777, 0o600);
  const saved = JSON.parse(readFileSync(file!, "utf8"));
  assert.equal(a.tokens.admin, saved.admin);
  assert.ok((a.tokens.admin ?? "").length >= 32);
  const b = cfg(dir, "from-env");
  ensureTokens(b);
  assert.equal(b.tokens.admin, "from-env");
  assert.equal(b.tokens.feedback, saved.feedback, "the rest come from the file, unchanged");
});

test("a tokens.json that is not JSON is MW_CONFIG naming the file and what to do", () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-tokens-"));
  writeFileSync(join(dir, "tokens.json"), "{ admin: ");
  assert.throws(
    () => ensureTokens(cfg(dir)),
    (e: unknown) =>
      e instanceof MillwrightError &&
      e.code === "MW_CONFIG" &&
      e.message.includes(join(dir, "tokens.json")) &&
      /delete it/.test(e.message),
  );
});
