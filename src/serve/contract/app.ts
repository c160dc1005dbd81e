// The HTTP app for a data-contract model: the request schema, the OpenAPI document, the OIP v2
// tensors and the validation errors all come from the model's contract. Built by a function and
// listened to elsewhere, so tests use app.inject().
import { randomBytes } from "node:crypto";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { Registry as PromRegistry } from "prom-client";
import { MillwrightError } from "../../core/errors.js";
import {
  DEFAULT_AUTH_FAILURES_PER_MIN,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_PARAM_LENGTH,
} from "../../core/limits.js";
import { MILLWRIGHT_VERSION } from "../../core/version.js";
import type { ContractRetrainer } from "../../retrain/contract-service.js";
import type { AuditStore } from "../../retrain/ports.js";
import type { OutcomeStore } from "../../plan/outcomes.js";
import { type Tokens, authGate } from "../auth-gate.js";
import { acceptEncodedBodies } from "../body-encoding.js";
import {
  clientErrorHandler,
  errorHandlerFor,
  frameworkErrorHandler,
  problemOf,
  sendProblem,
} from "../problem.js";
import { readyRoute } from "../readiness.js";
import { shadowRoutes } from "../shadow/routes.js";
import { countRequests } from "../request-metrics.js";
import { staticRoutes } from "../static.js";
import type { FleetBoard } from "../../monitor/live/board.js";
import type { ContractMonitor } from "../../monitor/live/monitor.js";
import type { MonitorHistory } from "../../monitor/live/monitor-history.js";
import { monitorHistoryRoutes } from "../routes/monitor.js";
import { type SimulationView, simRoutes } from "../routes/sim.js";
import { contractPlanRoutes } from "./routes-plan.js";
import { oipContractRoutes } from "./oip.js";
import { contractFleetRoutes } from "./routes-fleet.js";
import { contractMachineRoutes } from "./routes-machines.js";
import { type ContractModels, contractModelRoutes } from "./routes-models.js";
import { contractRetrainRoutes } from "./routes-retrain.js";
import { type ContractMetrics, contractMetrics } from "../../metrics/contract.js";
import type { ContractService, ScoredBatch } from "./contract-service.js";
import type { ContractShadow } from "./shadow.js";
import { contractPredictRoute } from "./routes-predict.js";
import { contractRoute } from "./routes-contract.js";
import { contractEventRoutes } from "./routes-events.js";
import { contractFeedbackRoutes } from "./routes-feedback.js";
import { contractRollbackRoute } from "./routes-rollback.js";
import { contractReportRoute } from "./routes-report.js";

export interface ContractAppOptions {
  service: ContractService;
  /** Drift and realised quality, exported on /metrics and answered on /v1/monitor. */
  monitor?: ContractMonitor;
  /** The monitor's kept history (GET /v1/monitor/history, POST /v1/monitor/run), when the server keeps one. */
  monitorHistory?: MonitorHistory;
  tokens?: Tokens;
  maxBatch?: number;
  logger?: boolean | object;
  metricsRegistry?: PromRegistry;
  /** The dashboard's view of the fleet (an observer of the service): with it, /v1/fleet and /v1/machines/:id. */
  board?: FleetBoard;
  /** The dashboard's files (web/), served at / as on the AI4I server; null: no dashboard. */
  webDir?: string | null;
  /** Technicians YAML for the plan (MILLWRIGHT_TECHNICIANS). */
  technicians?: string;
  /** The margin a planned task must promise over its cost (MILLWRIGHT_PLAN_MIN_RETURN); unset: the planner's default. */
  planMinReturn?: number;
  /** Where PUT /v1/plan/technicians keeps an upload (it wins over `technicians`); unset: no uploads. */
  uploadedTechnicians?: string;
  /** Tasks and costs YAML for the plan (MILLWRIGHT_COSTS); unset: the model's contract's tasks. */
  costs?: string;
  /** Where PUT /v1/plan/costs keeps an upload (it wins over `costs`); unset: no uploads. */
  uploadedCosts?: string;
  /** The server's metrics in that registry (created here when not given). */
  metrics?: ContractMetrics;
  /** Model management (GET /v1/model, promote, reload), when the server has a registry. */
  models?: ContractModels;
  /** Where the plan's done and skipped tasks are kept (the contract's audit); unset: in memory only. */
  planOutcomes?: OutcomeStore;
  /** The retraining audit and loop (alerts webhook, history), when the server keeps one. */
  retrain?: { audit: AuditStore; retrainer: ContractRetrainer | null };
  /** Failed token checks per client per minute before 429 (0: no limit; the check stays). */
  authPerMinute?: number;
  /**
   * A request (headers and body) and its headers alone must arrive within these (core/limits.ts);
   * `checkIntervalMs`: how often Node looks for connections past them (default 5 s).
   */
  timeouts?: { requestMs?: number; headersMs?: number; checkIntervalMs?: number };
  /** The registry's folder, named "the registry" in errors rather than by its path (issue 18, item 13). */
  registryDir?: string;
  /** Shadow mode (GET/POST/DELETE /v1/models/shadow), when the server has a registry. */
  shadow?: ContractShadow;
  /** `accepting` turns false at shutdown, and readiness with it (absent: always accepting). */
  state?: { accepting: boolean };
  /** The live simulation feeding it (GET /v1/sim, POST /v1/sim/scenario), when started with a simulator. */
  simulation?: () => SimulationView | null;
}

/** The request ids' prefix: random per process, so two replicas' log lines never share an id. */
const BOOT = randomBytes(4).toString("hex");
let requests = 0;

export async function buildContractApp(opts: ContractAppOptions): Promise<FastifyInstance> {
  const svc = opts.service;
  // The model at start: the docs and schemas. A swap (routes-models.ts) serves another version of
  // the same contract, so answers read svc.model per request.
  const m = svc.model;
  const maxBatch = opts.maxBatch ?? 10_000;
  const requestTimeout = opts.timeouts?.requestMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 16 * 1024 * 1024,
    // A request id for the log lines that name a request: this process's random prefix and a count
    // (a UUIDv7 per request was 0.4 µs of ~50, profiled; readings get their own UUIDv7 ids).
    genReqId: () => `${BOOT}-${(++requests).toString(36)}`,
    requestIdHeader: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // `GET /%` and an over-long parameter answered Fastify's own JSON: problem+json like the rest.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // Per-request log lines cost throughput; metrics count requests and errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request: pino builds one, with the request id's bindings serialised, for
    // every request (0.5 µs of the main thread's ~50 per single reading at 64 connections, profiled;
    // the AI4I app did the same). req.log is the server's logger; the lines that name a request
    // carry reqId themselves.
    childLoggerFactory: (logger) => logger,
    // Slow senders (issue 18, item 14): Fastify's request timeout is 0 (never) by default, so a body
    // sent a byte a minute would hold its socket for good, and Node checks the timeouts only every
    // 30 s unless told.
    requestTimeout,
    http: {
      headersTimeout: Math.min(opts.timeouts?.headersMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout),
      connectionsCheckingInterval: opts.timeouts?.checkIntervalMs ?? 5_000,
    },
    // As the AI4I app: Fastify's default Ajv strips properties a schema does not list, so an event
    // posted with "Kind" for "kind", or a CMMS's "type": "PM" to the failures table, was taken
    // without them; additionalProperties: false now refuses them, naming the field. Nor does it
    // coerce: Fastify's default turned a rollback's `"reason": 7` into "7" and rolled back (a 400
    // on the AI4I app). Query strings are read by hand (pageOf), as there.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler(
    errorHandlerFor(opts.registryDir ? [{ dir: opts.registryDir, name: "the registry" }] : []),
  );
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problemOf("MW_NOT_FOUND", `no such endpoint: ${req.method} ${req.url.split("?")[0]}`)),
  );
  const registry = opts.metricsRegistry ?? new PromRegistry();
  const metrics = opts.metrics ?? contractMetrics(registry);
  metrics.readingsReceived.follow(() => svc.lastReadingAt);
  const { events, hot } = metrics;
  countRequests(app, hot, metrics.httpDuration);
  // After the in-flight count (a refused request is counted out too). Tokens are checked before the
  // body is read, and failures limited per client (issue 18, item 12).
  authGate(
    app,
    opts.tokens ?? {},
    opts.authPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MIN,
    (kinds, req, limited) => {
      if (kinds.includes("hook")) metrics.retrainTriggers.inc({ outcome: "rejected_auth" });
      // Logged (trial 8: a failed check left no line): which token, from where, for what. Not once the
      // client is over its limit (its 429s): at most the limit's count a minute per client, so a
      // guesser cannot flood the log.
      if (limited) return;
      req.log.warn(
        {
          reqId: req.id,
          token: kinds.join(" or "),
          client: req.ip,
          method: req.method,
          url: req.url.slice(0, 200),
        },
        "a missing or wrong token",
      );
    },
  );
  // After the tokens: an unauthenticated client cannot make us inflate anything.
  acceptEncodedBodies(app);

  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: `Millwright: ${m.contract.name}`,
        version: MILLWRIGHT_VERSION,
        description: `Model ${m.name} ${m.version}, trained with the data contract '${m.contract.name}'. Readings, events and answers use the contract's names. Errors are application/problem+json with a stable \`code\`.`,
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });

  const count = (b: ScoredBatch): void => {
    const model_version = b.model.version;
    const probs = metrics.failureProbability.series(model_version, () => ({ model_version }));
    let failures = 0;
    for (let i = 0; i < b.cols.n; i++) {
      probs.observe(b.failure[i]);
      if (b.failure[i] >= b.threshold) failures++;
    }
    // A series counted 0 stays out of /metrics (HotMetrics.flushCounts adds only what moved).
    hot.count(`${model_version} failure`, () => ({ model_version, outcome: "failure" }), failures);
    hot.count(`${model_version} ok`, () => ({ model_version, outcome: "ok" }), b.cols.n - failures);
  };

  app.get("/v2/health/live", { schema: { tags: ["ops"] } }, async () => ({ live: true }));
  // Not ready while the history log cannot be written (every prediction would be a 503) or while
  // shutting down.
  const ready = () => ({ accepting: opts.state?.accepting ?? true, problem: svc.writeProblem() });
  readyRoute(app, ready);
  // Drift and quality are computed when scraped (at most every 10 s), not per reading.
  let lastReport = 0;
  app.get("/metrics", { schema: { tags: ["ops"] } }, async (_req, reply) => {
    // Read at scrape time, so a swap (promote, reload, retraining) shows at once.
    metrics.modelInfo.reset();
    metrics.modelInfo.set({ name: svc.model.name, version: svc.model.version }, 1);
    if (opts.monitor && Date.now() - lastReport > 10_000) {
      opts.monitor.report();
      lastReport = Date.now();
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  app.get(
    "/v1/monitor",
    {
      schema: {
        summary:
          "Drift of the recent readings and predictions, realised quality from failures (or feedback labels), estimated before",
        description:
          "`quality`: `n` readings whose label is known, `positives` the positive rows among them (with failure events, readings with a failure within the horizon after them: many per failure), `failures` the failures behind those positive rows (distinct failure events; a row-labelled contract: `positives`), and the realised `pr_auc`, `roc_auc`, `recall`, `precision`, `f1`, `accuracy`.",
        tags: ["monitor"],
      },
    },
    async () => {
      if (!opts.monitor) throw new MillwrightError("MW_NOT_FOUND", "this server runs no monitor");
      lastReport = Date.now();
      return opts.monitor.report();
    },
  );

  if (opts.monitorHistory) monitorHistoryRoutes(app, opts.monitorHistory);

  contractPredictRoute(app, svc, maxBatch, count);
  contractEventRoutes(app, svc, maxBatch, events);
  contractFeedbackRoutes(app, svc, maxBatch, metrics.feedback);

  contractRoute(app, svc);

  oipContractRoutes(app, svc, maxBatch, count, opts.models?.registry, ready);
  if (opts.shadow) shadowRoutes(app, opts.shadow);
  if (opts.models) contractModelRoutes(app, opts.models, opts.retrain?.audit);
  if (opts.models) contractReportRoute(app, opts.models.registry);
  if (opts.models) contractRollbackRoute(app, opts.models, opts.retrain?.audit);
  if (opts.retrain) contractRetrainRoutes(app, opts.retrain.audit, opts.retrain.retrainer);
  contractMachineRoutes(app, svc);
  // The live simulator's scenario switch; absent without a simulator (404, as any missing route).
  if (opts.simulation) simRoutes(app, opts.simulation);
  const keeper = contractPlanRoutes(app, svc, {
    technicians: opts.technicians,
    uploadedTechnicians: opts.uploadedTechnicians,
    costs: opts.costs,
    uploadedCosts: opts.uploadedCosts,
    minReturn: opts.planMinReturn,
    outcomes: opts.planOutcomes,
  });
  if (opts.board)
    contractFleetRoutes(
      app,
      svc,
      opts.board,
      opts.simulation ? ["live-simulation"] : [],
      () => keeper.planTasks,
      () => keeper.latestPlan,
    );
  // At start, so the first plan after a restart shows the tasks skipped before it (and a store
  // that cannot be read fails the start, as the audit's own opening does).
  await keeper.loadOutcomes();
  // Last: its catch-all GET answers only what no route above does.
  staticRoutes(app, opts.webDir ?? null);
  return app;
}
