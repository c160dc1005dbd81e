// The AI4I server's plan, kept until something makes it stale (a promotion or reload of the served
// model, new technicians or costs uploaded, a re-plan asked for), then made again in the background
// while the old one is still answered with `stale: true`, as the contract server does
// (contract/plan-state.ts). Every plan says what it was made from: the model version, the newest
// reading it used and when it was made.
//
// Technicians and costs: an upload (PUT /v1/plan/technicians, /v1/plan/costs, admin token) is
// checked by the CLI's own parsers, kept in the data directory and wins over MILLWRIGHT_TECHNICIANS
// and MILLWRIGHT_COSTS (the shipped examples when those are unset).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import { parseCosts, parseTechnicians } from "../plan/config.js";
import type { PlanResult } from "../plan/plan.js";
import type { CostConfig, Technician } from "../plan/types.js";
import { writeFileAtomic } from "../registry/fsutil.js";
import { type PlanningConfig, loadPlanningConfig } from "../plan/planning.js";

export interface PlanFreshness {
  model: { name: string; version: string };
  /** The newest reading the plan used (ISO; null when readings carry no timestamp). */
  data_time: string | null;
  made_at: string;
}

export type KeptPlan = PlanResult & PlanFreshness;

export type ServedAi4iPlan = KeptPlan & {
  stale: boolean;
  stale_reason: string | null;
  technicians_source: string;
  costs_source: string;
};

/** Makes a plan with these technicians and costs (the route's inputs: horizon, cost per hour). */
export type PlanMaker = (config: PlanningConfig) => Promise<KeptPlan>;

export class Ai4iPlanKeeper {
  latest: KeptPlan | null = null;
  private staleReason: string | null = null;
  private making: Promise<KeptPlan> | null = null;
  private config: PlanningConfig | null = null;
  /** The last maker used: a background re-plan repeats the last asked horizon and cost per hour. */
  private maker: PlanMaker | null = null;

  constructor(
    private readonly files: { techniciansFile?: string; costsFile?: string; dataDir?: string },
    /** The version the server serves now (null: none loaded). */
    private readonly served: () => string | null,
  ) {}

  private uploaded(what: "technicians" | "costs"): string | null {
    return this.files.dataDir ? join(this.files.dataDir, `plan-${what}.yaml`) : null;
  }

  private fileFor(what: "technicians" | "costs"): string | undefined {
    const up = this.uploaded(what);
    if (up && existsSync(up)) return up;
    return what === "technicians" ? this.files.techniciansFile : this.files.costsFile;
  }

  planning(): PlanningConfig {
    this.config ??= loadPlanningConfig(this.fileFor("technicians"), this.fileFor("costs"));
    return this.config;
  }

  /** Technicians YAML as for `millwright plan --technicians`: checked, kept, the plan made stale. */
  uploadTechnicians(text: string): Technician[] {
    const technicians = parseTechnicians(text, "uploaded technicians");
    this.keep("technicians", text);
    return technicians;
  }

  /** Costs YAML as for `millwright plan --costs`: checked, kept, the plan made stale. */
  uploadCosts(text: string): CostConfig {
    const costs = parseCosts(text, "uploaded costs");
    this.keep("costs", text);
    return costs;
  }

  private keep(what: "technicians" | "costs", text: string): void {
    const file = this.uploaded(what);
    if (!file)
      throw new MillwrightError("MW_CONFIG", `this server keeps no uploaded ${what} (no data directory)`);
    writeFileAtomic(file, text.endsWith("\n") ? text : `${text}\n`);
    this.config = null;
    if (this.latest) this.markStale(`new ${what} were uploaded`);
  }

  /**
   * Makes a plan now, one solve at a time: asks with the same inputs share the solve under way; a
   * re-plan with other inputs (POST /v1/plan) waits for it and then solves with its own.
   */
  replan(maker: PlanMaker, reason: string | null = null): Promise<KeptPlan> {
    const same = this.maker === maker;
    this.maker = maker;
    if (this.making && same) return this.making;
    const before = this.making?.catch(() => null) ?? Promise.resolve(null);
    const making: Promise<KeptPlan> = before
      .then(() => maker(this.planning()))
      .then((plan) => {
        this.latest = plan;
        if (this.staleReason === reason) this.staleReason = null;
        return plan;
      })
      .finally(() => {
        if (this.making === making) this.making = null;
      });
    this.making = making;
    return making;
  }

  /** The plan to answer with: made on first ask; a stale one is answered while a new one is made. */
  async current(firstMaker: PlanMaker): Promise<ServedAi4iPlan> {
    const served = this.served();
    if (this.latest && served !== null && this.latest.model.version !== served && !this.staleReason)
      this.markStale(`the served model is now ${served}`);
    if (!this.latest) await this.replan(firstMaker);
    else if (this.staleReason && !this.making)
      // A failed background re-plan leaves the old plan, still marked stale, and is retried next ask.
      this.replan(this.maker ?? firstMaker, this.staleReason).catch(() => {});
    return this.view(this.latest as KeptPlan);
  }

  view(plan: KeptPlan): ServedAi4iPlan {
    const cfg = this.config;
    return {
      ...plan,
      stale: this.staleReason !== null,
      stale_reason: this.staleReason,
      technicians_source: cfg?.source.technicians ?? "",
      costs_source: cfg?.source.costs ?? "",
    };
  }

  markStale(reason: string): void {
    this.staleReason = reason;
    if (this.maker) this.replan(this.maker, reason).catch(() => {});
  }
}

/** The newest timestamp among the readings a plan used (ISO), or null. */
export function newestReading(machines: { history: { timestamp?: string }[] }[]): string | null {
  let best: number | null = null;
  for (const m of machines)
    for (const r of m.history) {
      const t = r.timestamp ? Date.parse(r.timestamp) : Number.NaN;
      if (Number.isFinite(t) && (best === null || t > best)) best = t;
    }
  return best === null ? null : new Date(best).toISOString();
}
