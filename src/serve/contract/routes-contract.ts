// GET /v1/contract: the served contract as a client needs it, including which rows of a file each
// table reads (`where`), so what the server counts as a failure or a maintenance is visible.
import type { FastifyInstance } from "fastify";
import type { Contract, RowFilter } from "../../contract/types.js";
import type { ContractService } from "./contract-service.js";

/** Each table's row filter by table name (event tables by their name, the failures as "failures"). */
function rowFilters(c: Contract): Record<string, RowFilter> {
  const out: Record<string, RowFilter> = {};
  for (const e of c.events) if (e.where) out[e.name] = { column: e.where.column, in: [...e.where.in] };
  if (c.failures?.where) out.failures = { column: c.failures.where.column, in: [...c.failures.where.in] };
  return out;
}

/** Only `keys` of `o`, in that order (a client sees what the contract says, not how it is held). */
const pick = <T extends object, K extends keyof T>(o: T, keys: K[]) =>
  Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;

export function contractRoute(app: FastifyInstance, svc: ContractService): void {
  app.get(
    "/v1/contract",
    { schema: { summary: "The served model's data contract", tags: ["models"] } },
    async () => {
      // The served model's: a promotion may serve a version of the contract edited since.
      const m = svc.model;
      return {
        model: { name: m.name, version: m.version },
        contract: m.contract.name,
        readings: m.contract.readings.map((r) =>
          pick(r, ["name", "kind", "unit", "words", "optional", "min", "max", "levels"]),
        ),
        event_tables: svc.fleet.eventTables(),
        // Which rows each table reads from its file (only tables with a `where`).
        where: rowFilters(m.contract),
        heads: m.headNames,
        horizon: m.contract.failures?.horizon.label ?? null,
        /** The event table whose rows replace a failed part (the contract's `failures.resets`), or null. */
        resets: m.contract.failures?.resets ?? null,
        time: { counter: m.contract.time?.counter !== false },
        attributes: (m.contract.attributes?.columns ?? []).map((a) =>
          pick(a, ["name", "kind", "unit", "words", "levels"]),
        ),
        features: svc.fleet.plan.features,
      };
    },
  );
}
