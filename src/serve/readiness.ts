// GET /v2/health/ready: 200 {ready: true} while the server can take
// work; 503 {ready: false, problem} while it would only answer 503s (its log cannot be written:
// disk full, data directory deleted, PostgreSQL away), is shutting down, or has no model yet. A
// Kubernetes readinessProbe then sends the traffic to another replica, and `problem` says why.
import type { FastifyInstance } from "fastify";
import type { ErrorCode } from "../core/errors.js";
import type { WriteProblem } from "../store/write-problem.js";

export interface ReadyState {
  /** False once shutdown began (SIGTERM: the drain delay, MILLWRIGHT_DRAIN_DELAY_MS). */
  accepting: boolean;
  /** A model is loaded. */
  model: boolean;
  /** Why the log refuses writes now, or null. Read from the log's state: no query per probe. */
  problem: WriteProblem | null;
}

export interface ReadyAnswer {
  ready: boolean;
  problem?: { code: ErrorCode; reason: string };
}

export function readiness(s: ReadyState): { status: 200 | 503; body: ReadyAnswer } {
  const problem = !s.accepting
    ? { code: "MW_NOT_READY" as const, reason: "the server is shutting down" }
    : !s.model
      ? { code: "MW_NOT_READY" as const, reason: "no model is loaded yet" }
      : s.problem;
  if (!problem) return { status: 200, body: { ready: true } };
  return { status: 503, body: { ready: false, problem } };
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

export function readyRoute(app: FastifyInstance, tags: string[], state: () => ReadyState): void {
  app.get(
    "/v2/health/ready",
    {
      schema: {
        tags,
        summary: "Readiness: a model is loaded, the server accepts work and its log can be written",
        response: { 200: ANSWER, 503: ANSWER },
      },
    },
    async (_req, reply) => {
      const { status, body } = readiness(state());
      return reply.code(status).send(body);
    },
  );
}
