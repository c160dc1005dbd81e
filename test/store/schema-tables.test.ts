// The shipped migrations, now built from one table of column types (store/schema-tables.ts), must
// be byte for byte the text each dialect shipped: a new database must come out exactly like an old
// one. The digests are of the literal strings as they stood before the table (commit fe34ccf).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import Database from "better-sqlite3";
import { POSTGRES_MIGRATIONS } from "../../src/store/postgres/schema.js";
import { SQLITE_MIGRATIONS } from "../../src/store/sqlite/schema.js";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const SHIPPED = {
  sqlite: [
    "1400507b17ee8c91bd27aee0c7f521b4ea966a8916655a382e0ee21928025b52",
    "52e4084c86f0525ceb3ce54720c8434fd7819e23a35aa8c8b3a63d196a3acf38",
    "bb9b15499690d6361fcc76cf1723f9ae1036636eae0686a174b71f16b7d95c98",
    "9fd396743b26a92382e0d61f2de40ce31053e1ad1a960496b30d0531737f4266",
    // 5 (shadow scores packed a group to a row), added after that commit: held from its first release.
    "122b5227d11378d91c002dc9198201c23b6d2f723a0e832ac5291f361e1ff407",
  ],
  postgres: [
    "2975fa439ea27ff7a01cf0e249062e49280bcf97772bca24b08346e5d64b638e",
    "113cd0167c5deb54b6359a9f1a3345e170bdd39379c4c896b22d7d37fcbbc6d7",
    "06d7ae1465077380a43cf9755edb56dba4bb69d4234000bf78aa6441f1638beb",
  ],
};

test("every shipped migration's text is unchanged, in both dialects", () => {
  for (const [dialect, list] of [
    ["sqlite", SQLITE_MIGRATIONS],
    ["postgres", POSTGRES_MIGRATIONS],
  ] as const) {
    // Appending a migration is fine; the shipped ones come first and stay as they were.
    const shipped = SHIPPED[dialect];
    assert.ok(list.length >= shipped.length, `${dialect}: ${list.length} migrations`);
    for (const [i, digest] of shipped.entries())
      assert.equal(sha256(list[i]), digest, `${dialect} migration ${i + 1} changed:\n${list[i]}`);
  }
});

test("the shared tables keep each dialect's column types (a real SQLite file reads them back)", () => {
  const db = new Database(":memory:");
  for (const m of SQLITE_MIGRATIONS) db.exec(m);
  const types = (table: string) =>
    Object.fromEntries(
      (db.pragma(`table_info(${table})`) as { name: string; type: string }[]).map((c) => [c.name, c.type]),
    );
  assert.deepEqual(types("feedback"), {
    prediction_id: "TEXT",
    machine_failure: "INTEGER",
    modes: "TEXT",
    received_at: "INTEGER",
  });
  assert.equal(types("predictions").failure_predicted, "INTEGER");
  assert.equal(types("predictions").air_temperature, "REAL");
  db.close();
  // PostgreSQL's text, checked here without a server (test/store/postgres.test.ts applies it to one).
  assert.match(POSTGRES_MIGRATIONS[0], /id text COLLATE "C" PRIMARY KEY,/);
  assert.match(POSTGRES_MIGRATIONS[0], /failure_predicted boolean NOT NULL/);
  assert.match(POSTGRES_MIGRATIONS[0], /machine_failure smallint NOT NULL/);
  assert.match(POSTGRES_MIGRATIONS[1], /last_seen bigint NOT NULL/);
});
