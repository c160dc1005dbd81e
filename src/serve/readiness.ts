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

const ANSWER = {
  type: "object",
  required: ["ready"],
  properties: {
    ready: { type: "boolean" },
    problem: {
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
    },
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
      const s = state();
      const problem = s.accepting
        ? s.problem
        : { code: "MW_NOT_READY", reason: "the server is shutting down" };
      return problem
        ? reply.code(503).send({ ready: false, problem })
        : reply.code(200).send({ ready: true });
    },
  );
}
