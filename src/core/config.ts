// The server's configuration, as a type: read and validated from the environment at the edge
// (cli/config.ts readConfig), then passed inward. It lives here so serve/ can take it without
// importing from cli/ (imports flow inward; test/core/layers.test.ts checks it).
import { join } from "node:path";

export interface Config {
  registryDir: string;
  dataDir: string;
  databaseUrl: string | undefined;
  tokens: { admin?: string; feedback?: string; hook?: string };
  maxBatch: number;
  /** Readings explained (TreeSHAP, on the event loop) per second for all clients together. */
  explainPerSecond: number;
  monitorIntervalMs: number;
  /** Wait this long after SIGTERM with readiness false before closing (lets load balancers notice). */
  drainDelayMs: number;
  modelRefreshMs: number;
  /** Cluster mode, data-contract server: how often a replica takes in the others' history log entries. */
  historyFollowMs: number;
  /** SQLite: commit on a worker thread (lower event-loop lag and tail latency; not faster here). */
  sqliteWriterThread: boolean;
  rateLimit: { perMinute: number; authPerMinute: number };
  /** Server timeouts (ms): a whole request, and its headers (see core/limits.ts). */
  timeouts: { requestMs: number; headersMs: number; checkIntervalMs?: number };
  retrain: {
    mode: "local" | "github" | "off";
    cooldownMs: number;
    metric: "pr_auc" | "f1" | "recall" | "roc_auc";
    margin: number;
    minimum: number;
    /** The most PR-AUC a failure kind's head may lose on the slice (evaluate/kind-guard.ts; 1: not checked). */
    kindTolerance: number;
    githubRepo?: string;
    githubToken?: string;
    /** GitHub's REST API (GitHub Enterprise: https://HOST/api/v3); none: api.github.com. */
    githubApiUrl?: string;
    /** A shadow period before a promotion (0 and 0: none, promote at once): labelled requests, hours. */
    shadowMinLabels: number;
    shadowMinHours: number;
    /** How often the server looks at the shadow evidence (ms). */
    shadowCheckMs: number;
  };
  quality: {
    windowCount: number;
    windowMs: number;
    minLabels: number;
    minPositives: number;
    /**
     * A data-contract server's count window, in readings (MILLWRIGHT_QUALITY_WINDOW too): 5,000 when
     * unset, not the AI4I app's 500 labels, since a contract reading is labelled only once its
     * horizon has passed and 500 readings of a fleet are often all younger than that.
     */
    contractWindow: number;
  };
  /**
   * The plan's technicians YAML file (unset: the fleet's shipped example, or none), and the margin a
   * task must promise over its cost (unset: the planner's default, plan/contract-options.ts).
   */
  planning: { techniciansFile?: string; costsFile?: string; minReturn?: number };
}

export function sqlitePath(cfg: Config): string {
  return join(cfg.dataDir, "predictions.db");
}
