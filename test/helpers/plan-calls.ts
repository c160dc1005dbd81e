// The plan's routes as a client calls them, for the tests of done and skipped tasks (one server and
// several replicas): GET /v1/plan (a 200 asserted), and marking a task done or skipped.
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";

export type PlanTask = { id: string; status: string; skipped_reason?: string };
export type PlanOutcome = { id: string; status: string; reason?: string; at: string; event_id?: string };

export async function getPlan(
  app: FastifyInstance,
): Promise<{ tasks: PlanTask[]; outcomes: PlanOutcome[]; stale: boolean }> {
  const r = await app.inject({ method: "GET", url: "/v1/plan" });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

/** POST /v1/plan/tasks/{id}/done|skipped with `headers` (a token). */
export const markTask = (
  app: FastifyInstance,
  headers: Record<string, string>,
  id: string,
  what: "done" | "skipped",
  payload: object = {},
) =>
  app.inject({ method: "POST", url: `/v1/plan/tasks/${encodeURIComponent(id)}/${what}`, headers, payload });
