// Runs the real command-line tools the deploy tests rely on (kubectl, promtool, amtool) and finds the
// repository root whether a test runs from test/ (tsx) or from dist/test/ (compiled).
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` to completion (no shell); a tool that cannot start reports code 127. */
export function run(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; input?: string; timeoutMs?: number } = {},
): RunResult {
  const res = spawnSync(cmd, args, {
    cwd: options.cwd,
    input: options.input,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) return { code: 127, stdout: "", stderr: String(res.error) };
  return { code: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

/** The absolute path of `cmd` on PATH, or undefined. */
export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** How each tool the deploy tests need gets onto a machine (said in the skip or failure message). */
export const INSTALL = {
  kubectl:
    "kubectl ≥ 1.27 (kustomize v5) comes with the machine image; Debian's kubernetes-client 1.20 is too old",
  promtool: "apt-get install -y prometheus",
  amtool: "apt-get install -y prometheus-alertmanager",
} as const;

/**
 * True when `cmd` is installed. Otherwise the test is skipped with the reason, except under CI=true, where
 * nothing may skip: there the missing tool fails the test.
 */
export function requireTool(t: TestContext, cmd: string, install: string): boolean {
  if (which(cmd)) return true;
  const reason = `${cmd} is not installed (${install})`;
  if (process.env.CI === "true") throw new Error(`${reason}; CI must install it`);
  t.skip(reason);
  return false;
}

/** The repository root: the nearest directory above this file holding package.json and deploy/. */
export function repoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "deploy"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no repository root (package.json + deploy/) above ${start}`);
    dir = up;
  }
}
