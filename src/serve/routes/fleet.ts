// The fleet board's data: each known machine's latest risk, likeliest mode, trend and reasons in
// words, a page at a time; one machine's history; and the machine table (registered by an admin).
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { featureMatrix } from "../../features/physics.js";
import { type Contribution, explainRow } from "../../train/ai4i-explain.js";
import type { Ctx } from "../context.js";
import { MAX_ID_LENGTH } from "../../core/limits.js";
import { MAX_MACHINES, parseMachine } from "../machine-table.js";
import type { KeptPlan } from "../plan-keeper.js";
import { tokenRoute } from "../auth-gate.js";

/** Machines per page of /v1/fleet: each costs one TreeSHAP explanation (~1 ms) on the event loop. */
export const MAX_PAGE = 200;

export const pageQuery = {
  type: "object",
  properties: {
    limit: { type: "integer", minimum: 1, maximum: MAX_PAGE, default: 100 },
    cursor: { type: "string", maxLength: MAX_ID_LENGTH, description: "next_cursor of the previous page" },
  },
} as const;

/** Query strings are strings (the app does not coerce): read limit and cursor by hand. */
export function pageOf(query: unknown): { limit: number; cursor?: string } {
  const q = (query ?? {}) as Record<string, unknown>;
  const fail = (f: string, m: string): never => {
    throw new MillwrightError("MW_VALIDATION", `querystring.${f}: ${m}`, { field: `querystring.${f}` });
  };
  let limit = 100;
  if (q.limit !== undefined) {
    limit = typeof q.limit === "string" && /^[0-9]{1,4}$/.test(q.limit) ? Number(q.limit) : 0;
    if (limit < 1 || limit > MAX_PAGE) fail("limit", `must be an integer from 1 to ${MAX_PAGE}`);
  }
  if (q.cursor !== undefined && (typeof q.cursor !== "string" || q.cursor.length > MAX_ID_LENGTH))
    fail("cursor", "must be the next_cursor of the previous page");
  return { limit, cursor: q.cursor as string | undefined };
}

const noValidation = () => (data: unknown) => ({ value: data });

/**
 * The board's reasons: what raises the risk; when nothing does (a low risk, as most machines have
 * most of the time), what keeps it low. Showing only the raising ones left most rows empty.
 */
export function fleetReasons(top: Contribution[]): string[] {
  const raising = top.filter((c) => c.contribution > 0);
  return (raising.length > 0 ? raising : top).map((c) => c.text);
}

export function fleetRoutes(app: FastifyInstance, ctx: Ctx): void {
  const tags = ["fleet"];
  app.get(
    "/v1/fleet",
    {
      schema: {
        tags,
        summary:
          "Known machines' current risk, likeliest failure mode, trend and top reasons (what raises the risk, or else what keeps it low), by page; last_reading_at is the reading's own (shop) time",
        description: `Sorted by machine id; \`limit\` (≤ ${MAX_PAGE}) machines after \`cursor\`. \`next_cursor\` is null on the last page. Only registered machines are on the board; \`unregistered\` counts the recent others.`,
        querystring: pageQuery,
      },
      validatorCompiler: noValidation,
    },
    async (req) => {
      const q = pageOf(req.query);
      const limit = q.limit;
      const bundle = ctx.models.current?.bundle;
      const page = ctx.fleet.summary(q.cursor, limit + 1);
      const more = page.length > limit;
      const machines = page.slice(0, limit).map((m) => {
        let reasons: string[] = [];
        if (bundle) reasons = fleetReasons(explainRow(bundle, featureMatrix([m.reading]).data, 3).top);
        // The machine's own clock (simulated shop time under `up --simulate`), not the server's.
        const last_reading_at = m.reading.timestamp ?? m.last_seen;
        return { ...m, last_reading_at, reasons };
      });
      return {
        generated_at: new Date().toISOString(),
        total: ctx.fleet.machineCount(),
        machines,
        next_cursor: more ? machines[machines.length - 1].machine_id : null,
        unregistered: { recent: ctx.fleet.strangerIds().length },
      };
    },
  );

  app.get(
    "/v1/machines/:id",
    { schema: { tags, summary: "One machine's readings, risk, labels and planned tasks" } },
    async (req) => {
      const id = (req.params as { id: string }).id;
      const hist = ctx.fleet.history(id);
      if (!hist) throw new MillwrightError("MW_NOT_FOUND", `no predictions for machine '${id}' yet`);
      const labelled = await Promise.all(hist.slice(-100).map((r) => ctx.store.getPrediction(r.id)));
      return {
        machine_id: id,
        machine_model:
          ctx.machines.get(id)?.machine_model ?? hist[hist.length - 1].reading.machine_model ?? "unknown",
        registered: ctx.machines.has(id),
        history: hist.slice(-100).map((r, i) => ({
          prediction_id: r.id,
          predicted_at: new Date(r.predictedAt).toISOString(),
          reading: r.reading,
          failure_probability: r.failureProbability,
          failure_predicted: r.failurePredicted,
          modes: r.modes,
          label: labelled[i]?.label
            ? { machine_failure: labelled[i]?.label?.machineFailure, modes: labelled[i]?.label?.modes }
            : null,
        })),
        tasks: ctx.plan?.latest?.tasks.filter((t) => t.machine_id === id) ?? [],
        risk_ahead: riskAheadOf(ctx.plan?.latest ?? null, id),
      };
    },
  );

  app.get(
    "/v1/machines",
    {
      schema: {
        tags,
        summary: "The registered machines (the only ones on the board and in the plan), by page",
        querystring: pageQuery,
      },
      validatorCompiler: noValidation,
    },
    async (req) => {
      const q = pageOf(req.query);
      const limit = q.limit;
      const all = ctx.machines.list();
      const from = q.cursor === undefined ? 0 : all.findIndex((m) => m.machine_id > (q.cursor as string));
      const page = from < 0 ? [] : all.slice(from, from + limit);
      const more = from >= 0 && from + limit < all.length;
      return {
        total: all.length,
        machines: page,
        next_cursor: more ? page[page.length - 1].machine_id : null,
      };
    },
  );

  const machineSchema = {
    type: "object",
    required: ["machine_id"],
    additionalProperties: false,
    properties: {
      machine_id: { type: "string", minLength: 1, maxLength: MAX_ID_LENGTH },
      machine_model: { type: "string", minLength: 1, maxLength: MAX_ID_LENGTH },
    },
  } as const;
  app.post(
    "/v1/machines",
    {
      ...tokenRoute("admin", {
        tags,
        summary: "Register machines (admin token): they enter the board and the plan",
        description: `One machine, an array, or {machines: [...]}; at most ${MAX_MACHINES} in all. Registering again updates the model.`,
        body: {
          anyOf: [
            machineSchema,
            { type: "array", items: machineSchema, maxItems: MAX_MACHINES },
            {
              type: "object",
              required: ["machines"],
              additionalProperties: false,
              properties: { machines: { type: "array", items: machineSchema, maxItems: MAX_MACHINES } },
            },
          ],
        },
      }),
      // Checked by hand below, for field-named messages (the schema documents it).
      validatorCompiler: noValidation,
    },
    async (req) => {
      const b = req.body as unknown;
      const wrapped = !!b && typeof b === "object" && Array.isArray((b as { machines?: unknown }).machines);
      const list = Array.isArray(b) ? b : wrapped ? (b as { machines: unknown[] }).machines : [b];
      const at = (i: number) => (Array.isArray(b) ? `body[${i}]` : wrapped ? `body.machines[${i}]` : "body");
      if (list.length === 0) throw new MillwrightError("MW_EMPTY_BATCH", "body: no machines");
      if (list.length > MAX_MACHINES)
        throw new MillwrightError("MW_BATCH_TOO_LARGE", `body: at most ${MAX_MACHINES} machines`);
      const machines = list.map((m, i) => parseMachine(m, at(i)));
      const added = ctx.machines.register(machines);
      return { registered: machines.length, new: added, total: ctx.machines.size };
    },
  );

  app.delete(
    "/v1/machines/:id",
    tokenRoute("admin", {
      tags,
      summary: "Unregister a machine (admin token): it leaves the board and the plan; its log stays",
    }),
    async (req) => {
      const id = (req.params as { id: string }).id;
      if (!ctx.machines.remove(id)) throw new MillwrightError("MW_NOT_FOUND", "no such registered machine");
      return { removed: id, total: ctx.machines.size };
    },
  );
}

/**
 * The plan's forecast for one machine: the probability of a failure by the end of each shift of the
 * plan's horizon if nothing is done (null: no plan yet, or the machine is not in it).
 */
function riskAheadOf(plan: KeptPlan | null, id: string) {
  const mine = plan?.risk_ahead?.find((r) => r.machine_id === id);
  if (!plan || !mine) return null;
  const start = Date.parse(plan.horizon.start);
  const hours = plan.horizon.shift_hours;
  return {
    model_version: plan.model.version,
    made_at: plan.made_at,
    shifts: mine.risk.map((risk, s) => ({
      start: new Date(start + s * hours * 3_600_000).toISOString(),
      label: plan.horizon.labels[s],
      risk,
    })),
  };
}
