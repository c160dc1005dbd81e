// Configuration from the environment, read and validated once at the edge, then passed inward.
// Secrets (tokens, database URL) come from the environment or from files (NAME_FILE), never from
// the command line, where `ps` and shell history would show them.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Config } from "../core/config.js";
import { MillwrightError } from "../core/errors.js";
import { CONTRACT_QUALITY_WINDOW, DEFAULT_EXPLAIN_PER_SECOND, DEFAULT_MAX_EXPLAIN } from "../core/limits.js";
import { KIND_TOLERANCE } from "../evaluate/kind-guard.js";

export { type Config, sqlitePath } from "../core/config.js";

function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      const v = readFileSync(file, "utf8").trim();
      if (v.length === 0) throw new MillwrightError("MW_CONFIG", `${name}_FILE: ${file} is empty`);
      return v;
    } catch (e) {
      if (e instanceof MillwrightError) throw e;
      throw new MillwrightError(
        "MW_CONFIG",
        `${name}_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`,
      );
    }
  }
  const v = env[name];
  return v && v.length > 0 ? v : undefined;
}

function envNumber(env: NodeJS.ProcessEnv, name: string, dflt: number, min = 0): number {
  const v = env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min)
    throw new MillwrightError("MW_CONFIG", `${name}: '${v}' must be a number ≥ ${min}`);
  return n;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.MILLWRIGHT_DATA_DIR ?? "./data");
  const mode = (env.MILLWRIGHT_RETRAIN_MODE ?? "local") as Config["retrain"]["mode"];
  if (!["local", "github", "off"].includes(mode))
    throw new MillwrightError("MW_CONFIG", `MILLWRIGHT_RETRAIN_MODE: '${mode}' must be local, github or off`);
  const metric = (env.MILLWRIGHT_GATE_METRIC ?? "pr_auc") as Config["retrain"]["metric"];
  if (!["pr_auc", "f1", "recall", "roc_auc"].includes(metric))
    throw new MillwrightError(
      "MW_CONFIG",
      `MILLWRIGHT_GATE_METRIC: '${metric}' must be pr_auc, f1, recall or roc_auc`,
    );
  const githubRepo = env.MILLWRIGHT_GITHUB_REPO;
  if (mode === "github" && !githubRepo)
    throw new MillwrightError(
      "MW_CONFIG",
      "MILLWRIGHT_GITHUB_REPO (owner/name) is required when MILLWRIGHT_RETRAIN_MODE=github",
    );
  const githubApiUrl = env.MILLWRIGHT_GITHUB_API_URL || undefined;
  if (githubApiUrl && !/^https?:\/\/[^\s/]+/.test(githubApiUrl))
    throw new MillwrightError(
      "MW_CONFIG",
      `MILLWRIGHT_GITHUB_API_URL: '${githubApiUrl}' must be an http(s) URL (GitHub Enterprise: https://HOST/api/v3)`,
    );
  return {
    registryDir: resolve(env.MILLWRIGHT_REGISTRY ?? "./models"),
    dataDir,
    databaseUrl: secret(env, "DATABASE_URL"),
    tokens: {
      admin: secret(env, "MILLWRIGHT_ADMIN_TOKEN"),
      feedback: secret(env, "MILLWRIGHT_FEEDBACK_TOKEN"),
      hook: secret(env, "MILLWRIGHT_HOOK_TOKEN"),
    },
    maxBatch: envNumber(env, "MILLWRIGHT_MAX_BATCH", 10_000, 1),
    // At least one request's most, else a request of DEFAULT_MAX_EXPLAIN could never be explained.
    explainPerSecond: envNumber(
      env,
      "MILLWRIGHT_EXPLAIN_PER_SECOND",
      DEFAULT_EXPLAIN_PER_SECOND,
      DEFAULT_MAX_EXPLAIN,
    ),
    monitorIntervalMs: envNumber(env, "MILLWRIGHT_MONITOR_INTERVAL_MS", 60_000, 100),
    drainDelayMs: envNumber(env, "MILLWRIGHT_DRAIN_DELAY_MS", 0),
    modelRefreshMs: envNumber(env, "MILLWRIGHT_MODEL_REFRESH_MS", 5_000, 100),
    historyFollowMs: envNumber(env, "MILLWRIGHT_HISTORY_FOLLOW_MS", 1_000, 100),
    sqliteWriterThread: env.MILLWRIGHT_SQLITE_WRITER_THREAD !== "0",
    rateLimit: {
      perMinute: envNumber(env, "MILLWRIGHT_RATE_LIMIT_PER_MIN", 0),
      authPerMinute: envNumber(env, "MILLWRIGHT_AUTH_RATE_LIMIT_PER_MIN", 30),
    },
    timeouts: {
      requestMs: envNumber(env, "MILLWRIGHT_REQUEST_TIMEOUT_MS", 60_000, 1000),
      headersMs: envNumber(env, "MILLWRIGHT_HEADERS_TIMEOUT_MS", 15_000, 1000),
    },
    retrain: {
      mode,
      cooldownMs: envNumber(env, "MILLWRIGHT_RETRAIN_COOLDOWN_MS", 30 * 60_000),
      metric,
      margin: envNumber(env, "MILLWRIGHT_GATE_MARGIN", 0.0),
      minimum: envNumber(env, "MILLWRIGHT_GATE_MINIMUM", 0.5),
      kindTolerance: envNumber(env, "MILLWRIGHT_GATE_KIND_TOLERANCE", KIND_TOLERANCE, 0),
      githubRepo,
      githubToken: secret(env, "GITHUB_TOKEN"),
      githubApiUrl,
      shadowMinLabels: envNumber(env, "MILLWRIGHT_SHADOW_MIN_LABELS", 0),
      shadowMinHours: envNumber(env, "MILLWRIGHT_SHADOW_MIN_HOURS", 0),
      shadowCheckMs: envNumber(env, "MILLWRIGHT_SHADOW_CHECK_MS", 30_000, 100),
    },
    quality: {
      windowCount: envNumber(env, "MILLWRIGHT_QUALITY_WINDOW", 500, 10),
      windowMs: envNumber(env, "MILLWRIGHT_QUALITY_WINDOW_MS", 24 * 3600_000, 1000),
      minLabels: envNumber(env, "MILLWRIGHT_QUALITY_MIN_LABELS", 50, 1),
      minPositives: envNumber(env, "MILLWRIGHT_QUALITY_MIN_POSITIVES", 3, 1),
      contractWindow: envNumber(env, "MILLWRIGHT_QUALITY_WINDOW", CONTRACT_QUALITY_WINDOW, 10),
    },
    planning: {
      techniciansFile: env.MILLWRIGHT_TECHNICIANS ? resolve(env.MILLWRIGHT_TECHNICIANS) : undefined,
      costsFile: env.MILLWRIGHT_COSTS ? resolve(env.MILLWRIGHT_COSTS) : undefined,
      minReturn: env.MILLWRIGHT_PLAN_MIN_RETURN ? envNumber(env, "MILLWRIGHT_PLAN_MIN_RETURN", 0) : undefined,
    },
  };
}
