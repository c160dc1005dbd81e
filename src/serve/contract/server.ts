// Starts a data-contract model's server: its history log (SQLite in the data directory, one file
// per contract, so the history outlives a model version; or, with DATABASE_URL, the contract's log
// in PostgreSQL shared by every replica: cluster mode), the service rebuilt from that log, the app,
// and its retraining loop (with the sweep of what a killed run left behind).
import { ExplainBudget } from "../explain-budget.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../core/config.js";
import { ModelRegistry } from "../../registry/registry.js";
import { PostgresHistoryLog } from "../../store/history/postgres.js";
import { historyLogFile } from "../../store/history/reader.js";
import { SqliteHistoryLog } from "../../store/history/sqlite.js";
import type { HistoryLog, LogEntry, ReadingGroup } from "../../store/history/types.js";
import { Registry as PromRegistry } from "prom-client";
import type { SimulationView } from "../routes/sim.js";
import { chooseLogFormat, textLogStream } from "../log-format.js";
import { defaultWebDir, listenError } from "../listen.js";
import { buildContractApp } from "./app.js";
import { FleetBoard } from "../../monitor/live/board.js";
import { MAX_AHEAD_MS } from "../../core/limits.js";
import { type ContractAudit, openContractAudit } from "./audit-open.js";
import { contractMetrics } from "../../metrics/contract.js";
import { ContractModels } from "./routes-models.js";
import { ContractMonitor } from "../../monitor/live/monitor.js";
import { MonitorHistory } from "../../monitor/live/monitor-history.js";
import { ContractService } from "./contract-service.js";
import { ContractShadow } from "./shadow.js";
import { WriteAlarm } from "./write-alarm.js";
import { followEvery } from "./lockstep.js";
import { removeStaleRunDirs } from "../../retrain/run-dirs.js";
import type { TriggerOutcome } from "../../retrain/alerts.js";
import { type ContractTrainer, gateOf } from "../../retrain/contract-retrain.js";
import { ContractRetrainer } from "../../retrain/contract-service.js";
import { trainInWorker } from "../../retrain/contract-train-worker.js";
import { githubDispatcher } from "../../retrain/github.js";
import { ShadowGate, wantsShadow } from "../../retrain/shadow-gate.js";
import { shadowMetrics } from "../shadow/metrics.js";

export async function startContractServer(
  cfg: Config,
  opts: {
    host: string;
    port: number;
    modelRef?: string;
    logger?: boolean | object;
    /** Trains a challenger (tests pass a wrapper to watch it); default in a worker thread. */
    train?: ContractTrainer;
    /** The technicians YAML the plan uses; default MILLWRIGHT_TECHNICIANS. */
    technicians?: string;
    /** The live simulation that will feed it (up --simulate): mounts the sim routes. */
    simulation?: () => SimulationView | null;
  },
) {
  mkdirSync(cfg.dataDir, { recursive: true });
  const registry = new ModelRegistry(cfg.registryDir);
  const version = registry.resolve(opts.modelRef ?? "champion");
  const model = registry.historyModel(version);
  // A row-labelled contract's labels come by prediction id: its log finds readings by id.
  const labelled = !model.contract.failures;
  const log: HistoryLog = cfg.databaseUrl
    ? new PostgresHistoryLog({ url: cfg.databaseUrl, contract: model.contract.name, labelled })
    : new SqliteHistoryLog(historyLogFile(cfg.dataDir, model.contract.name), {
        writerThread: cfg.sqliteWriterThread,
        labelled,
      });
  const metricsRegistry = new PromRegistry();
  const monitor = new ContractMonitor(
    model,
    registry.versionDir(version),
    metricsRegistry,
    cfg.quality.contractWindow,
  );
  const board = new FleetBoard(model);
  // Built before the service opens, so the replay tells it of every failure (the shadow's labels).
  const late: { shadow?: ContractShadow } = {};
  const shadowSeen = {
    group: (g: ReadingGroup) => late.shadow?.group(g),
    event: (tb: string, m: string, t: number) => late.shadow?.event(tb, m, t),
    reset: () => late.shadow?.reset(),
  };
  // What failed to open fails the start, once the log is closed (its writer thread would keep the process alive).
  const closeLog = async (e: unknown): Promise<never> => {
    await log.close().catch(() => {});
    throw e;
  };
  const service = await ContractService.open(model, registry.versionDir(version), log, [
    monitor,
    board,
    shadowSeen,
  ]).catch(closeLog);
  board.follow(() => service.model);
  // A reading a controller stamped far ahead would block its machine (core/limits.ts MAX_AHEAD_MS).
  service.maxAheadMs = MAX_AHEAD_MS;
  service.explainBudget = new ExplainBudget(cfg.explainPerSecond);
  const metrics = contractMetrics(metricsRegistry);
  const models = new ContractModels(registry, service, opts.modelRef ?? "champion");
  const shadow = new ContractShadow({
    registry,
    service,
    log,
    metrics: shadowMetrics(metricsRegistry),
    warn: (msg) => app.log.warn(msg),
  });
  late.shadow = shadow;
  // The audit lives beside the history log, one per contract: a file for one server; in cluster
  // mode the shared PostgreSQL, so an alert sent to every replica starts one retraining.
  // Not null: only a reader (`existing`) is answered null.
  const audit = (await openContractAudit(cfg, model.contract.name).catch(closeLog)) as ContractAudit;
  const history = new MonitorHistory(monitor, audit);
  // The retraining loop. As the AI4I loop counted: a repeat while one runs is a deduplicated trigger.
  const counters = {
    trigger: (o: TriggerOutcome) =>
      metrics.retrainTriggers.inc({ outcome: o === "busy" ? "deduplicated" : o }),
    decision: (verdict: string) => metrics.retrainDecisions.inc({ verdict }),
    running: (on: boolean) => metrics.retrainRunning.set(on ? 1 : 0),
  };
  const promote = (v: string) => models.serve(v, true);
  // A shadow period when MILLWRIGHT_SHADOW_MIN_* ask for one (judged now and then, below).
  const need = { minLabels: cfg.retrain.shadowMinLabels, minHours: cfg.retrain.shadowMinHours };
  const shadowGate = wantsShadow(need)
    ? new ShadowGate({ need, period: shadow, promote, audit, counters, log: (msg) => app.log.info(msg) })
    : null;
  const retrainer = new ContractRetrainer({
    audit,
    registry,
    served: () => models.served,
    entries: async () => (await log.entriesAfter(0)) as LogEntry[],
    train: opts.train ?? trainInWorker,
    promote,
    // github: an alert dispatches .github/workflows/retrain.yml, which trains in GitHub Actions once
    // approved (`millwright retrain run` on a copy of the image's registry and this server's log).
    mode: cfg.retrain.mode,
    dispatch: githubDispatcher(cfg.retrain, model.contract.name),
    cooldownMs: cfg.retrain.cooldownMs,
    gate: gateOf(cfg.retrain),
    workDir: retrainWorkDir(cfg),
    counters,
    shadowGate: shadowGate ?? undefined,
    log: (msg, level = "info") => app.log[level](msg),
  });
  const state = { accepting: true };
  // Cluster mode: no uploads (each replica's data directory is its own; plan/keeper.ts says why).
  const uploaded = (what: string) =>
    cfg.databaseUrl ? undefined : join(cfg.dataDir, `${what}-${model.contract.name}.yaml`);
  const app = await buildContractApp({
    service,
    state,
    monitor,
    monitorHistory: history,
    metricsRegistry,
    board,
    webDir: defaultWebDir(),
    metrics,
    models,
    retrain: { audit, retrainer },
    // Done and skipped tasks beside the audit: a restart, or another replica, knows them too.
    planOutcomes: audit,
    shadow,
    authPerMinute: cfg.rateLimit.authPerMinute,
    registryDir: registry.dir,
    timeouts: cfg.timeouts,
    simulation: opts.simulation,
    tokens: cfg.tokens,
    maxBatch: cfg.maxBatch,
    technicians: opts.technicians ?? cfg.planning.techniciansFile,
    planMinReturn: cfg.planning.minReturn,
    uploadedTechnicians: uploaded("technicians"),
    costs: cfg.planning.costsFile,
    uploadedCosts: uploaded("costs"),
    logger:
      opts.logger === false
        ? false
        : {
            level: process.env.LOG_LEVEL ?? "info",
            redact: ["req.headers.authorization"],
            // MILLWRIGHT_LOG_FORMAT, as on the AI4I server (this one wrote JSON on a terminal too).
            ...(chooseLogFormat(process.env, process.stdout.isTTY === true) === "text"
              ? { stream: textLogStream() }
              : {}),
            // A caller's own options win (tests pass a stream to read the lines).
            ...(typeof opts.logger === "object" ? opts.logger : {}),
          },
  });
  await sweepRetrainWork(cfg, audit, (msg) => app.log.info(msg)).catch((e) =>
    app.log.warn(`retraining: the sweep of abandoned runs failed: ${(e as Error).message}`),
  );
  const unplaced = service.unplacedVersions();
  if (unplaced.length > 0)
    app.log.warn(
      `history log: readings logged by version(s) ${unplaced.join(", ")} are not in the registry and have another number of readings than ${model.version}'s contract: their values are replayed as missing`,
    );
  const url = await app.listen({ host: opts.host, port: opts.port }).catch(async (e) => {
    // Close what was opened, then say which port and what to do, as the AI4I server did, instead
    // of a stack trace.
    await app.close().catch(() => {});
    shadow.stop();
    await Promise.resolve(audit.close()).catch(() => {});
    return closeLog(listenError(e, opts.host, opts.port));
  });
  // Predictions refused because the log cannot be written: said once per episode, and a gauge.
  const alarm = new WriteAlarm(() => service.writeProblem(), metrics.storeDegraded, app.log);
  alarm.look();
  const timers = [alarm.every(1000)];
  // Each unref'd (as alarm.every's and followEvery's): none keeps the process alive.
  const every = (ms: number, fn: () => void) => timers.push(setInterval(fn, ms).unref());
  // The shadow period's evidence, looked at now and then (a comparison is not per request).
  if (shadowGate)
    every(cfg.retrain.shadowCheckMs, () => {
      shadowGate.judge().catch((e) => app.log.warn(`shadow gate: ${(e as Error).message}`));
    });
  history.start(cfg.monitorIntervalMs, (e) => app.log.warn(`monitor history: ${(e as Error).message}`));
  // Follow the alias (another replica's retraining or `models promote` moves it in the shared
  // registry), as the AI4I server does every MILLWRIGHT_MODEL_REFRESH_MS.
  // A version it cannot serve (another contract's) is said once, not every interval.
  let refused = "";
  every(cfg.modelRefreshMs, () => {
    models.refresh().then(
      (moved) => moved && app.log.info(moved, "now serving the version the alias names"),
      (e: Error) => {
        if (e.message !== refused) app.log.error({ err: e }, "alias moved; the old model keeps serving");
        refused = e.message;
      },
    );
  });
  // Cluster mode: take in the other replicas' readings and events without waiting for a request.
  if (log.shared) timers.push(followEvery(cfg.historyFollowMs, () => service.follow(), app.log));
  return {
    app,
    url,
    retrainer,
    models,
    shadow,
    shadowGate,
    close: async () => {
      // As the AI4I server: readiness false for the drain delay, so traffic moves before the close.
      state.accepting = false;
      if (cfg.drainDelayMs > 0) await new Promise((r) => setTimeout(r, cfg.drainDelayMs));
      for (const t of timers) clearInterval(t);
      await shadowGate?.idle();
      await app.close();
      shadow.stop();
      await retrainer.inProgress()?.catch(() => {});
      await history.stop();
      await log.close();
      await audit.close();
    },
  };
}

/** Where a retraining writes the files it trains on, a folder per run (retrain/run-dirs.ts). */
const retrainWorkDir = (cfg: Config) => join(cfg.dataDir, "retrain");

/**
 * At a server's start: a retraining killed with its server (kill -9) left its work folder, which
 * nothing else removes (trial 3: 520 KB after two restarts). Gone now, unless a live process owns it.
 */
async function sweepRetrainWork(
  cfg: Config,
  audit: Pick<ContractAudit, "pageAudit" | "appendAudit">,
  log: (msg: string) => void,
): Promise<void> {
  const dir = retrainWorkDir(cfg);
  const removed = removeStaleRunDirs(dir);
  if (removed.length === 0) return;
  // A run whose process died never wrote its decision: its trigger stood in the audit for ever
  // without one (trial 8 F12), so it is written here, failed, as abandoned. The folder is
  // `run-<run id>` (contract-retrain.ts) and its owner process is gone, so no replica still runs it.
  const [triggers, decisions] = await Promise.all([
    audit.pageAudit({ kinds: ["trigger"], limit: 200 }),
    audit.pageAudit({ kinds: ["decision"], limit: 200 }),
  ]);
  const runOf = (e: { payload: unknown }) => (e.payload as { run?: string } | null)?.run;
  const decided = new Set(decisions.map(runOf));
  for (const r of removed) {
    log(`retraining: removed the work folder ${join(dir, r.name)} of a run that never ended (${r.why})`);
    const run = r.name.startsWith("run-") ? r.name.slice(4) : null;
    const t = run === null ? undefined : triggers.find((e) => runOf(e) === run);
    if (!t || decided.has(run as string)) continue;
    const p = t.payload as { reason?: string; alertname?: string; source?: string };
    await audit.appendAudit({
      at: Date.now(),
      kind: "decision",
      payload: {
        verdict: "failed",
        reason: `abandoned: the server stopped before the run decided (${r.why}); the champion was kept`,
        trigger: p.alertname ? `alert ${p.alertname}` : p.reason ? `manual: ${p.reason}` : (p.source ?? null),
        run,
      },
    });
    log(`retraining: run ${run} never decided: recorded as failed (abandoned)`);
  }
}
