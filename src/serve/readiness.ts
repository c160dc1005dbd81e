// GET /v2/health/ready: 200 {ready: true} while the server can take
// work; 503 {ready: false, problem} while it would only answer 503s (its log cannot be written:
// disk full, data directory deleted, PostgreSQL away) or is shutting down. A Kubernetes
// readinessProbe then sends the traffic to another replica, and `problem` says why. The model is
// there from the start: the server does not start without one.
import type { FastifyInstance } from "fastify";
import type { WriteProblem } from "../store/write-problem.js";

export interface ReadyState {
  /** False once shutdown began (SIGTERM: the drain delay, MILLWRIGHT_DRAIN_DELAY_MS). */
  accepting: boolean;
  /** Why the log refuses writes now, or null. Read from the log's state: no query per probe. */
  problem: WriteProblem | null;
}

/** Why the server is not ready now (null: ready); the model-ready routes (contract/oip-models.ts) answer the same. */
export function notReadyBecause(s: ReadyState): { code: string; reason: string } | null {
  return s.accepting ? s.problem : { code: "MW_NOT_READY", reason: "the server is shutting down" };
}

/** The readiness problem's schema, for the OpenAPI document of every readiness route. */
export const READY_PROBLEM = {
  type: "object",
  description: "why not ready (absent when ready)",
  required: ["code", "reason"],
  properties: {
    code: {
      type: "string",
      enum: ["MW_NOT_READY", "MW_STORE_UNAVAILABLE", "MW_DISK_FULL", "MW_DATA_DIR_GONE"],
    },
    reason: { type: "string" },
  },
};

const ANSWER = {
  type: "object",
  required: ["ready"],
  properties: {
    ready: { type: "boolean" },
    problem: READY_PROBLEM,
  },
};

export function readyRoute(app: FastifyInstance, state: () => ReadyState): void {
  app.get(
    "/v2/health/ready",
    {
      schema: {
        tags: ["ops"],
        summary: "Readiness: a model is loaded, the server accepts work and its log can be written",
        response: { 200: ANSWER, 503: ANSWER },
      },
    },
    async (_req, reply) => {
      const problem = notReadyBecause(state());
      return problem ? reply.code(503).send({ ready: false, problem }) : { ready: true };
    },
  );
}
