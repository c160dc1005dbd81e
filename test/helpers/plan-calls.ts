// The plan's routes as a client calls them, for the tests of done and skipped tasks (one server and
// several replicas): GET /v1/plan (a 200 asserted), marking a task done or skipped, and readings that
// move the fleet's data time on.
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

/**
 * Hourly readings of the historian shop (examples/contracts/historian.yaml's columns), per machine
 * from its newest reading (`newest`, ms, moved on here) up to `until` (ms): the fleet's data time
 * moves there, as a live fleet's would.
 */
export async function postReadingsUntil(
  app: FastifyInstance,
  newest: Map<string, number>,
  until: number,
): Promise<void> {
  const batch: Record<string, unknown>[] = [];
  for (const [m, t0] of newest) {
    let t = t0;
    while (t + 3_600_000 <= until) {
      t += 3_600_000;
      batch.push({
        machine_id: m,
        timestamp: new Date(t).toISOString(),
        spindle_speed: 9000,
        spindle_load: 40,
      });
    }
    newest.set(m, t);
  }
  batch.sort((a, b) => Date.parse(a.timestamp as string) - Date.parse(b.timestamp as string));
  const r = await app.inject({ method: "POST", url: "/v1/predict", payload: batch });
  assert.equal(r.statusCode, 200, r.body.slice(0, 300));
}
