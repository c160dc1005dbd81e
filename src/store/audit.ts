// The one query behind pageAudit, for both stores: kinds filtered in the database (not after a
// LIMIT, which is how 408 alerts once hid every decision), newest first by id, paged by id.
import type { AuditQuery, MonitorSnapshot, StoredAuditEvent } from "./types.js";

/**
 * `style`: "?" placeholders (SQLite) or "$n" (PostgreSQL). `from`: another table, with the rows of
 * one contract only (a contract server's audit in the cluster's PostgreSQL, serve/contract/audit-postgres.ts).
 */
export function auditPageSql(
  q: AuditQuery,
  style: "?" | "$",
  from: { table: string; contract: string } | null = null,
): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [];
  const p = (v: string | number): string => {
    params.push(v);
    return style === "?" ? "?" : `$${params.length}`;
  };
  const where: string[] = from ? [`contract = ${p(from.contract)}`] : [];
  if (q.kinds && q.kinds.length > 0) where.push(`kind IN (${q.kinds.map(p).join(", ")})`);
  if (q.before !== undefined) where.push(`id < ${p(q.before)}`);
  const limit = p(Math.max(0, Math.floor(q.limit ?? 100)));
  return {
    sql: `SELECT id, at, kind, payload FROM ${from?.table ?? "audit"}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${limit}`,
    params,
  };
}

/** A row of either store's audit table (PostgreSQL's bigints come as strings). */
type AuditRow = { id: number | string; at: number | string; kind: string; payload: string };
type SnapshotRow = { at: number | string; model_version: string; payload: string };

/** Rows as either database returns them (SELECT id, at, kind, payload): the events they hold. */
export const auditEventsOf = (rows: readonly unknown[]): StoredAuditEvent[] =>
  (rows as AuditRow[]).map((r) => ({
    id: Number(r.id),
    at: Number(r.at),
    kind: r.kind,
    payload: JSON.parse(r.payload) as unknown,
  }));

/** Rows as either database returns them (SELECT payload): the JSON payloads they hold. */
export const payloadsOf = <T>(rows: readonly unknown[]): T[] =>
  (rows as { payload: string }[]).map((r) => JSON.parse(r.payload) as T);

/** Rows as either database returns them (SELECT at, model_version, payload): the snapshots. */
export const snapshotsOf = (rows: readonly unknown[]): MonitorSnapshot[] =>
  (rows as SnapshotRow[]).map((r) => ({
    at: Number(r.at),
    modelVersion: r.model_version,
    payload: JSON.parse(r.payload) as unknown,
  }));
