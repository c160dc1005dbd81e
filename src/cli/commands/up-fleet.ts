// What every fleet `millwright up` serves shares: the registry's first-run check, the simulated
// AI4I fleet file the first model trains on, the live AI4I simulation (the AI4I app's or a contract
// server's, by its wire), and where a restarted server's history ends.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../../core/errors.js";
import { fleetToCsv } from "../../data/fleet-csv.js";
import type { ScenarioName } from "../../data/scenarios.js";
import { simulateFleet } from "../../data/simulate.js";
import { writeFileAtomic } from "../../registry/fsutil.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { type LiveSimulation, type LiveWire, startLiveSimulation } from "../../sim/live.js";
import type { Config } from "../config.js";

/**
 * True when the registry is empty: the first model is to be trained. False when it has a champion
 * `refuse` does not object to (it returns why this fleet cannot serve that champion, or null).
 */
export function needsFirstModel(
  registry: ModelRegistry,
  refuse: (champion: unknown) => string | null = () => null,
): boolean {
  const champion = registry.readIndex().aliases.champion;
  if (champion) {
    const why = refuse(registry.readModelJson("champion").obj);
    if (why) throw new MillwrightError("MW_REGISTRY", `${registry.dir}: its champion ${champion} ${why}`);
    return false;
  }
  // Versions without a champion are an operator's registry that lost its alias (an edited
  // registry.json, a bad restore), not an empty machine: training a new version on simulated data
  // would bury the real models under a synthetic champion. Refuse, and say how to pick one.
  const versions = registry.versions();
  if (versions.length > 0) {
    const last = versions[versions.length - 1];
    throw new MillwrightError(
      "MW_REGISTRY",
      `${registry.dir} holds versions ${versions.join(", ")} but no champion alias; promote one, e.g. \`millwright models promote ${last} --registry ${registry.dir}\`, then start again`,
      { versions },
    );
  }
  return true;
}

/** The simulated AI4I fleet (24 machines × 30 days) the first model trains on; simulated once. */
export function simulatedFleetCsv(cfg: Config, log: (s: string) => void): string {
  const file = join(cfg.dataDir, "fleet.csv");
  if (!existsSync(file)) {
    log(`no model yet: simulating 24 machines × 30 days into ${file}`);
    writeFileAtomic(file, fleetToCsv(simulateFleet({ machines: 24, days: 30, seed: 7 })));
  }
  return file;
}

export interface FleetSimulationOptions {
  machines: number;
  pace: number;
  scenario: ScenarioName | null;
  /** The server's names for readings and labels (its contract's: sim/contract-wire.ts). */
  wire: LiveWire;
}

/** `up --simulate`: the live AI4I fleet into the server at `url`, its labels 10 s later. */
export function startFleetSimulation(
  url: string,
  cfg: Config,
  o: FleetSimulationOptions,
  log: (s: string) => void,
): LiveSimulation {
  const sim = startLiveSimulation({
    baseUrl: url,
    feedbackToken: cfg.tokens.feedback,
    machines: o.machines,
    seed: 11,
    intervalMs: o.pace,
    labelDelayMs: 10_000,
    scenario: o.scenario,
    wire: o.wire,
    log,
  });
  log(`  simulating ${o.machines} machines${o.scenario ? ` with scenario ${o.scenario}` : ""}`);
  return sim;
}

/**
 * The newest reading a contract server's board holds (ms since the epoch, or the counter on a
 * counter contract), null before the first: a restarted simulation goes on after it.
 */
export async function fleetNewest(url: string): Promise<number | null> {
  let newest: number | null = null;
  let cursor: string | null = null;
  do {
    const q: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    const page = (await (await fetch(`${url}/v1/fleet?limit=200${q}`)).json()) as {
      machines: { last_reading_at?: string | number | null }[];
      next_cursor?: string | null;
    };
    for (const m of page.machines) {
      const v = m.last_reading_at;
      const t = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : Number.NaN;
      if (Number.isFinite(t) && (newest === null || t > newest)) newest = t;
    }
    cursor = page.next_cursor ?? null;
  } while (cursor !== null);
  return newest;
}
