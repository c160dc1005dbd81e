// PUT /v1/machines/{id}: a machine bought after training, put into the served contract's machine
// table (or a machine's attributes corrected), by an admin. Logged in the history log before the
// answer (serve/contract/machine-table.ts), so a restart, the other replicas and a retraining know it.
import type { FastifyInstance } from "fastify";
import { MAX_ATTRIBUTE_LENGTH } from "../../contract/machine-table.js";
import { MillwrightError } from "../../core/errors.js";
import { MAX_ID_LENGTH } from "../../core/limits.js";
import { tokenRoute } from "../auth-gate.js";
import { closedObject } from "../body-schema.js";
import type { ContractService } from "./contract-service.js";

/** A machine id a file could hold: no blank around it (the file's ids are trimmed), no control characters. */
const hasControl = (s: string) => [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

export function contractMachineRoutes(app: FastifyInstance, svc: ContractService): void {
  const cols = svc.model.contract.attributes?.columns ?? [];
  const properties = Object.fromEntries(
    cols.map((a) => [
      a.name,
      a.kind === "number"
        ? { type: "number", nullable: true, description: `${a.words}${a.unit ? ` (${a.unit})` : ""}` }
        : {
            type: "string",
            nullable: true,
            maxLength: MAX_ATTRIBUTE_LENGTH,
            description: `${a.words}: a level${a.levels ? ` (the model knows ${a.levels.slice(0, 20).join(", ")}${a.levels.length > 20 ? ", …" : ""})` : ""}`,
          },
    ]),
  );
  app.put(
    "/v1/machines/:id",
    tokenRoute("admin", {
      tags: ["fleet"],
      summary:
        "Add a machine to the machine table (one bought after training), or correct its attributes (admin token)",
      description:
        "Attributes by the contract's names; any may be null or left out (missing, as an empty cell of the attributes file). A level of a category the model never saw is taken and counts as missing until a retraining learns it (said in `warnings`); a level outside a list the contract itself gives (`levels:`) is a 400 naming the attribute. 201 `added`; 200 `unchanged` (the same again) or `updated` (with `previous`). Logged in the history log before the answer: readings and events of the machine are taken from then on, on every replica, after a restart, and a retraining trains with it.",
      params: {
        type: "object",
        properties: { id: { type: "string", minLength: 1, maxLength: MAX_ID_LENGTH } },
      },
      body: closedObject({ attributes: closedObject(properties) }, ["attributes"]),
    }),
    async (req, reply) => {
      const id = (req.params as { id: string }).id;
      if (id.trim() !== id || hasControl(id))
        throw new MillwrightError(
          "MW_VALIDATION",
          "params.id: a machine id has no blanks around it and no control characters",
          { field: "params.id" },
        );
      const given = (req.body as { attributes: Record<string, unknown> }).attributes;
      const answer = await svc.putMachine(id, given);
      return reply.code(answer.status === "added" ? 201 : 200).send(answer);
    },
  );
}
