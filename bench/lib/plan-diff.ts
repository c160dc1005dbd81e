// Why the MIP and the greedy planner part ways over the weeks: on the MIP's own mornings, the
// greedy plan of the same forecast is made too and the day's tasks (the first 3 shifts, the only
// ones done before the next plan) compared. A task greedy does today that the MIP puts later in
// the week is "deferred"; one the MIP does today that greedy leaves for later or never is "pulled".
// Each differing morning is kept with both plans' numbers for that task, so the end of the run can
// say what then happened to that part in the MIP's world.
import type { World } from "./backtest-world.js";

interface PlanTask {
  machine_id: string;
  head: string;
  shift: { index: number };
  technician: string;
  reach: number;
  risk_before: number;
  risk_after: number;
  avoided_cost: number;
  planned_cost: number;
}
interface Plan {
  tasks: PlanTask[];
  objective: number;
}

interface Differing {
  morning: number;
  key: string;
  mip: PlanTask | undefined;
  greedy: PlanTask | undefined;
  mipObjective: number;
  greedyObjective: number;
}

const DAY = 86_400_000;

export class PlanDiff {
  mornings = 0;
  differ = 0;
  deferred = 0;
  deferredShift = 0;
  pulled = 0;
  pulledNever = 0;
  /** Tasks both do today, in a later (earlier) shift of the day by the MIP than by greedy. */
  laterInDay = 0;
  earlierInDay = 0;
  mipObj = 0;
  greedyObj = 0;
  private cases: Differing[] = [];

  compare(morning: number, mip: Plan, greedy: Plan): void {
    const key = (t: PlanTask) => `${t.machine_id}:${t.head}`;
    const m = new Map(mip.tasks.map((t) => [key(t), t]));
    const g = new Map(greedy.tasks.map((t) => [key(t), t]));
    const today = (x: Map<string, PlanTask>) =>
      new Set([...x].filter(([, t]) => t.shift.index < 3).map(([k]) => k));
    const mt = today(m);
    const gt = today(g);
    this.mornings++;
    this.mipObj += mip.objective;
    this.greedyObj += greedy.objective;
    const keep = (k: string) =>
      this.cases.push({
        morning,
        key: k,
        mip: m.get(k),
        greedy: g.get(k),
        mipObjective: mip.objective,
        greedyObjective: greedy.objective,
      });
    const differing = [...new Set([...mt, ...gt])].filter((k) => mt.has(k) !== gt.has(k));
    if (differing.length > 0) this.differ++;
    for (const k of mt) {
      const ms = m.get(k)?.shift.index ?? 0;
      const gs = g.get(k)?.shift.index ?? 0;
      if (gt.has(k) && ms > gs) this.laterInDay++;
      if (gt.has(k) && ms < gs) this.earlierInDay++;
      if (gt.has(k) && ms !== gs) keep(k);
    }
    for (const k of differing) {
      keep(k);
      if (gt.has(k) && m.has(k)) {
        this.deferred++;
        this.deferredShift += m.get(k)?.shift.index ?? 0;
      }
      if (mt.has(k)) {
        this.pulled++;
        if (!g.has(k)) this.pulledNever++;
      }
    }
  }

  summary(): Record<string, number> {
    const { mornings, differ, deferred, pulled, pulledNever, laterInDay, earlierInDay, mipObj, greedyObj } =
      this;
    const deferredShift = deferred ? this.deferredShift / deferred : 0;
    return {
      mornings,
      differ,
      deferred,
      deferredShift,
      pulled,
      pulledNever,
      laterInDay,
      earlierInDay,
      mipObj,
      greedyObj,
    };
  }

  /** The differing tasks as data (BACKTEST_DUMP). */
  records(): Differing[] {
    return this.cases;
  }

  /** One line per differing task: both plans' numbers and what the MIP's world did with that part next. */
  lines(w: World): string[] {
    const f = (t: PlanTask | undefined) =>
      t
        ? `shift ${t.shift.index} (${t.technician}), reach ${t.reach.toFixed(3)}, before ${t.risk_before.toFixed(3)}, after ${t.risk_after.toFixed(3)}, avoided ${Math.round(t.avoided_cost)}, cost ${Math.round(t.planned_cost)}`
        : "not planned";
    return this.cases.map((c) => {
      const [machine, head] = c.key.split(":");
      const index = w.sim.machines.findIndex((x) => x.id === machine);
      const when = (ms: number) => `+${((ms - c.morning) / DAY).toFixed(1)} d`;
      const failed = w.sim.failures.find(
        (x) => x.machine === index && x.component === head && x.ms >= c.morning && x.ms < c.morning + 7 * DAY,
      );
      const swapped = w.sim.maintenance.find(
        (x) => x.machine === index && x.component === head && x.ms >= c.morning && x.ms < c.morning + 7 * DAY,
      );
      const then = [
        failed ? `failed ${when(failed.ms)}` : "no failure in 7 d",
        swapped ? `replaced (${swapped.reason}) ${when(swapped.ms)}` : "",
      ]
        .filter(Boolean)
        .join(", ");
      return `${new Date(c.morning).toISOString().slice(0, 10)} ${c.key}: MIP ${f(c.mip)} | greedy ${f(c.greedy)} | objectives ${Math.round(c.mipObjective)} vs ${Math.round(c.greedyObjective)} | MIP world: ${then}`;
    });
  }
}
