// The `revert` forecast (README "Tasks and the plan"). The model's probability p of a head is the
// chance of a failure within the contract's horizon H after the reading it scored. Persistence
// holds that reading's symptoms for the whole plan, so a machine that looks bad today stays bad
// all week and a healthy-looking one stays healthy: measured against what happened, its 7-day risk
// was far too high for the first and far too low for the second (BENCHMARKS.md, plan backtest).
// Beyond H from the machine's last reading nothing is known about its readings, so its risk of
// each kind at a shift there is the fleet's mean risk of that kind at that shift (climatology:
// right on average), and within H its own. It also means a risk the model sees today is today's:
// a task put off past H gets no credit for it. A task's risk after is at most the risk before.
// Needs a clock time and a fleet (3 machines or more that the kind applies to); otherwise the
// forecast of that kind stays persistence.
import type { Contract } from "../contract/types.js";
import { MS_PER_HOUR } from "../features/plan.js";
import { type ContractForecast, headNames } from "./contract-forecast.js";

export function revertToFleet(all: ContractForecast[], c: Contract, start: number, shiftHours: number): void {
  const horizon = c.failures?.horizon.size;
  if (horizon === undefined || c.time?.counter !== false) return;
  // By name, not position: the fleet's mean of a kind is over the machines it applies to.
  for (const head of headNames(all)) {
    const has = all.flatMap((f) => f.heads.filter((h) => h.head === head).map((h) => ({ f, h })));
    if (has.length < 3) continue;
    const S = has[0].h.hazard.length;
    const mean = Array.from({ length: S }, (_, u) => has.reduce((a, x) => a + x.h.hazard[u], 0) / has.length);
    for (const { f, h } of has) {
      for (let u = 0; u < S; u++) {
        const mid = start + (u + 0.5) * shiftHours * MS_PER_HOUR;
        if (mid - f.machine.state.time > horizon) h.hazard[u] = mean[u];
      }
      for (const row of h.hazardAfter ?? [])
        for (let u = 0; u < S; u++) if (row[u] > h.hazard[u]) row[u] = h.hazard[u];
    }
  }
}
