// The dashboard's read API on a contract server: the fleet board (GET /v1/fleet), the machines it
// knows (GET /v1/machines) and one machine's page (GET /v1/machines/:id), in the JSON shape of the AI4I server's routes where it fits (so the
// page code stays one), with the contract's names: readings, attributes and heads by their contract
// names, category codes as their level names, times as the contract's (ISO, or the counter).
import type { FastifyInstance } from "fastify";
import { resolveHead } from "../../contract/task-overrides.js";
import type { ContractTasks } from "../../contract/types.js";
import { MillwrightError } from "../../core/errors.js";
import { MILLWRIGHT_VERSION } from "../../core/version.js";
import { modelAttributeIndex } from "../../plan/contract-machines.js";
import { pageOf, pagedRoute } from "./page.js";
import type { BoardReading, FleetBoard } from "../../monitor/live/board.js";
import type { ContractService } from "./contract-service.js";
import type { ContractPlan } from "../../plan/contract-plan.js";
import { planRisks } from "../../plan/plan-risk.js";
import { hasAgeMap } from "../../train/plan-calibration.js";

/** Risk values kept in a board row's trend (oldest first), as on the AI4I board. */
const TREND = 20;

/** The docs' words for `plan_risk` (plan/plan-risk.ts), the same on the board and the machine page. */
const PLAN_RISK_DOC =
  "`plan_risk` {by_end, until, until_label, heads, made_at, model_version, stale, part_age}: the latest maintenance plan's forecast for the machine, nothing done: `by_end` the chance of a failure of any kind the plan covers by the end of its horizon (its `machines[].risk_ahead`'s last value; `until` that end, ISO, `until_label` its last shift with its date on the shifts' clock, e.g. \"Mon night, 14 Dec\"), `heads` each kind's by the same end (`machines[].heads.<kind>.by_end`; null: the kind does not apply), `stale` the plan is behind (GET /v1/plan re-plans), `part_age` its forecast counts the part's age (the model's planning calibration has an age map). Over the plan's horizon and by its `forecast_method` (calibrated on how parts failed, where the model has a planning calibration), so it is not the risk within the model's horizon beside it. Null before the server has made a plan (a GET here never makes one) or for a machine the plan does not cover.";

/** `extensions`: what else the server offers beside its contract API (the /v2 metadata says so). */
export function contractFleetRoutes(
  app: FastifyInstance,
  svc: ContractService,
  board: FleetBoard,
  extensions: readonly string[] = [],
  /** The tasks the plan uses (a costs file may replace the contract's): their `applies: false`. */
  tasks: () => ContractTasks | null = () => svc.model.contract.tasks,
  /** The plan keeper's latest plan, read only (plan/keeper.ts latestPlan); none: no plan route. */
  latestPlan: () => { plan: ContractPlan; stale: boolean } | null = () => null,
): void {
  // Read per request: a promotion may serve a version whose contract was edited (readings added or
  // moved, heads gained, another threshold), and the board holds what that version was told.
  const view = () => {
    const m = svc.model;
    const c = m.contract;
    const counter = c.time?.counter !== false;
    const kinds = m.headNames.filter((h) => h !== "machine_failure");
    const attrs = c.attributes?.columns ?? [];
    // The board's "make and model" column: the contract's first category attribute, when it has one.
    const modelAttr = modelAttributeIndex(c);
    const timeOut = (t: number): string | number => (counter ? t : new Date(t).toISOString());
    return {
      c,
      kinds,
      timeOut,
      // Its id, its "make and model" and its attributes as registered: a machine added on the
      // server shows the level it was given, even one the model never saw.
      machineOf: (id: string) => {
        const v = svc.machines?.attributesOf(id);
        const attributes = Object.fromEntries(attrs.map((a) => [a.name, v?.[a.name] ?? null]));
        return {
          machine_id: id,
          machine_model:
            modelAttr >= 0 ? ((attributes[attrs[modelAttr].name] as string | null) ?? "unknown") : null,
          attributes,
        };
      },
      readingOf: (r: BoardReading) =>
        Object.fromEntries(
          c.readings.map((s, j) => {
            const v = r.values[j] ?? null;
            return [s.name, v !== null && s.kind === "category" ? (s.levels?.[v] ?? null) : v];
          }),
        ),
      // Machine `id`'s likeliest kind among those that can happen on it: one the contract says
      // does not (`applies: false`, a hydraulic leak on a lathe without hydraulics) is no answer to
      // "what will fail" there (trial 5), though its head still scores it (`heads` keeps it).
      likeliestOn: (id: string): ((heads: Record<string, number | null>) => string | null) => {
        const named = svc.machines?.attributesOf(id) ?? {};
        const never = new Set(
          (tasks()?.heads ?? []).filter((h) => !resolveHead(h, id, named).applies).map((h) => h.head),
        );
        return (heads) => {
          let best: string | null = null;
          for (const k of kinds) {
            if (never.has(k)) continue;
            const p = heads[k];
            if (typeof p === "number" && (best === null || p > (heads[best] as number))) best = k;
          }
          return best;
        };
      },
      predicted: (p: number) => p >= m.threshold.value,
      /** Down since a failure after its newest reading (board.down), in the answer's time. */
      downOf: (id: string) => {
        const d = board.down(id);
        return (
          d && {
            since: timeOut(d.time),
            kind: d.kind,
            repaired_at: d.repairedAt === null ? null : timeOut(d.repairedAt),
          }
        );
      },
    };
  };

  /** In the contract's machine table (every machine is when the contract has none). */
  const registered = (id: string) => svc.attributes?.has(id) ?? true;

  // The keeper plans with the served model's planning calibration (plan/keeper.ts): its age map,
  // when it has one, is what makes the plan count a part's age.
  const planRiskFor = () => {
    const cal = svc.model.planCalibration;
    return planRisks(latestPlan(), !!cal && hasAgeMap(cal));
  };

  // OIP server metadata, as on the AI4I server, with an extension naming the contract API (and
  // "live-simulation" when a simulator feeds it): the dashboard reads it to know which kind of
  // server it talks to without asking for a missing route.
  app.get("/v2", { schema: { tags: ["oip"], summary: "Server metadata" } }, async () => ({
    name: "millwright",
    version: MILLWRIGHT_VERSION,
    extensions: ["data-contract", ...extensions],
  }));

  app.get(
    "/v1/fleet",
    pagedRoute(
      "Every machine that has sent a reading: its attributes, current risk per head and overall, trend and top reasons in the contract's words, by page",
      `\`last_reading_at\` is the reading's own time (ISO 8601, or the counter for a counter contract). \`down\` {since, kind, repaired_at}: the machine's newest failure came after its newest reading, so its risk is from before it failed (null once a reading follows). ${PLAN_RISK_DOC}`,
    ),
    async (req) => {
      const { timeOut, machineOf, likeliestOn, predicted, downOf } = view();
      const planRiskOf = planRiskFor();
      const { page, total, next_cursor } = pageOf(req.query, board.machineIds());
      const machines = page.map((id) => {
        const rs = board.readings(id, TREND);
        const last = rs[rs.length - 1];
        return {
          ...machineOf(id),
          last_seen: new Date(last.predictedAt).toISOString(),
          last_reading_at: timeOut(last.time),
          failure_probability: last.p,
          failure_predicted: predicted(last.p),
          likeliest_kind: likeliestOn(id)(last.heads),
          heads: last.heads,
          trend: rs.slice(-TREND).map((r) => r.p),
          reasons: board.reasons(id, svc.fleet.plan),
          down: downOf(id),
          plan_risk: planRiskOf(id),
        };
      });
      return {
        generated_at: new Date().toISOString(),
        total,
        machines,
        next_cursor,
        unregistered: { recent: 0 },
      };
    },
  );

  app.get(
    "/v1/machines",
    pagedRoute(
      "The machines this server knows (the contract's machine table and every machine that has sent a reading), by page",
      "`registered`: in the contract's machine table (true for every machine when the contract has none). `last_reading_at` is the newest scored reading's own time (ISO 8601, or the counter), null before the first.",
    ),
    async (req) => {
      const { timeOut, machineOf } = view();
      const all = [...new Set([...(svc.attributes?.keys() ?? []), ...board.machineIds()])].sort();
      const { page, total, next_cursor } = pageOf(req.query, all);
      return {
        total,
        machines: page.map((id) => {
          const last = board.readings(id, 1)[0];
          return {
            ...machineOf(id),
            registered: registered(id),
            last_reading_at: last ? timeOut(last.time) : null,
            last_seen: last ? new Date(last.predictedAt).toISOString() : null,
          };
        }),
        next_cursor,
      };
    },
  );

  app.get(
    "/v1/machines/:id",
    {
      schema: {
        tags: ["fleet"],
        summary:
          "One machine's attributes, its last 100 readings with risk per head (and the ground truth once the failures tell it), its recent events, and the latest plan's risk ahead",
        description: `\`heads\` names the failure kinds; each reading's \`heads\` is its risk per kind within \`horizon\`. ${PLAN_RISK_DOC}`,
      },
    },
    async (req) => {
      const id = (req.params as { id: string }).id;
      const { c, kinds, timeOut, machineOf, readingOf, likeliestOn, predicted, downOf } = view();
      const likeliest = likeliestOn(id);
      const rs = board.readings(id);
      if (rs.length === 0)
        throw new MillwrightError(
          "MW_NOT_FOUND",
          // A machine the contract's machine table lacks never will have readings: say so.
          registered(id)
            ? `no readings for machine '${id.slice(0, 128)}' yet`
            : `machine '${id.slice(0, 128)}' is not in the contract's machine table`,
        );
      return {
        ...machineOf(id),
        registered: registered(id),
        readings: c.readings.map((r) => ({ name: r.name, unit: r.unit, words: r.words, kind: r.kind })),
        heads: kinds,
        horizon: c.failures?.horizon.label ?? null,
        down: downOf(id),
        plan_risk: planRiskFor()(id),
        history: rs.map((r) => ({
          prediction_id: r.id,
          predicted_at: new Date(r.predictedAt).toISOString(),
          timestamp: timeOut(r.time),
          reading: readingOf(r),
          failure_probability: r.p,
          failure_predicted: predicted(r.p),
          heads: r.heads,
          likeliest_kind: likeliest(r.heads),
          label: board.label(id, r.time),
        })),
        events: board
          .events(id)
          .map((e) => ({ id: e.id, table: e.table, kind: e.kind, timestamp: timeOut(e.time) })),
      };
    },
  );
}
