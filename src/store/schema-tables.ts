// The tables both prediction stores shipped in their first migration (and the alert fingerprints),
// written once with each dialect's column types substituted. The text each dialect gets is byte for
// byte what it shipped (test/store/schema-tables.test.ts checks the digests): a migration already
// applied is never run again, but a new database must come out exactly like an old one.

export type SqlDialect = "sqlite" | "postgres";

/** Each column type of the shared tables: [SQLite, PostgreSQL]. */
const TYPES = {
  text: ["TEXT", "text"],
  // Milliseconds since the epoch (the interface's unit): both stores round-trip them exactly.
  ms: ["INTEGER", "bigint"],
  real: ["REAL", "double precision"],
  // failure_predicted.
  flag: ["INTEGER", "boolean"],
  // feedback.machine_failure, 0 or 1 (a CHECK keeps it so).
  bit: ["INTEGER", "smallint"],
  json: ["TEXT", "jsonb"],
  // Ids collate "C" in PostgreSQL (bytewise, like SQLite): the keyset order is then the same on
  // every server, whatever its locale. SQLite's is a rowid table with a UNIQUE id (see its schema).
  predictionId: ["TEXT NOT NULL UNIQUE", 'text COLLATE "C" PRIMARY KEY'],
  // An id the database hands out in insertion order.
  rowKey: ["INTEGER PRIMARY KEY AUTOINCREMENT", "bigserial PRIMARY KEY"],
} as const;

type Types = { [K in keyof typeof TYPES]: string };

function typesOf(dialect: SqlDialect): Types {
  const i = dialect === "sqlite" ? 0 : 1;
  return Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [k, v[i]])) as Types;
}

/** 1: the prediction log, feedback, monitor history, audit trail. */
export function coreTables(dialect: SqlDialect): string {
  const d = typesOf(dialect);
  return `CREATE TABLE predictions (
     id ${d.predictionId},
     request_id ${d.text} NOT NULL,
     model_name ${d.text} NOT NULL,
     model_version ${d.text} NOT NULL,
     predicted_at ${d.ms} NOT NULL,
     type ${d.text} NOT NULL,
     air_temperature ${d.real} NOT NULL,
     process_temperature ${d.real} NOT NULL,
     rotational_speed ${d.real} NOT NULL,
     torque ${d.real} NOT NULL,
     tool_wear ${d.real} NOT NULL,
     machine_id ${d.text},
     machine_model ${d.text},
     reading_timestamp ${d.text},
     failure_probability ${d.real} NOT NULL,
     failure_predicted ${d.flag} NOT NULL,
     modes ${d.json} NOT NULL
   );
   CREATE INDEX predictions_predicted_at ON predictions (predicted_at, id);
   CREATE TABLE feedback (
     prediction_id ${d.text} PRIMARY KEY REFERENCES predictions (id),
     machine_failure ${d.bit} NOT NULL CHECK (machine_failure IN (0, 1)),
     modes ${d.json} NOT NULL,
     received_at ${d.ms} NOT NULL
   );
   CREATE TABLE snapshots (
     id ${d.rowKey},
     at ${d.ms} NOT NULL,
     model_version ${d.text} NOT NULL,
     payload ${d.json} NOT NULL
   );
   CREATE INDEX snapshots_at ON snapshots (at);
   CREATE TABLE audit (
     id ${d.rowKey},
     at ${d.ms} NOT NULL,
     kind ${d.text} NOT NULL,
     payload ${d.json} NOT NULL
   );
   CREATE INDEX audit_kind_at ON audit (kind, at);`;
}

/** When each alert fingerprint was last seen, so retraining dedupe survives a restart (issue 18). */
export function alertFingerprints(dialect: SqlDialect): string {
  const d = typesOf(dialect);
  return `CREATE TABLE alert_fingerprints (
     fingerprint ${d.text} PRIMARY KEY,
     last_seen ${d.ms} NOT NULL
   );
   CREATE INDEX alert_fingerprints_last_seen ON alert_fingerprints (last_seen);`;
}
