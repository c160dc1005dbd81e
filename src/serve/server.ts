// Assembles a running Millwright server: store, model, monitor, retraining, leader election,
// model refresh, and graceful shutdown. Used by `millwright serve` / `up` and by tests that need a
// real listening server.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Config } from "../core/config.js";
import { MillwrightError } from "../core/errors.js";
import { Monitor } from "../monitor/monitor.js";
import { ModelRegistry } from "../registry/registry.js";
import { Retrainer } from "../retrain/retrainer.js";
import { ai4iShadowGate } from "./ai4i-shadow-gate.js";
import { createLeaderElector, type LeaderElector } from "../store/leader.js";
import { createStore } from "../store/index.js";
import type { PredictionStore, WriteProblem } from "../store/types.js";
import { buildApp } from "./app.js";
import { chooseLogFormat, textLogStream } from "./log-format.js";
import type { KnownMachine } from "./machine-table.js";
import { monitorRoutes } from "./routes/monitor.js";
import { planRoutes } from "./routes/plan.js";

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  store: PredictionStore;
  monitor: Monitor;
  retrainer: Retrainer;
  /** Drain and stop: readiness false, wait drainDelayMs, finish in-flight, flush the log. */
  close(): Promise<void>;
}

/** A listen failure as a usage error that names the port and how to choose another. */
export function listenError(e: unknown, host: string, port: number): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  const where = `${host}:${port}`;
  if (code === "EADDRINUSE")
    return new MillwrightError(
      "MW_CONFIG",
      `port ${port} on ${host} is already in use (another Millwright, or another program); choose another with --port N, or --port 0 for any free port`,
      { port },
    );
  if (code === "EACCES")
    return new MillwrightError(
      "MW_CONFIG",
      `not allowed to listen on ${where} (ports below 1024 need privileges); choose another with --port N`,
      { port },
    );
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new MillwrightError(
      "MW_CONFIG",
      `cannot listen on ${where}: no such address on this machine (--host)`,
      {
        port,
      },
    );
  return e;
}

export function defaultWebDir(): string | null {
  // dist/src/serve → ../../../web ; src/serve → ../../web
  for (const rel of ["../../../web", "../../web"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(p, "index.html"))) return p;
  }
  return null;
}

/** Where the store's write problems (disk full, data dir deleted) are said: the log, once it exists. */
interface Problems {
  say: (p: WriteProblem | null) => void;
}

/**
 * The prediction log holds every reading and label: readable by its owner only, like tokens.json.
 * SQLite creates the -wal and -shm files with the database file's permissions, so creating that one
 * 0600 first is enough for new logs; files left by an older version are tightened.
 */
export function privateDatabase(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

interface StartOptions {
  host: string;
  port: number;
  modelRef?: string;
  logger?: boolean | object;
  githubBaseUrl?: string;
  /** Machines known from the start (the simulator's table under `up --simulate`), beside machines.json. */
  knownMachines?: readonly KnownMachine[];
}

export async function startServer(cfg: Config, opts: StartOptions): Promise<RunningServer> {
  mkdirSync(cfg.dataDir, { recursive: true });
  const registry = new ModelRegistry(cfg.registryDir);
  const problems: Problems = {
    say: (p) =>
      process.stderr.write(p ? `PREDICTIONS REFUSED: ${p.reason}\n` : "prediction log writable again\n"),
  };
  const sqlitePath = join(cfg.dataDir, "predictions.db");
  if (!cfg.databaseUrl) privateDatabase(sqlitePath);
  const store = await createStore({
    onWriteProblem: (p) => problems.say(p),
    databaseUrl: cfg.databaseUrl,
    sqlitePath,
    sqliteWriterThread: cfg.sqliteWriterThread,
    spool: cfg.databaseUrl ? { dir: join(cfg.dataDir, "spool"), maxRecords: cfg.spoolMaxRecords } : undefined,
  });
  try {
    return await assemble(cfg, opts, registry, store, problems);
  } catch (e) {
    // A server that cannot serve (no champion, a corrupt model, a port in use) must exit with the
    // reason, not hang: the store's writer thread would keep the process alive.
    await store.close().catch(() => {});
    throw e;
  }
}

async function assemble(
  cfg: Config,
  opts: StartOptions,
  registry: ModelRegistry,
  store: PredictionStore,
  problems: Problems,
): Promise<RunningServer> {
  let monitor: Monitor | null = null;
  let retrainer: Retrainer | null = null;
  const app = await buildApp({
    registry,
    store,
    modelRef: opts.modelRef,
    tokens: cfg.tokens,
    maxBatch: cfg.maxBatch,
    rateLimit: cfg.rateLimit,
    timeouts: cfg.timeouts,
    knownMachines: opts.knownMachines,
    machinesFile: join(cfg.dataDir, "machines.json"),
    logger:
      opts.logger === false
        ? false
        : {
            level: process.env.LOG_LEVEL ?? "info",
            redact: ["req.headers.authorization", "headers.authorization"],
            ...(chooseLogFormat(process.env, process.stdout.isTTY === true) === "text"
              ? { stream: textLogStream() }
              : {}),
          },
    webDir: defaultWebDir(),
    plugins: [
      // Getters: monitor and retrainer are created below, after buildApp has registered the routes.
      (a, ctx) =>
        monitorRoutes(
          () => monitor,
          () => retrainer,
        )(a, ctx),
      (a, ctx) => planRoutes(a, ctx, { ...cfg.planning, dataDir: cfg.dataDir }),
    ],
  });
  const ctx = app.millwright;
  monitor = new Monitor({
    registry,
    store,
    metrics: ctx.metrics,
    served: () => {
      const b = ctx.models.current?.bundle;
      return b ? { version: b.version, threshold: b.threshold.value } : null;
    },
    windowCount: cfg.quality.windowCount,
    windowMs: cfg.quality.windowMs,
    minLabels: cfg.quality.minLabels,
    minPositives: cfg.quality.minPositives,
  });
  const shadowGate = ai4iShadowGate(
    app,
    { minLabels: cfg.retrain.shadowMinLabels, minHours: cfg.retrain.shadowMinHours },
    cfg.retrain.shadowCheckMs,
  );
  retrainer = new Retrainer({
    registry,
    shadowGate: shadowGate?.gate,
    store,
    metrics: ctx.metrics,
    mode: cfg.retrain.mode,
    cooldownMs: cfg.retrain.cooldownMs,
    gate: { metric: cfg.retrain.metric, margin: cfg.retrain.margin, minimum: cfg.retrain.minimum },
    workDir: join(cfg.dataDir, "retrain"),
    github: { repo: cfg.retrain.githubRepo, token: cfg.retrain.githubToken, baseUrl: opts.githubBaseUrl },
    onPromoted: () => {
      try {
        ctx.models.refresh();
      } catch (e) {
        app.log.error({ err: e }, "could not load the promoted model; the old one keeps serving");
      }
    },
    log: (msg) => app.log.info(msg),
  });

  // Backfill the fleet board from the log so a restart does not show an empty shop.
  for await (const p of store.queryPredictions({ limit: 5000 })) ctx.fleet.add([p]);

  const mon = monitor;
  let closing: Promise<void> | null = null;
  const leader: LeaderElector = createLeaderElector(store, {
    intervalMs: cfg.leaderIntervalMs,
    onElected: () => {
      app.log.info("elected leader: running the monitor");
      mon.start(cfg.monitorIntervalMs, (e) => app.log.error({ err: e }, "monitor run failed"));
      // One replica settles the retrainings a killed process left undecided (retrain/reconcile.ts).
      retrainer
        ?.reconcile()
        .then((runs) => {
          if (runs.length > 0) app.log.warn({ runs }, "settled retrainings a stopped server left undecided");
        })
        .catch((e) => app.log.error({ err: e }, "could not settle undecided retrainings"));
    },
    onDemoted: () => {
      // Giving the lock back on shutdown is the plan, not a warning; losing it while running is.
      if (closing) app.log.info("shutting down: monitor stopped, leadership released");
      else app.log.warn("lost leadership: monitor stopped");
      mon.stop();
    },
    onError: (e) => app.log.error({ err: e }, "leader election error"),
  });
  await leader.start();

  // Follow the alias: another process (CLI promote, another replica's retraining) may move it.
  const refresh = setInterval(() => {
    try {
      if (ctx.models.refresh())
        app.log.info({ version: ctx.models.current?.bundle.version }, "now serving a new version");
    } catch (e) {
      app.log.error({ err: e }, "model refresh failed; the old model keeps serving");
    }
  }, cfg.modelRefreshMs);
  refresh.unref();
  // Checked every second, not only when a prediction fails: a deleted data directory must be
  // noticed (and said loudly) even while no traffic comes, and a full disk's recovery too. The
  // store reports each change at once (problems.say); this repeats it while it lasts.
  problems.say = (p) => {
    if (p) app.log.fatal({ code: p.code, dataDir: cfg.dataDir }, `PREDICTIONS REFUSED: ${p.reason}`);
    else app.log.warn("prediction log writable again: predictions accepted");
  };
  let remindedAt = Date.now();
  const degradedTimer = setInterval(() => {
    const problem = store.writeProblem?.() ?? null;
    ctx.metrics.storeDegraded.set(store.degraded?.() || problem ? 1 : 0);
    ctx.metrics.spoolRecords.set(store.spoolSize?.() ?? 0);
    if (problem && Date.now() - remindedAt > 30_000) {
      problems.say(problem);
      remindedAt = Date.now();
    }
  }, 1000);
  degradedTimer.unref();

  const close = () => {
    if (!closing)
      closing = (async () => {
        ctx.state.accepting = false;
        if (cfg.drainDelayMs > 0) await new Promise((r) => setTimeout(r, cfg.drainDelayMs));
        clearInterval(refresh);
        clearInterval(degradedTimer);
        mon.stop();
        await shadowGate?.stop();
        await app.close();
        await leader.stop().catch(() => {});
        await store.close();
      })();
    return closing;
  };
  let url: string;
  try {
    url = await app.listen({ host: opts.host, port: opts.port });
  } catch (e) {
    // Close what was opened (the log's writer thread would keep the process alive), then say
    // which port and what to do, instead of a stack trace.
    await close();
    throw listenError(e, opts.host, opts.port);
  }
  return { app, url, store, monitor: mon, retrainer, close };
}
