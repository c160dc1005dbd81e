// GET /v1/models' lineage in short, for a contract with one telemetry export per make (trials 8 and
// 9: the rows and the hash were the first file's alone, 5,501 of 12,859 rows).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { lineageOf } from "../../../src/serve/contract/routes-models.js";

test("rows over every telemetry file, and one hash of their hashes; one file: its own", () => {
  const data = [
    { role: "telemetry", sha256: "aa", rows: 5501 },
    { role: "telemetry", sha256: "bb", rows: 4642 },
    { role: "events", sha256: "cc", rows: 80 },
    { role: "telemetry", sha256: "dd", rows: 2716 },
  ];
  const l = lineageOf({ data, seed: 7 });
  assert.equal(l?.rows, 12_859);
  assert.equal(l?.telemetry_files, 3);
  assert.equal(l?.files, 4);
  assert.equal(l?.data_sha256, createHash("sha256").update("aa\nbb\ndd").digest("hex"));
  const one = lineageOf({ data: [{ role: "telemetry", sha256: "aa", rows: 10 }, data[2]] });
  assert.deepEqual([one?.rows, one?.data_sha256, one?.telemetry_files], [10, "aa", 1]);
  assert.equal(lineageOf({ data: [{ role: "telemetry", sha256: "aa" }] })?.rows, null, "rows unknown: null");
});
