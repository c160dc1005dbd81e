// POST /v1/events: a shop's alarms, maintenance and failures into the machines' history, idempotent
// by id. Its own file so the app's wiring (app.ts) stays short.
import type { FastifyInstance } from "fastify";
import type { Counter } from "prom-client";
import { MillwrightError } from "../../core/errors.js";
import { MAX_PARAM_LENGTH } from "../../core/limits.js";
import { tokenRoute } from "../auth-gate.js";
import { closedObject } from "../body-schema.js";
import { fieldsFromBodyRoot } from "../problem.js";
import type { ContractService, EventIn } from "./contract-service.js";
import { conflictDetail, epochEvents, eventTimeDescription, kindDescription, kindWarning } from "./events.js";

export function contractEventRoutes(
  app: FastifyInstance,
  svc: ContractService,
  maxBatch: number,
  events: Counter<"outcome">,
): void {
  const m = svc.model;
  const timeText = { type: "string", maxLength: 40 };
  const eventSchema = closedObject(
    {
      id: {
        type: "string",
        minLength: 1,
        maxLength: 200,
        description: "your id: the same id twice is one event",
      },
      // A row-labelled contract without event tables has none: an empty enum is an invalid
      // schema, and the server died at start; parseEvents refuses any table by name instead.
      table: {
        type: "string",
        ...(svc.fleet.eventTables().length > 0 ? { enum: svc.fleet.eventTables() } : {}),
        description: "the contract's event table",
      },
      machine_id: { type: "string", minLength: 1, maxLength: MAX_PARAM_LENGTH },
      timestamp: m.contract.time?.counter
        ? { type: "number", description: "the counter; an event may fall between two rows" }
        : {
            // An epoch time may come as a JSON number (events.ts parseEvents).
            ...(epochEvents(m.contract) ? { anyOf: [timeText, { type: "number" }] } : timeText),
            description: eventTimeDescription(m.contract),
          },
      // anyOf, not a type list: Ajv's strict mode warns at start-up on union types. Not in
      // `required`: whether it is depends on the table, which parseEvents checks.
      kind: {
        anyOf: [{ type: "string", maxLength: 200 }, { type: "number" }],
        description: kindDescription(m.contract),
      },
    },
    ["id", "table", "machine_id", "timestamp"],
  );
  app.post(
    "/v1/events",
    // Checked before the body is read: an unauthenticated client cannot make us parse 16 MB (issue 18).
    {
      ...tokenRoute("feedback", {
        summary: "Alarms, maintenance and failures: they update the machines' history (token: feedback)",
        tags: ["events"],
        body: closedObject(
          // Not minItems: an empty list is MW_EMPTY_BATCH, as an empty /v1/predict batch is (trial 3).
          { events: { type: "array", maxItems: maxBatch, items: eventSchema, description: "one or more" } },
          ["events"],
        ),
      }),
      // parseEvents names fields `events[1].timestamp`: the schema's errors say theirs the same way.
      schemaErrorFormatter: fieldsFromBodyRoot,
    },
    async (req) => {
      const items = (req.body as { events: EventIn[] }).events;
      if (items.length === 0) throw new MillwrightError("MW_EMPTY_BATCH", "events: the batch is empty");
      const outcomes = await svc.events(items);
      for (const o of outcomes) events.inc({ outcome: o });
      const c = svc.model.contract;
      return {
        results: items.map((e, i) => ({
          id: e.id,
          outcome: outcomes[i],
          ...(outcomes[i] === "conflict"
            ? conflictDetail(svc.loggedEvent(e.id), c.time?.counter !== false)
            : kindWarning(c, e)),
        })),
      };
    },
  );
}
