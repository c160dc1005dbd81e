// Shadow mode's API: the comparison (open, as /v1/models is) and starting
// or stopping a shadow model (admin token, checked before the body is read as on every admin route).
import type { FastifyInstance } from "fastify";
import { tokenRoute } from "../auth-gate.js";
import { closedObject } from "../body-schema.js";
import type { ContractShadow } from "../contract/shadow.js";

export function shadowRoutes(app: FastifyInstance, shadow: ContractShadow): void {
  const tags = ["models"];
  app.get(
    "/v1/models/shadow",
    {
      schema: {
        tags,
        summary:
          "The shadow model's live comparison with the champion: agreement, score distance (Jensen-Shannon), realised PR-AUC and recall of both on the same labelled requests",
      },
    },
    async () => shadow.summary(),
  );
  app.post(
    "/v1/models/shadow",
    tokenRoute("admin", {
      tags,
      summary:
        "Score every request with another version too, after the answer is sent; needs the admin token",
      body: closedObject(
        { version: { type: "string", minLength: 1, maxLength: 200, description: "version or alias" } },
        ["version"],
      ),
    }),
    async (req) => {
      const { version, replaced } = await shadow.start((req.body as { version: string }).version);
      req.log.info({ reqId: req.id, version, replaced }, "shadow started");
      return { version, replaced, active: true };
    },
  );
  app.delete(
    "/v1/models/shadow",
    tokenRoute("admin", { tags, summary: "Stop the shadow model; needs the admin token" }),
    async (req) => {
      const { stopped } = shadow.stop();
      req.log.info({ reqId: req.id, stopped }, "shadow stopped");
      return { stopped, active: false };
    },
  );
}
