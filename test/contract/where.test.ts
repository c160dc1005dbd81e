// `where: { column, in }` on an event table or the failures: a CMMS's one export of every work order
// is the maintenance log and, by its CM and EMERG rows only, the failure log (shop D). The key's
// mistakes name their key path; the rows it leaves out are not read at all; retraining writes the
// files back so they read through the same contract to the same failures.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { retrainFiles } from "../../src/retrain/contract-data.js";
import { buildContractApp } from "../../src/serve/contract/app.js";
import { ContractService } from "../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import { readRetrainFiles } from "../helpers/retrain-files.js";
import { SHOP_CMMS_CONTRACT as TEXT, writeShopCmms } from "../helpers/shop-cmms-files.js";

const dir = mkdtempSync(join(tmpdir(), "mw-where-"));
const shop = writeShopCmms(dir);
const WHERE = "where: { column: Type, in: [CM, EMERG] }";

function load(text: string) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return loadContract(file).contract;
}
function configError(text: string, pattern: RegExp) {
  assert.throws(
    () => load(text),
    (e: unknown) => isMillwrightError(e) && e.code === "MW_CONFIG" && pattern.test(e.message),
    pattern.source,
  );
}

test("where's mistakes name the key path", () => {
  assert.ok(TEXT.includes(WHERE));
  configError(
    TEXT.replace(WHERE, "where: { column: Type, values: [CM] }"),
    /failures\.where\.values: unknown key/,
  );
  configError(TEXT.replace(WHERE, "where: { column: Type }"), /failures\.where\.in: is required/);
  configError(TEXT.replace(WHERE, "where: { column: Type, in: CM }"), /failures\.where\.in: /);
  configError(TEXT.replace(WHERE, "where: { column: Type, in: [] }"), /failures\.where\.in: /);
  configError(TEXT.replace(WHERE, "where: Type = CM"), /failures\.where: /);
  configError(
    TEXT.replace(
      "    kind: Component\n    since: true",
      "    kind: Component\n    since: true\n    where: { in: [PM] }",
    ),
    /events\[1\]\.where\.column: /,
  );
  // Numbers in the list are read as written: a priority column's 2 is the cell "2".
  const c = load(TEXT.replace("in: [CM, EMERG]", "in: [2, CM]"));
  assert.deepEqual(c.failures?.where, { column: "Type", in: ["2", "CM"] });
  // A table without it has none (and a contract without it serializes as before).
  assert.equal("where" in (c.events[0] as object), false);
});

test("where keeps the CM and EMERG work orders as failures; without it the PMs were failures too", () => {
  const c = load(TEXT);
  const d = readContractData(c, { learn: true, labels: "require" });
  const f = d.failures as NonNullable<typeof d.failures>;
  const expected = shop.failures.filter((x) => x.time < Date.parse("2026-11-17T05:00:00Z"));
  assert.equal(f.n, expected.length);
  assert.ok(f.filtered !== undefined && f.filtered > 0, "the PMs are counted as left out");
  assert.deepEqual(
    Array.from(f.time).sort(),
    expected.map((x) => x.time).sort(),
    "each failure at its work order's Opened time",
  );
  // The same file as the work-order table, without where: every CNC order, PMs included.
  assert.equal(d.events[1].n, f.n + f.filtered);
  const all = readContractData(load(TEXT.replace(`  ${WHERE}\n`, "")), { learn: true, labels: "require" });
  assert.equal(all.failures?.n, d.events[1].n);
  // The same file as two tables says its skipped machines once, not once per table.
  assert.equal(all.warnings.filter((w) => /COMP-0001/.test(w)).length, 1, all.warnings.join("\n"));
  // A left-out row is not read: a PM with a broken Opened cell is no error for the failures.
  const broken = shop.files["work_orders.csv"].replace(
    /"PM","([^"]+)","([^"]+)","[^"]+"/,
    '"PM","$1","$2","soon"',
  );
  assert.notEqual(broken, shop.files["work_orders.csv"]);
  writeFileSync(join(dir, "broken.csv"), broken);
  const b = readContractData(c, {
    learn: true,
    labels: "require",
    events: { failures: join(dir, "broken.csv") },
  });
  assert.equal(b.failures?.n, f.n);
  // A where column the file lacks names the key that wants it.
  assert.throws(
    () =>
      readContractData(load(TEXT.replace("column: Type", "column: WO Type")), {
        learn: true,
        labels: "require",
      }),
    /missing column 'WO Type' .*failures\.where\.column/,
  );
});

test("retraining writes the failures back with their where column, so they read back the same", () => {
  const c = load(TEXT);
  const registry = new ModelRegistry(join(dir, "models"));
  const data = readContractData(c, { learn: true, labels: "require" });
  const text = TEXT;
  const { version } = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
    params: { nEstimators: 5 },
  });
  const files = retrainFiles(registry, version, data.contract, [], join(dir, "retrain"));
  const back = readRetrainFiles(files);
  assert.equal(back.failures?.n, data.failures?.n);
  assert.deepEqual(Array.from(back.failures?.time ?? []), Array.from(data.failures?.time ?? []));
  assert.deepEqual(back.failures?.kind, data.failures?.kind);
});

test("GET /v1/contract shows each table's where, so what the server reads as a failure is visible", async () => {
  const registry = new ModelRegistry(join(dir, "models-served"));
  const data = readContractData(load(TEXT), { learn: true, labels: "require" });
  const { version } = trainHistoryAndRegister(registry, data, TEXT, {
    seed: 1,
    split: { by: "time", testFrom: null },
    params: { nEstimators: 5 },
  });
  const log = new SqliteHistoryLog(join(dir, "h.db"));
  const model = registry.historyModel(version);
  const service = await ContractService.open(model, registry.versionDir(version), log, []);
  const app = await buildContractApp({ service });
  try {
    const body = (await app.inject({ url: "/v1/contract" })).json();
    assert.deepEqual(body.where, { failures: { column: "Type", in: ["CM", "EMERG"] } });
  } finally {
    await app.close();
    await log.close();
  }
});
