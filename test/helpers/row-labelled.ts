// A row-labelled data contract (AI4I's shape: each row carries its outcome in a label column, no
// failure events), a small part log for it, and one version trained in process: for the tests of
// POST /v1/feedback on a contract server.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";

export const ROW_CONTRACT = `version: 1
name: parts-log
telemetry: parts.csv
time: { column: part, counter: true }
machine: { column: machine }
readings:
  - { name: feed_force, column: "Feed force [N]", unit: N, min: 0, max: 5000, words: feed force }
  - { name: coolant_temp, column: "Coolant [C]", unit: C, min: 0, max: 80 }
history: { windows: [5], stats: [mean, max] }
labels: { column: failed, modes: { broke: tool_breakage } }
`;

export const ROW_MACHINES = ["M-01", "M-02", "M-03", "M-04"];

/** Parts per machine in the training log; a server's readings continue from here. */
export const ROW_PARTS = 250;

/** 4 machines × 250 parts: a part fails (the tool breaks) once the feed force has crept past 1,150 N. */
function parts(): string {
  const lines = ["part,machine,Feed force [N],Coolant [C],failed,broke"];
  let n = 1;
  for (const [k, m] of ROW_MACHINES.entries()) {
    let wear = k * 23;
    for (let i = 0; i < ROW_PARTS; i++, n++) {
      wear++;
      const force = 800 + wear * 4 + ((n * 7919) % 40);
      const broke = force > 1150 && n % 3 === 0;
      lines.push(
        `${n},${m},${force.toFixed(1)},${(20 + ((n * 31) % 50) / 10).toFixed(1)},${broke ? 1 : 0},${broke ? 1 : 0}`,
      );
      if (broke) wear = 0;
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The shop in a temp folder, version 1.0.0 trained on it; its registry folder. */
export function rowLabelledShop(prefix: string): { dir: string; registryDir: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, "parts.csv"), parts());
  writeFileSync(join(dir, "shop.yaml"), ROW_CONTRACT);
  const { contract, text } = loadContract(join(dir, "shop.yaml"));
  const registry = new ModelRegistry(join(dir, "models"));
  const data = readContractData(contract, { learn: true, labels: "require" });
  trainHistoryAndRegister(registry, data, text, { seed: 1, split: { by: "time", testFrom: null } });
  return { dir, registryDir: registry.dir };
}

/** Machine `m`'s part `i` after the training log: low force, then high (so some answers warn). */
export function rowReading(m: number, i: number): Record<string, unknown> {
  return {
    machine_id: ROW_MACHINES[m],
    timestamp: ROW_MACHINES.length * ROW_PARTS + 1 + i * ROW_MACHINES.length + m,
    feed_force: i < 5 ? 850 + i * 3 : 1250 + i * 10,
    coolant_temp: 22.5,
  };
}
