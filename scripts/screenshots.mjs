// Refreshes the README's pictures (docs/screenshots/*.png) on purpose: runs the dashboard browser
// test with MILLWRIGHT_SCREENSHOTS_DIR pointed at that folder. `npm test` writes its screenshots to
// a temporary folder instead, so a test run never leaves the tracked pictures modified.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = join(root, "docs", "screenshots");
mkdirSync(dir, { recursive: true });
const res = spawnSync(
  process.execPath,
  ["--test", "--test-reporter=spec", join(root, "dist", "test", "web", "dashboard.test.js")],
  { stdio: "inherit", env: { ...process.env, MILLWRIGHT_SCREENSHOTS_DIR: dir } },
);
if (res.status === 0) process.stderr.write(`screenshots written to ${dir}\n`);
process.exit(res.status ?? 1);
