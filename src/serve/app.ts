// Builds the Fastify app. Listening is separate (serve command), so tests use app.inject() or
// listen on port 0 themselves.
import swagger from "@fastify/swagger";
import rateLimit from "@fastify/rate-limit";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import { Registry as PromRegistry } from "prom-client";
import { MillwrightError } from "../core/errors.js";
import { MILLWRIGHT_VERSION } from "../core/version.js";
import type { ModelRegistry } from "../registry/registry.js";
import type { PredictionStore } from "../store/types.js";
import type { Ctx, ServerState, Tokens } from "./context.js";
import { authGate } from "./auth-gate.js";
import { FleetCache } from "./fleet-cache.js";
import { timeoutOptions } from "./http-options.js";
import { uuidv7 } from "./ids.js";
import { ExplainBudget } from "./explain-budget.js";
import {
  DEFAULT_AUTH_FAILURES_PER_MIN,
  DEFAULT_EXPLAIN_PER_SECOND,
  DEFAULT_MAX_EXPLAIN,
  MAX_PARAM_LENGTH,
} from "../core/limits.js";
import { type KnownMachine, MachineTable } from "./machine-table.js";
import { type Metrics, createMetrics } from "../metrics/ai4i.js";
import { ModelService } from "./model-service.js";
import { countRequests } from "./request-metrics.js";
import { errorHandlerFor, frameworkErrorHandler, problemOf, sendProblem } from "./problem.js";
import { feedbackRoutes } from "./routes/feedback.js";
import { fleetRoutes } from "./routes/fleet.js";
import { modelRoutes } from "./routes/models.js";
import { ai4iRollbackRoute } from "./routes/rollback.js";
import { oipRoutes } from "./routes/oip.js";
import { predictRoutes } from "./routes/predict.js";
import { simRoutes } from "./routes/sim.js";
import { staticRoutes } from "./static.js";
import { ai4iShadow } from "./ai4i-shadow-app.js";
import { shadowRoutes } from "./shadow/routes.js";

export interface AppOptions {
  registry: ModelRegistry;
  store: PredictionStore;
  /** Version or alias to serve; default "champion". */
  modelRef?: string;
  tokens?: Tokens;
  /** Most readings in one /v1/predict or infer call (default 10,000). */
  maxBatch?: number;
  /** Request body limit in bytes (default 16 MiB). */
  bodyLimit?: number;
  logger?: FastifyServerOptions["logger"];
  /** prom-client registry; a fresh one by default (never the global). */
  metricsRegistry?: PromRegistry;
  /** The dashboard's folder, or null for none. */
  webDir?: string | null;
  /** Extra route modules (monitoring, planning, retraining) that need the shared context. */
  plugins?: ((app: FastifyInstance, ctx: Ctx) => void)[];
  /**
   * Per client address: `perMinute` requests a minute on every API route (0 = off, the default:
   * the shop floor is trusted and throughput matters); `authPerMinute` failed token checks a minute
   * over all protected routes together (default 30; 0 = off), after which a wrong or missing token
   * gets 429, while a correct one still passes (auth-gate.ts).
   */
  rateLimit?: { perMinute?: number; authPerMinute?: number };
  /**
   * The shop's machines: only these enter the fleet board and the plan (others are answered and
   * kept apart, bounded). `machinesFile` keeps admin registrations (POST /v1/machines) across
   * restarts; `knownMachines` are added at start (the simulator's table under `up --simulate`).
   */
  knownMachines?: readonly KnownMachine[];
  machinesFile?: string | null;
  /** Readings per `?explain=true` request (default 100) and explained readings per second, all clients (default 500). */
  explain?: { maxPerRequest?: number; perSecond?: number; clock?: () => number };
  /** Load the model at build time (default true). */
  loadModel?: boolean;
  /**
   * Server timeouts in ms: the whole request (headers and body; default 60 s) and its headers
   * (default 15 s). Node checks them every `checkIntervalMs` (default 5 s).
   */
  timeouts?: { requestMs?: number; headersMs?: number; checkIntervalMs?: number };
  /** Shadow mode's queue: readings waiting at most, and scored per turn (ai4i-shadow.ts defaults). */
  shadowQueue?: { capacity?: number; batch?: number };
}

declare module "fastify" {
  interface FastifyInstance {
    millwright: Ctx;
  }
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    // Per-request log lines cost throughput; the metrics carry requests, and errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (pino builds one with the request id for every request, and that
    // showed in the profile): req.log is the server's logger, and error lines name the request id.
    childLoggerFactory: (logger) => logger,
    bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024,
    genReqId: () => uuidv7(),
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // The same limit as a machine_id (limits.ts): every id /v1/predict accepts can be looked up.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // `GET /%` and an over-long parameter answered Fastify's own JSON: problem+json like the rest.
    frameworkErrors: frameworkErrorHandler,
    ...timeoutOptions(opts.timeouts),
  });
  // Only JSON bodies: a text/plain body is a 415, not a string that fails later.
  app.removeContentTypeParser("text/plain");

  const metrics: Metrics = createMetrics(opts.metricsRegistry ?? new PromRegistry());
  const models = new ModelService(opts.registry, opts.modelRef ?? "champion");
  const state: ServerState = { accepting: true };
  const machines = new MachineTable(opts.knownMachines ?? [], opts.machinesFile ?? null);
  const ctx: Ctx = {
    registry: opts.registry,
    models,
    store: opts.store,
    metrics,
    tokens: opts.tokens ?? {},
    maxBatch: opts.maxBatch ?? 10_000,
    state,
    fleet: new FleetCache(200, machines),
    machines,
    maxExplain: opts.explain?.maxPerRequest ?? DEFAULT_MAX_EXPLAIN,
    explainBudget: new ExplainBudget(
      opts.explain?.perSecond ?? DEFAULT_EXPLAIN_PER_SECOND,
      opts.explain?.clock,
    ),
  };
  app.decorate("millwright", ctx);
  machines.onRemove((id) => ctx.fleet.forget(id));
  machines.onRegister((id) => ctx.fleet.adopt(id));
  // After every in-flight request: a batch still in a worker keeps its request open until then.
  models.onSwap((s) => {
    metrics.modelInfo.reset();
    metrics.modelInfo.set({ name: s.bundle.name, version: s.bundle.version }, 1);
  });
  if (opts.loadModel !== false) models.load();

  app.setErrorHandler(errorHandlerFor([{ dir: opts.registry.dir, name: "the registry" }]));
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problemOf("MW_NOT_FOUND", `no such endpoint: ${req.method} ${req.url.split("?")[0]}`)),
  );

  countRequests(app, metrics.hot, metrics.httpDuration, { nosniff: true });

  authGate(app, ctx.tokens, opts.rateLimit?.authPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MIN, (kind) => {
    if (kind === "hook") metrics.retrainTriggers.inc({ outcome: "rejected_auth" });
  });

  const perMinute = opts.rateLimit?.perMinute ?? 0;
  await app.register(rateLimit, {
    global: perMinute > 0,
    max: perMinute > 0 ? perMinute : 1_000_000,
    timeWindow: 60_000,
    allowList: (req) => req.url.startsWith("/v2/health") || req.url === "/metrics",
    errorResponseBuilder: (_req, c) =>
      Object.assign(
        new MillwrightError(
          "MW_RATE_LIMITED",
          `rate limit of ${c.max} requests per minute exceeded; retry in ${c.after}`,
        ),
        {
          statusCode: 429,
        },
      ),
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Millwright",
        version: MILLWRIGHT_VERSION,
        description:
          'Predictive maintenance for a CNC fleet: predictions with explanations, ground-truth feedback, the Open Inference Protocol v2, monitoring, planning and retraining. Errors are application/problem+json with a stable `code` (see the README\'s error table); /v2 errors are {"error": "..."}.',
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });

  app.get(
    "/metrics",
    { schema: { summary: "Prometheus metrics (text exposition format)", tags: ["ops"] } },
    async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  predictRoutes(app, ctx);
  shadowRoutes(app, (ctx.shadow = ai4iShadow(ctx, metrics.registry, app.log, opts.shadowQueue)));
  feedbackRoutes(app, ctx);
  oipRoutes(app, ctx);
  modelRoutes(app, ctx);
  ai4iRollbackRoute(app, ctx);
  fleetRoutes(app, ctx);
  simRoutes(app, () => ctx.simulation);
  for (const p of opts.plugins ?? []) p(app, ctx);
  staticRoutes(app, opts.webDir ?? null);
  return app;
}
