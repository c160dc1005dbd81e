// Ground-truth feedback in PostgreSQL, with the same outcomes as SQLite: "unknown" for no such
// prediction, "accepted" for the first label, "duplicate" for the same label again, "conflict" for a
// different one (the first is kept). Set-based (three statements per batch, not three per item).
import type pg from "pg";
import { canonicalModes, sameLabel, validateFeedback } from "../rows.js";
import type { FeedbackItem, FeedbackOutcome } from "../types.js";

export async function addFeedbackPg(pool: pg.Pool, items: FeedbackItem[]): Promise<FeedbackOutcome[]> {
  items.forEach(validateFeedback);
  if (items.length === 0) return [];
  const ids = [...new Set(items.map((i) => i.predictionId))];
  const known = new Set(
    (
      await pool.query<{ id: string }>("SELECT id FROM predictions WHERE id = ANY($1::text[])", [ids])
    ).rows.map((r) => r.id),
  );
  // First item per known id is the candidate; ON CONFLICT DO NOTHING lets the first label win even
  // when two replicas receive feedback for the same prediction at once.
  const firsts = new Map<string, FeedbackItem>();
  for (const it of items)
    if (known.has(it.predictionId) && !firsts.has(it.predictionId)) firsts.set(it.predictionId, it);
  const cand = [...firsts.values()];
  const now = Date.now();
  const inserted = new Set(
    (
      await pool.query<{ prediction_id: string }>(
        `INSERT INTO feedback (prediction_id, machine_failure, modes, received_at)
         SELECT * FROM unnest($1::text[], $2::int2[], $3::jsonb[], $4::int8[])
         ON CONFLICT (prediction_id) DO NOTHING RETURNING prediction_id`,
        [
          cand.map((c) => c.predictionId),
          cand.map((c) => c.machineFailure),
          cand.map((c) => JSON.stringify(canonicalModes(c.modes))),
          cand.map((c) => c.receivedAt ?? now),
        ],
      )
    ).rows.map((r) => r.prediction_id),
  );
  const stored = new Map<string, { machineFailure: number; modes: Record<string, number> }>();
  const { rows } = await pool.query<{
    prediction_id: string;
    machine_failure: number;
    modes: Record<string, number>;
  }>("SELECT prediction_id, machine_failure, modes FROM feedback WHERE prediction_id = ANY($1::text[])", [
    [...firsts.keys()],
  ]);
  for (const r of rows) stored.set(r.prediction_id, { machineFailure: r.machine_failure, modes: r.modes });
  const seen = new Set<string>();
  return items.map((it): FeedbackOutcome => {
    if (!known.has(it.predictionId)) return "unknown";
    const first = !seen.has(it.predictionId);
    seen.add(it.predictionId);
    if (first && inserted.has(it.predictionId)) return "accepted";
    const prev = stored.get(it.predictionId)!;
    return sameLabel(prev, { machineFailure: it.machineFailure, modes: canonicalModes(it.modes) })
      ? "duplicate"
      : "conflict";
  });
}
