// Refreshes the README's pictures (docs/screenshots/*.png) on purpose: runs the dashboard browser
// tests on the contract server serving the AI4I contract (what `npm start` serves; trained and fed
// here from the simulator, so no network is needed) with MILLWRIGHT_SCREENSHOTS_DIR pointed at that
// folder. `npm test` writes their screenshots to a temporary folder instead, so a test run never
// leaves the tracked pictures modified.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = join(root, "docs", "screenshots");
const tests = ["ai4i-contract-fleet-plan", "ai4i-contract-monitor-models"].map((t) =>
  join(root, "dist", "test", "web", `${t}.test.js`),
);
mkdirSync(dir, { recursive: true });
const res = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...tests], {
  stdio: "inherit",
  env: { ...process.env, MILLWRIGHT_SCREENSHOTS_DIR: dir },
});
if (res.status === 0) process.stderr.write(`screenshots written to ${dir}\n`);
process.exit(res.status ?? 1);
