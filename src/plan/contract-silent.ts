// Machines a plan leaves out because they stopped reporting: a decommissioned machine (or one whose
// feed broke) stays in the export's files and in the server's history, and persistence carried its
// last row forward, its since-features growing, so the plan offered tasks on a machine that was gone.
// Pure.
import type { PlanMachine } from "./contract-forecast.js";

const DAY_MS = 24 * 3600_000;

/**
 * Splits off the machines whose newest reading is more than `lookAheadMs` (the plan's own horizon),
 * and at least a week, before the fleet's newest: their state is older than anything the plan says
 * about the days ahead. The week keeps a machine that is off over a weekend (a monitoring system that
 * writes no idle hours) in a one-day plan. A counter time has no common clock (each machine's
 * counter is its own), so none is left out.
 */
export function leaveOutSilent(
  machines: PlanMachine[],
  lookAheadMs: number,
  counter: boolean,
  /** The fleet's newest reading (default the newest of all; the plan passes core/fleet-time.ts's). */
  fleetNewest?: number,
): { kept: PlanMachine[]; warnings: string[] } {
  if (counter || machines.length === 0) return { kept: machines, warnings: [] };
  const newest = fleetNewest ?? Math.max(...machines.map((m) => m.state.time));
  const limit = Math.max(lookAheadMs, 7 * DAY_MS);
  const kept: PlanMachine[] = [];
  const warnings: string[] = [];
  for (const m of machines) {
    const silent = newest - m.state.time;
    if (silent <= limit) kept.push(m);
    else
      warnings.push(
        `${m.id}: no reading since ${new Date(m.state.time).toISOString()}, ${(silent / DAY_MS).toFixed(1)} days before the fleet's newest (${new Date(newest).toISOString()}), more than the plan looks ahead or a week (${(limit / DAY_MS).toFixed(1)} days): left out of the plan (decommissioned, or not reporting?)`,
      );
  }
  return { kept, warnings };
}
