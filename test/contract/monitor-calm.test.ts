// The contract server's drift monitor does not cry wolf and still sees a change. A calm fleet (the
// historian fleet `millwright up --fleet historian --simulate` plays, and shop E before its change)
// reports no dataset drift from its first live hour on; shop E's sensor recalibration (vibration
// 0.45×, coolant 5 °C cooler) is reported within a day. Real trained versions and their
// reference.json, the server's own ContractMonitor fed reading by reading as the service feeds it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Registry as PromRegistry } from "prom-client";
import { firstHours, TRAIN_DAYS } from "../../src/cli/commands/up-historian.js";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { simulateHistorian } from "../../src/data/historian.js";
import { historianToCsv } from "../../src/data/historian-csv.js";
import { HISTORIAN_SENSORS } from "../../src/data/historian-spec.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { type ContractMonitorReport, ContractMonitor } from "../../src/monitor/live/monitor.js";
import { tellReading } from "../../src/monitor/live/history-observer.js";
import { SHOP_LIVE_CONTRACT, shopLive } from "../helpers/shop-live.js";

const H = 3_600_000;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A version trained from the contract in `dir` (few trees: drift reads the readings, not the model). */
function monitorFor(contractFile: string): { monitor: ContractMonitor; prom: PromRegistry; names: string[] } {
  const { contract, text } = loadContract(contractFile);
  const registry = new ModelRegistry(join(mkdtempSync(join(tmpdir(), "mw-calm-reg-")), "models"));
  dirs.push(join(registry.dir, ".."));
  const data = readContractData(contract, { learn: true, labels: "require" });
  const split = { by: "time" as const, testFrom: null };
  const { version } = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split,
    params: { nEstimators: 3 },
  });
  const prom = new PromRegistry();
  const monitor = new ContractMonitor(registry.historyModel(version), registry.versionDir(version), prom);
  return { monitor, prom, names: contract.readings.map((r) => r.name) };
}

/** One scored reading told to the monitor as a replay tells it; its feature row holds the values (a counter as told). */
function tell(monitor: ContractMonitor, machine: string, time: number, values: (number | null)[]): void {
  const r = {
    id: "",
    machine,
    time,
    values,
    modelVersion: "",
    predictedAt: 0,
    failureProbability: 0,
    heads: {},
  };
  tellReading(
    [monitor],
    r,
    Float64Array.from(values, (v) => v ?? Number.NaN),
  );
}

type Look = { at: number; r: ContractMonitorReport };
const brief = (l: Look) =>
  `${JSON.stringify(l.r.drift_window)} share ${l.r.drift?.drift_share} ${l.r.drift?.features.map((f) => `${f.feature} ${f.score.toFixed(3)}/${f.threshold.toFixed(3)}`).join(", ")}`;

test("the historian fleet, played live as `npm start -- --fleet historian --simulate` does: no dataset drift from its first hour", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mw-calm-hist-"));
  dirs.push(dir);
  // The fleet `millwright up` simulates (TRAIN_DAYS + 120 days, seed 7), its first 14 live days played.
  const days = 14;
  const h = simulateHistorian({ machines: 24, days: TRAIN_DAYS + 120, seed: 7 });
  for (const [name, text] of Object.entries(historianToCsv(firstHours(h, TRAIN_DAYS * 24))))
    writeFileSync(join(dir, name), text);
  const example = readFileSync("examples/contracts/historian.yaml", "utf8");
  writeFileSync(join(dir, "contract.yaml"), example.replace(/\.\.\/historian\//g, ""));
  const { monitor, prom } = monitorFor(join(dir, "contract.yaml"));
  const looks: Look[] = [];
  for (let hour = TRAIN_DAYS * 24; hour < (TRAIN_DAYS + days) * 24; hour++) {
    const at = h.startMs + hour * H;
    for (const m of h.machines)
      tell(
        monitor,
        m.id,
        at,
        HISTORIAN_SENSORS.map((s) => {
          const xs = m.readings[s.name];
          return xs ? Number(xs[hour].toFixed(s.digits)) : null;
        }),
      );
    looks.push({ at, r: monitor.report() });
  }
  // The first day is not tested at all: a few hours of a fleet are not comparable with 60 days.
  for (const l of looks.slice(0, 23)) {
    assert.equal(l.r.drift, null, brief(l));
    assert.equal(l.r.drift_window?.full, false);
  }
  assert.match(await prom.metrics(), /^millwright_dataset_drift 0$/m);
  const tested = looks.filter((l) => l.r.drift !== null);
  assert.ok(tested.length >= (days - 1) * 24, `${tested.length} looks tested`);
  const worst = tested.reduce((a, b) =>
    (b.r.drift?.drift_share ?? 0) > (a.r.drift?.drift_share ?? 0) ? b : a,
  );
  t.diagnostic(`${tested.length} looks; largest share: ${brief(worst)}`);
  for (const l of tested) assert.equal(l.r.drift?.dataset_drift, false, brief(l));
  // The window is the last day: 24 machines × 24 hours, every reading tested.
  assert.deepEqual(tested.at(-1)?.r.drift_window, { rows: 576, hours: 23, full: true, span_hours: 24 });
});

test("shop E: calm until its sensors are recalibrated, dataset drift within a day of it, on vibration and coolant", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mw-calm-e-"));
  dirs.push(dir);
  const shop = shopLive(dir, { liveDays: 10, driftDay: 8, change: "recalibration" });
  writeFileSync(join(dir, "shop-e.yaml"), SHOP_LIVE_CONTRACT);
  const { monitor, prom, names } = monitorFor(join(dir, "shop-e.yaml"));
  const looks: Look[] = [];
  let next = shop.liveFrom;
  for (const r of [...shop.warmup.readings, ...shop.readings]) {
    const at = Date.parse(r.timestamp);
    if (at >= next) {
      looks.push({ at, r: monitor.report() });
      next += H;
    }
    tell(
      monitor,
      r.machine_id,
      at,
      names.map((n) => r[n as keyof typeof r] as number),
    );
  }
  const calm = looks.filter((l) => l.at <= shop.driftFrom).slice(1);
  const changed = looks.filter((l) => l.at > shop.driftFrom);
  // The bridge's warm-up posted the export's last day (24 h less 5 min): the window is full from
  // the second live hour on.
  assert.deepEqual([looks[0].r.drift_window?.full, looks[1].r.drift_window?.full], [false, true]);
  const worst = calm.reduce((a, b) =>
    (b.r.drift?.drift_share ?? 0) > (a.r.drift?.drift_share ?? 0) ? b : a,
  );
  t.diagnostic(`calm: ${calm.length} looks; largest share: ${brief(worst)}`);
  for (const l of calm) assert.equal(l.r.drift?.dataset_drift, false, brief(l));
  const first = changed.find((l) => l.r.drift?.dataset_drift);
  assert.ok(first, "dataset drift after the change");
  t.diagnostic(`first dataset drift ${(first.at - shop.driftFrom) / H} h after the change: ${brief(first)}`);
  assert.ok(first.at <= shop.driftFrom + 24 * H, `${(first.at - shop.driftFrom) / H} h`);
  const drifted = first.r.drift?.features.filter((f) => f.drifted).map((f) => f.feature);
  assert.deepEqual(drifted, ["spindle_vib_rms", "coolant_temp_c"]);
  // And it stays: every look from then on, exported for MillwrightDatasetDrift.
  for (const l of changed.filter((x) => x.at >= first.at))
    assert.equal(l.r.drift?.dataset_drift, true, brief(l));
  assert.match(await prom.metrics(), /^millwright_dataset_drift 1$/m);
});
