// The contract server's maintenance plan: GET /v1/plan (the AI4I plan's JSON shape, plus the model
// version, the data time, when it was made and whether it is stale), POST /v1/plan (re-plan, admin
// token), and a technician's word on a task: POST /v1/plan/tasks/{id}/done (it becomes a
// maintenance event through the same path as POST /v1/events, so the machine's history and risk
// change) and POST /v1/plan/tasks/{id}/skipped (with a reason). Either needs the feedback or the
// admin token.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { resolveHead } from "../../contract/task-overrides.js";
import { MillwrightError } from "../../core/errors.js";
import { EVENT_COUNTER_WORDS, eventCounterValue } from "../../data/counter.js";
import { parserFor, timeWords } from "../../data/time-format.js";
import { tokenRoute } from "../auth-gate.js";
import { fleetTime } from "../../core/fleet-time.js";
import { PlanKeeper, type PlanSource } from "../../plan/keeper.js";
import type { OutcomeStore } from "../../plan/outcomes.js";
import { planMachine } from "../../plan/contract-machines.js";
import type { ContractService } from "./contract-service.js";
import { closedObject } from "../body-schema.js";
import { HORIZON_PROPERTIES } from "../plan-horizon.js";

/** What a task's mark answers of the plan: it is made again. */
const STALE = "stale: a new plan is being made (GET /v1/plan)";
/** An uploaded file's body (technicians or costs). */
const yamlBody = closedObject({ yaml: { type: "string", minLength: 1, maxLength: 1_000_000 } }, ["yaml"]);

const idParam = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 300 } },
};

export function contractPlanRoutes(
  app: FastifyInstance,
  svc: ContractService,
  opts: {
    technicians?: string;
    uploadedTechnicians?: string;
    /** Tasks and costs YAML (MILLWRIGHT_COSTS), and where PUT /v1/plan/costs keeps an upload. */
    costs?: string;
    uploadedCosts?: string;
    minReturn?: number;
    /** Where done and skipped tasks are kept (the contract's audit); none: in memory only. */
    outcomes?: OutcomeStore;
  },
): PlanKeeper {
  const source: PlanSource = {
    get model() {
      return svc.model;
    },
    dataTimes: () =>
      svc.fleet.machinesWithReadings().map((id): [string, number] => [id, svc.fleet.lastTime(id) as number]),
    planMachines: () =>
      svc.fleet
        .machinesWithReadings()
        .map((id) =>
          planMachine(
            svc.model.contract,
            svc.fleet.plan,
            id,
            svc.fleet.snapshot(id)!,
            svc.machines?.attributesOf(id),
          ),
        ),
  };
  const keeper = new PlanKeeper(source, opts, opts.outcomes);
  keeper.minReturn = opts.minReturn;
  // Read at start too (trial 3: a misspelt key in the file of a Friday-night restart was found only
  // when someone asked for Monday's plan). The server serves on: only the plan needs them. No
  // technicians at all is a choice (a shop that does not plan yet): said, not warned of.
  if (!keeper.techniciansFile)
    app.log.info(
      "no technicians (MILLWRIGHT_TECHNICIANS): GET /v1/plan answers MW_CONFIG until they are given",
    );
  const checks = [
    ["technicians", () => keeper.techniciansFile && keeper.technicians()],
    ["costs", () => keeper.tasks()],
  ] as const;
  for (const [what, check] of checks)
    try {
      check();
    } catch (e) {
      app.log.warn(`${what}: ${(e as Error).message}; GET /v1/plan answers this error until it is fixed`);
    }
  const tags = ["plan"];
  // A route that needs one of `names`' tokens: the gate checks it (and counts a client's failures
  // with every other route's), and the docs say so.
  const guarded = (names: ("admin" | "feedback")[], schema: object) => tokenRoute(names, { tags, ...schema });
  /** The open task a request names (not yet `status`), and how to record what became of it. */
  const openTask = async (req: FastifyRequest, status: "done" | "skipped") => {
    const { id } = req.params as { id: string };
    // First: a task marked before a restart (or on another replica) may be in no plan made here
    // since (done, it is planned no more), and is a conflict, not an unknown task; nor is a done
    // task's event posted again.
    await keeper.loadOutcomes();
    keeper.checkOpen(id, status);
    const t = await keeper.taskOfAnyPlan(id);
    const record = (at: string, more: { event_id?: string; reason?: string } = {}) =>
      keeper.record({
        id,
        machine_id: t.machine_id,
        task: t.task,
        shift: t.shift.label,
        status,
        at,
        ...more,
      });
    return { id, t, record };
  };
  app.put(
    "/v1/plan/technicians",
    guarded(["admin"], {
      summary:
        "Upload the technicians (admin token): YAML as for millwright plan --technicians, checked the same way; the plan goes stale",
      body: yamlBody,
    }),
    async (req) => {
      const { technicians, warnings } = keeper.upload((req.body as { yaml: string }).yaml);
      return { technicians: technicians.map((t) => t.name), source: keeper.techniciansFile, warnings };
    },
  );
  app.put(
    "/v1/plan/costs",
    guarded(["admin"], {
      summary:
        "Upload the tasks and costs (admin token): YAML, the contract's tasks: key, as for millwright plan --costs, checked against the served contract; the plan goes stale",
      body: yamlBody,
    }),
    async (req) => {
      const tasks = keeper.uploadCosts((req.body as { yaml: string }).yaml);
      return {
        planned_cost_per_hour: tasks.plannedCostPerHour,
        currency: tasks.currency ?? "",
        heads: tasks.heads.map((h) => ({ head: h.head, task: h.task?.name ?? null })),
        source: keeper.costsFile,
      };
    },
  );
  app.get(
    "/v1/plan",
    {
      schema: {
        tags,
        summary:
          "The current maintenance plan (made on first ask; stale: true while a new one is made), with its done and skipped tasks and the week's planned work against what became of it (week)",
      },
    },
    async () => keeper.current(),
  );
  app.post(
    "/v1/plan",
    guarded(["admin"], {
      summary: "Re-plan now (admin token), optionally over another horizon",
      body: closedObject(HORIZON_PROPERTIES),
    }),
    async (req) => {
      const b = (req.body ?? {}) as { horizon_days?: number; horizon_shifts?: number };
      if (b.horizon_shifts !== undefined) keeper.horizonShifts = b.horizon_shifts;
      else if (b.horizon_days !== undefined) keeper.horizonShifts = Math.round(b.horizon_days * 3);
      const plan = await keeper.replan("re-plan asked for");
      await keeper.loadOutcomes();
      return keeper.view(plan);
    },
  );
  app.post(
    "/v1/plan/tasks/:id/done",
    guarded(["feedback", "admin"], {
      summary:
        "A technician marks a task done (feedback or admin token): it becomes the contract task's event",
      params: idParam,
      body: {
        type: ["object", "null"],
        additionalProperties: false,
        properties: {
          // anyOf, not a type list: Ajv's strict mode warns at start-up on union types.
          timestamp: {
            anyOf: [{ type: "string" }, { type: "number" }],
            description:
              "when it was done (default: now, the fleet's newest reading, or the end of its shift once that has passed)",
          },
        },
      },
    }),
    async (req) => {
      const { id, t, record } = await openTask(req, "done");
      // The machine's own task (its make's or model's override): its event is what the plan counted on.
      const head = keeper.planTasks?.heads.find((h) => h.head === t.head);
      const spec =
        head && resolveHead(head, t.machine_id, svc.machines?.attributesOf(t.machine_id) ?? {}).task;
      const body = (req.body ?? {}) as { timestamp?: string | number };
      const counter = svc.model.contract.time?.counter !== false;
      // Not said: now (the fleet's time), or the shift's end when the fleet has passed it. The shift's
      // start was taken, hours ahead for a task marked done before its shift, and the risk of the
      // part just replaced stayed up on the board until then (trial 9).
      const fleetNow = fleetTime(source.dataTimes())?.time ?? Date.parse(t.shift.start);
      const when =
        body.timestamp ??
        (counter
          ? (svc.fleet.lastTime(t.machine_id) ?? 0)
          : new Date(Math.min(fleetNow, Date.parse(t.shift.end))).toISOString());
      if (
        counter
          ? !Number.isFinite(eventCounterValue(when))
          : // as POST /v1/events reads it (the contract's time.format and zone), which it goes through
            typeof when !== "string" || !Number.isFinite(parserFor(svc.model.contract.time)(when))
      )
        throw new MillwrightError(
          "MW_VALIDATION",
          `body.timestamp: must be ${counter ? EVENT_COUNTER_WORDS : timeWords(svc.model.contract.time)}`,
          { field: "body.timestamp" },
        );
      let event: { id: string; table: string; kind: string; outcome: string } | null = null;
      const e = spec?.event;
      if (e && "table" in e) {
        const eventId = `plan-task:${id}`;
        // The same path as POST /v1/events: checked, logged, idempotent by id, applied to the history.
        const [outcome] = await svc.events([
          { id: eventId, table: e.table, machine_id: t.machine_id, timestamp: when, kind: e.kind },
        ]);
        event = { id: eventId, table: e.table, kind: e.kind, outcome };
      }
      await record(typeof when === "number" ? String(when) : when, event ? { event_id: event.id } : {});
      keeper.markStale(`task ${id} was done`);
      return { id, status: "done", event, plan: STALE };
    },
  );
  app.post(
    "/v1/plan/tasks/:id/skipped",
    guarded(["feedback", "admin"], {
      summary:
        "A technician marks a task skipped, with a reason (feedback or admin token): the plan is made again without it in that shift",
      params: idParam,
      body: closedObject({ reason: { type: "string", minLength: 1, maxLength: 500 } }, ["reason"]),
    }),
    async (req) => {
      const { id, record } = await openTask(req, "skipped");
      const { reason } = req.body as { reason: string };
      // Answered only once it is in the store: a restart must not plan a skipped task again.
      await record(new Date().toISOString(), { reason });
      // Re-planned: the shift's hours go to other work, and that shift does not get the task again.
      keeper.markStale(`task ${id} was skipped`);
      return { id, status: "skipped", reason, plan: STALE };
    },
  );
  return keeper;
}
