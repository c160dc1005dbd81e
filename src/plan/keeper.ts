// The contract server's plan: made from the fleet's history as the service holds it, kept until
// something makes it stale (a task done, a new technicians file, a re-plan asked for), then made
// again in the background while the old one is still answered with `stale: true`. Done and skipped
// tasks are kept across re-plans, so a manager sees what was done against what was planned, and,
// given a store (the contract's audit), across restarts and between replicas (plan/outcomes.ts).
// A plan re-made in the middle of a shift keeps that shift's open tasks, marked `carried`, and the
// new solve takes them as done (plan/carry.ts). Each plan's tasks are kept (in the store, when there
// is one) as they stood when their shift began: the week's planned work against what became of it
// (plan/week.ts), and the tasks a restart carries.
import { MillwrightError } from "../core/errors.js";
import { parseTechnicians } from "./config.js";
import type { PlanMachine } from "./contract-forecast.js";
import { carryInto, doneBefore, tasksInProgress, withCarriedEvents } from "./carry.js";
import { type ContractPlan, makeContractPlan, planStartTime } from "./contract-plan.js";
import { technicianWarnings } from "./contract-warnings.js";
import type { ContractPlannedTask } from "./contract-report.js";
import type { Technician } from "./types.js";
import type { ContractTasks } from "../contract/types.js";
import { parseCostsFile, withTasks } from "./costs-file.js";
import { PlanFile } from "./plan-file.js";
import type { HistoryModel } from "../train/history-model.js";
import { OUTCOMES_KEPT_MS, type OutcomeStore, type TaskOutcome, mayFollow } from "./outcomes.js";
import { fleetTime } from "../core/fleet-time.js";
import { zoneOffsetMinutes } from "../data/time-format.js";
import { type ServedPlan, withOutcomes } from "./served-plan.js";

export type { TaskOutcome } from "./outcomes.js";

/** What the keeper plans from: the served model and the fleet's machines as they are now. */
export interface PlanSource {
  readonly model: HistoryModel;
  /** Every machine that has sent readings, with its history state, as the planner takes it. */
  planMachines(): PlanMachine[];
  /** Each machine's newest reading time (ms, or the count on a counter time): cheap, asked on every GET. */
  dataTimes(): [string, number][];
}

export class PlanKeeper {
  private latest: ContractPlan | null = null;
  private staleReason: string | null = null;
  private making: Promise<ContractPlan> | null = null;
  /** The store's recent outcomes as last read (all of them, without a store). */
  private kept: TaskOutcome[] = [];
  /** The plans' tasks as they stood when their shift began, and the latest plan's to come (as last read). */
  private keptTasks: ContractPlannedTask[] = [];
  /**
   * The done tasks known when the latest plan was begun. A task of that plan done since, here or on
   * another replica (cluster mode: its mark reaches this one only through the store), makes it stale.
   */
  private doneAtPlan = new Set<string>();
  /** Every task of every plan made: a technician working from a printed plan may mark one after a re-plan. */
  private readonly known = new Map<string, ContractPlannedTask>();
  horizonShifts = 21;
  /** The margin a task must promise over its cost (MILLWRIGHT_PLAN_MIN_RETURN); unset: the planner's default. */
  minReturn: number | undefined;

  /** The technicians (MILLWRIGHT_TECHNICIANS, or the last upload). */
  private readonly crew: PlanFile;
  /** The tasks and costs (MILLWRIGHT_COSTS, or the last upload); none: the model's contract's `tasks:`. */
  private readonly costs: PlanFile;
  /** The tasks the latest plan was made with (its amounts' currency). */
  private usedTasks: ContractTasks | null = null;

  constructor(
    private readonly svc: PlanSource,
    files: {
      technicians?: string;
      /** Where an uploaded technicians file is kept (the data dir); it wins over the configured one. */
      uploadedTechnicians?: string;
      costs?: string;
      uploadedCosts?: string;
    },
    /** Where outcomes are kept (the contract's audit); none: in memory only, for this process's life. */
    private readonly store?: OutcomeStore,
  ) {
    this.crew = new PlanFile(
      "technicians",
      "MILLWRIGHT_TECHNICIANS",
      files.technicians,
      files.uploadedTechnicians,
    );
    this.costs = new PlanFile("costs", "MILLWRIGHT_COSTS", files.costs, files.uploadedCosts);
  }

  /**
   * Reads the recent outcomes back from the store: at start (a restart must not plan a skipped task
   * as open again) and before each answer or mark (another replica may have marked one).
   */
  async loadOutcomes(): Promise<void> {
    if (!this.store) return;
    this.kept = await this.store.listOutcomes(Date.now() - OUTCOMES_KEPT_MS);
    this.keptTasks = await this.store.listPlanTasks(this.now() - OUTCOMES_KEPT_MS);
  }

  /**
   * The shop's now: the fleet's data time on a clock (a replayed or simulated fleet plans in its own
   * time), the wall clock on a counter or before any reading.
   */
  private now(): number {
    if (this.svc.model.contract.time?.counter !== false) return Date.now();
    return fleetTime(this.svc.dataTimes())?.time ?? Date.now();
  }

  get outcomes(): readonly TaskOutcome[] {
    return this.kept;
  }

  /** The technicians file the plan uses: the last upload, else MILLWRIGHT_TECHNICIANS. */
  get techniciansFile(): string | undefined {
    return this.crew.path;
  }

  /** The tasks the latest plan was made with (a task marked done writes its event), else the contract's. */
  get planTasks(): ContractTasks | null {
    return this.usedTasks ?? this.svc.model.contract.tasks;
  }

  /** The costs file the plan uses: the last upload, else MILLWRIGHT_COSTS; none: the contract's tasks. */
  get costsFile(): string | undefined {
    return this.costs.path;
  }

  /**
   * The latest plan made, and whether it is stale, for reads that must never plan: the fleet board
   * polls this, and a solve takes seconds. Nothing is made or re-made here; the checks that read
   * files or the store wait for the next GET /v1/plan. Null before the first plan.
   */
  get latestPlan(): { plan: ContractPlan; stale: boolean } | null {
    const plan = this.latest;
    if (!plan) return null;
    const stale =
      this.staleReason !== null ||
      plan.model.version !== this.svc.model.version ||
      this.dataMovedOn(plan) !== null;
    return { plan, stale };
  }

  /**
   * A manager's new technicians (YAML): checked as the CLI checks a file, kept, and the plan made
   * stale; `warnings`: a skill no task of the served contract asks for (taken: it may be a skill
   * for other work, but a misspelt one would leave that technician's tasks unplanned).
   */
  upload(text: string): { technicians: Technician[]; warnings: string[] } {
    const technicians = parseTechnicians(text, "uploaded technicians");
    this.crew.keep(text);
    if (this.latest) this.markStale("new technicians were uploaded");
    const tasks = this.planTasks;
    return {
      technicians,
      warnings: tasks ? technicianWarnings(technicians, tasks, "uploaded technicians") : [],
    };
  }

  /** A manager's new tasks and costs (YAML, the contract's `tasks:` key): checked, kept, the plan made stale. */
  uploadCosts(text: string): ContractTasks {
    const tasks = parseCostsFile(text, "uploaded costs", this.svc.model);
    this.costs.keep(text);
    if (this.latest) this.markStale("new costs were uploaded");
    return tasks;
  }

  /** The technicians the plan uses, read and checked now (throws MW_CONFIG as the plan would). */
  technicians(): Technician[] {
    const f = this.crew.read();
    if (!f)
      throw new MillwrightError(
        "MW_CONFIG",
        "no technicians: set MILLWRIGHT_TECHNICIANS to a technicians YAML file (examples/contracts/historian-technicians.yaml)",
        { field: "MILLWRIGHT_TECHNICIANS" },
      );
    return parseTechnicians(f.text, f.path);
  }

  /** The tasks and costs the plan uses: the costs file's, read and checked now, else the served contract's. */
  tasks(): ContractTasks | null {
    const f = this.costs.read();
    return f ? parseCostsFile(f.text, f.path, this.svc.model) : this.svc.model.contract.tasks;
  }

  /** Makes a plan now from the history as it is (one solve at a time: concurrent asks share it). */
  replan(reason: string | null = null): Promise<ContractPlan> {
    if (this.making) return this.making;
    const run = async () => {
      const technicians = this.technicians();
      // Read before the history is: a task done after this read is newer than the plan, so stales it.
      await this.loadOutcomes().catch(() => {}); // the store away: the outcomes last read
      const done = new Set(this.kept.filter((o) => o.status === "done").map((o) => o.id));
      const svc = this.svc;
      const model = withTasks(svc.model, this.tasks());
      this.usedTasks = model.contract.tasks;
      const machines = svc.planMachines();
      if (machines.length === 0)
        throw new MillwrightError(
          "MW_NOT_READY",
          "no machine has sent readings yet: nothing to plan (POST /v1/predict first)",
        );
      // The plan starts where the fleet's data ends (for a live fleet, now), not where one machine
      // whose clock runs ahead says it does (core/fleet-time.ts); on a counter, at the wall clock.
      const startTime = planStartTime(svc.model, machines);
      // The previous plan's open tasks of the shift in progress are carried, and solved as done (carry.ts).
      const marked = new Set(this.kept.map((o) => o.id));
      // After a restart there is no plan here: the kept tasks are the last plan's (another replica's).
      const previous = this.latest?.tasks ?? this.keptTasks;
      // A booking of a machine's task that was done in an earlier or the same shift is over too (trial
      // 10: a Wednesday job marked done on Thursday left Thursday's re-booking carried, and booked twice).
      for (const id of doneBefore(previous, this.doneBookings())) marked.add(id);
      const carried = tasksInProgress(
        previous,
        marked,
        startTime.getTime(),
        this.latest?.horizon.shift_hours ?? 8,
      );
      const tasks = model.contract.tasks;
      const made = await makeContractPlan({
        model,
        machines: tasks ? withCarriedEvents(model.contract, tasks, machines, carried) : machines,
        technicians,
        techniciansFile: this.techniciansFile,
        startTime,
        horizonShifts: this.horizonShifts,
        minReturn: this.minReturn,
        timeLimitSeconds: 10,
        madeAt: new Date(),
        underWay: carried.map((t) => ({ machine_id: t.machine_id, head: t.head, label: t.shift.label })),
        skipped: this.skippedTasks(),
      });
      const plan = carried.length > 0 ? carryInto(made, carried) : made;
      await this.keepTasks(startTime.getTime(), plan.tasks);
      this.latest = plan;
      this.doneAtPlan = done;
      for (const t of plan.tasks) this.known.set(t.id, t);
      if (this.staleReason === reason) this.staleReason = null;
      return plan;
    };
    this.making = run().finally(() => {
      this.making = null;
    });
    return this.making;
  }

  /** The outcomes of `status` with the booking each was, as the plans had it (kept, or of a plan made here). */
  private marked(status: TaskOutcome["status"]): { o: TaskOutcome; t: ContractPlannedTask }[] {
    const tasks = new Map([...this.keptTasks, ...this.known.values()].map((t) => [t.id, t]));
    return this.kept.flatMap((o) => {
      const t = o.status === status ? tasks.get(o.id) : undefined;
      return t ? [{ o, t }] : [];
    });
  }

  /** The bookings marked done. */
  private doneBookings(): ContractPlannedTask[] {
    return this.marked("done").map(({ t }) => t);
  }

  /** The skipped outcomes with the task each was (its machine, head and shift), as the planner takes them. */
  private skippedTasks() {
    return this.marked("skipped").map(({ o, t }) => ({
      machine_id: t.machine_id,
      head: t.head,
      shift_start: t.shift.start,
      reason: o.reason ?? "",
    }));
  }

  /**
   * The new plan's tasks replace the kept ones to come (outcomes.ts replacePlanTasks), here and in the
   * store. A store away loses only the week's record of this plan, not the plan.
   */
  private async keepTasks(now: number, tasks: readonly ContractPlannedTask[]): Promise<void> {
    const keepSince = now - OUTCOMES_KEPT_MS;
    const marked = new Set(this.kept.map((o) => o.id));
    const fresh = new Set(tasks.map((t) => t.id));
    const start = (t: ContractPlannedTask) => Date.parse(t.shift.start);
    this.keptTasks = [
      ...this.keptTasks.filter(
        (t) => !fresh.has(t.id) && start(t) >= keepSince && (start(t) < now || marked.has(t.id)),
      ),
      ...tasks,
    ].sort((a, b) => start(a) - start(b));
    await this.store?.replacePlanTasks(now, tasks, keepSince).catch(() => {});
  }

  /** The plan to answer with: made on first ask; a stale one is answered while a new one is made. */
  async current(): Promise<ServedPlan> {
    // A new technicians or costs file makes the plan stale (checked by its modification time, each ask).
    for (const f of [this.crew, this.costs])
      if (this.latest && f.changed() && !this.staleReason) this.markStale(`the ${f.what} file changed`);
    // A promotion or reload swapped the served model: the plan's risks are the old model's.
    if (this.latest && this.latest.model.version !== this.svc.model.version && !this.staleReason)
      this.markStale(`the served model is now ${this.svc.model.version}`);
    const moved = this.latest && !this.staleReason ? this.dataMovedOn(this.latest) : null;
    if (moved) this.markStale(moved);
    await this.loadOutcomes();
    const done = this.latest && !this.staleReason ? this.doneSincePlan(this.latest) : null;
    if (done) this.markStale(`task ${done} was done`);
    if (!this.latest) await this.replan();
    else if (this.staleReason && !this.making)
      // A failed background re-plan leaves the old plan, still marked stale, and is retried next ask.
      this.replan(this.staleReason).catch(() => {});
    return this.view(this.latest as ContractPlan);
  }

  /** A task of `plan` marked done since it was begun (on any replica), or null. */
  private doneSincePlan(plan: ContractPlan): string | null {
    const inPlan = new Set(plan.tasks.map((t) => t.id));
    return (
      this.kept.find((o) => o.status === "done" && inPlan.has(o.id) && !this.doneAtPlan.has(o.id))?.id ?? null
    );
  }

  /**
   * Why the plan is behind the fleet, or null: once the data has moved past the plan's first shift,
   * its first tasks lie in the past and its risks are a shift old (trial 3: a whole day of readings
   * left the morning's plan "fresh", and only the admin token could re-plan). On a counter time the
   * plan started at the wall clock, so the wall clock says when its first shift is over.
   */
  private dataMovedOn(plan: ContractPlan): string | null {
    const firstShiftEnd = Date.parse(plan.horizon.start) + plan.horizon.shift_hours * 3_600_000;
    if (this.svc.model.contract.time?.counter !== false)
      return Date.now() >= firstShiftEnd
        ? `the plan's first shift (${plan.horizon.labels[0]}) is over`
        : null;
    // The fleet's time, as the plan's start takes it: one machine whose clock runs ahead does not move it.
    const now = fleetTime(this.svc.dataTimes())?.time;
    if (now === undefined) return null;
    return now >= firstShiftEnd
      ? `new readings up to ${new Date(now).toISOString()}, past the plan's first shift (${plan.horizon.labels[0]}; it was made from data up to ${plan.data_time})`
      : null;
  }

  view(plan: ContractPlan): ServedPlan {
    const zone = this.svc.model.contract.time?.zone;
    return {
      ...withOutcomes(plan, this.kept, this.keptTasks, this.now(), zone ? zoneOffsetMinutes(zone) : () => 0),
      stale: this.staleReason !== null,
      stale_reason: this.staleReason,
      technicians_source: this.techniciansFile ?? "",
      costs_source: this.costsFile ?? "the contract's tasks",
      currency: this.usedTasks?.currency ?? "",
    };
  }

  markStale(reason: string): void {
    this.staleReason = reason;
    this.replan(reason).catch(() => {});
  }

  /**
   * A task of a plan made here or, when this server has made none yet, of the plan it makes now
   * from the same history (cluster mode: the page a technician works from came from another
   * replica, and this one answered 404 for every task of it).
   */
  async taskOfAnyPlan(id: string): Promise<ContractPlannedTask> {
    if (!this.known.has(id)) {
      if (this.making) await this.making.catch(() => {});
      else if (!this.latest) await this.replan().catch(() => {});
    }
    return this.task(id);
  }

  task(id: string): ContractPlannedTask {
    // A kept task: of a plan made before a restart, or on another replica (printed, then marked).
    const t = this.known.get(id) ?? this.keptTasks.find((x) => x.id === id);
    if (!t)
      throw new MillwrightError(
        "MW_NOT_FOUND",
        `no task '${id}' in any plan made (GET /v1/plan lists them)`,
        {
          field: "id",
        },
      );
    return t;
  }

  /**
   * A skipped task may still be done later; anything else twice is a conflict. With a store, in it
   * before this returns (the answer acknowledges it: nothing acknowledged is lost), and the store
   * judges the conflict, so two requests (or replicas) marking one task at once cannot both win.
   */
  async record(o: TaskOutcome): Promise<void> {
    this.checkOpen(o.id, o.status);
    const prior = this.store ? await this.store.recordOutcome(o, Date.now()) : null;
    if (prior) throw alreadyMarked(o.id, prior.status);
    this.kept = [...this.kept.filter((x) => x.id !== o.id), o];
  }

  /** Throws MW_CONFLICT before a done task's event is posted, if it could not be recorded. */
  checkOpen(id: string, status: "done" | "skipped"): void {
    const prior = this.outcomes.find((x) => x.id === id);
    if (prior && !mayFollow(prior.status, status)) throw alreadyMarked(id, prior.status);
  }
}

function alreadyMarked(id: string, status: TaskOutcome["status"]): MillwrightError {
  return new MillwrightError("MW_CONFLICT", `task '${id}' is already marked ${status}`, { field: "id" });
}
