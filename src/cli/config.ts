// Configuration from the environment, read and validated once at the edge, then passed inward.
// Secrets (tokens, database URL) come from the environment or from files (NAME_FILE), never from
// the command line, where `ps` and shell history would show them.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MillwrightError } from "../core/errors.js";

export interface Config {
  registryDir: string;
  dataDir: string;
  databaseUrl: string | undefined;
  tokens: { admin?: string; feedback?: string; hook?: string };
  maxBatch: number;
  /** Worker threads for large /v1/predict batches (0: all on the main thread). */
  batchWorkers: number;
  monitorIntervalMs: number;
  /** Wait this long after SIGTERM with readiness false before closing (lets load balancers notice). */
  drainDelayMs: number;
  modelRefreshMs: number;
  /** How often a follower retries the leader lock (and the leader checks it still holds it). */
  leaderIntervalMs: number;
  spoolMaxRecords: number;
  /** SQLite: commit on a worker thread (lower event-loop lag and tail latency; not faster here). */
  sqliteWriterThread: boolean;
  rateLimit: { perMinute: number; authPerMinute: number };
  /** Server timeouts (ms): a whole request, and its headers (see serve/limits.ts). */
  timeouts: { requestMs: number; headersMs: number };
  retrain: {
    mode: "local" | "github" | "off";
    cooldownMs: number;
    metric: "pr_auc" | "f1" | "recall" | "roc_auc";
    margin: number;
    minimum: number;
    githubRepo?: string;
    githubToken?: string;
    /** A shadow period before a promotion (0 and 0: none, promote at once): labelled requests, hours. */
    shadowMinLabels: number;
    shadowMinHours: number;
    /** How often the server looks at the shadow evidence (ms). */
    shadowCheckMs: number;
  };
  quality: { windowCount: number; windowMs: number; minLabels: number; minPositives: number };
  /** The plan's technicians and (AI4I) costs YAML files; unset: the shipped examples. */
  planning: { techniciansFile?: string; costsFile?: string };
}

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

function num(env: NodeJS.ProcessEnv, name: string, dflt: number, min = 0): number {
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
  return {
    registryDir: resolve(env.MILLWRIGHT_REGISTRY ?? "./models"),
    dataDir,
    databaseUrl: secret(env, "DATABASE_URL"),
    tokens: {
      admin: secret(env, "MILLWRIGHT_ADMIN_TOKEN"),
      feedback: secret(env, "MILLWRIGHT_FEEDBACK_TOKEN"),
      hook: secret(env, "MILLWRIGHT_HOOK_TOKEN"),
    },
    maxBatch: num(env, "MILLWRIGHT_MAX_BATCH", 10_000, 1),
    batchWorkers: Math.floor(num(env, "MILLWRIGHT_BATCH_WORKERS", 0, 0)),
    monitorIntervalMs: num(env, "MILLWRIGHT_MONITOR_INTERVAL_MS", 60_000, 100),
    drainDelayMs: num(env, "MILLWRIGHT_DRAIN_DELAY_MS", 0),
    modelRefreshMs: num(env, "MILLWRIGHT_MODEL_REFRESH_MS", 5_000, 100),
    leaderIntervalMs: num(env, "MILLWRIGHT_LEADER_INTERVAL_MS", 2_000, 100),
    spoolMaxRecords: num(env, "MILLWRIGHT_SPOOL_MAX_RECORDS", 100_000, 1),
    sqliteWriterThread: env.MILLWRIGHT_SQLITE_WRITER_THREAD !== "0",
    rateLimit: {
      perMinute: num(env, "MILLWRIGHT_RATE_LIMIT_PER_MIN", 0),
      authPerMinute: num(env, "MILLWRIGHT_AUTH_RATE_LIMIT_PER_MIN", 30),
    },
    timeouts: {
      requestMs: num(env, "MILLWRIGHT_REQUEST_TIMEOUT_MS", 60_000, 1000),
      headersMs: num(env, "MILLWRIGHT_HEADERS_TIMEOUT_MS", 15_000, 1000),
    },
    retrain: {
      mode,
      cooldownMs: num(env, "MILLWRIGHT_RETRAIN_COOLDOWN_MS", 30 * 60_000),
      metric,
      margin: num(env, "MILLWRIGHT_GATE_MARGIN", 0.0),
      minimum: num(env, "MILLWRIGHT_GATE_MINIMUM", 0.5),
      githubRepo,
      githubToken: secret(env, "GITHUB_TOKEN"),
      shadowMinLabels: num(env, "MILLWRIGHT_SHADOW_MIN_LABELS", 0),
      shadowMinHours: num(env, "MILLWRIGHT_SHADOW_MIN_HOURS", 0),
      shadowCheckMs: num(env, "MILLWRIGHT_SHADOW_CHECK_MS", 30_000, 100),
    },
    quality: {
      windowCount: num(env, "MILLWRIGHT_QUALITY_WINDOW", 500, 10),
      windowMs: num(env, "MILLWRIGHT_QUALITY_WINDOW_MS", 24 * 3600_000, 1000),
      minLabels: num(env, "MILLWRIGHT_QUALITY_MIN_LABELS", 50, 1),
      minPositives: num(env, "MILLWRIGHT_QUALITY_MIN_POSITIVES", 3, 1),
    },
    planning: {
      techniciansFile: env.MILLWRIGHT_TECHNICIANS ? resolve(env.MILLWRIGHT_TECHNICIANS) : undefined,
      costsFile: env.MILLWRIGHT_COSTS ? resolve(env.MILLWRIGHT_COSTS) : undefined,
    },
  };
}

export function sqlitePath(cfg: Config): string {
  return join(cfg.dataDir, "predictions.db");
}
