// The served model's card and metrics, the registry's versions, promotion and reload (admin token).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { ALIASES, type Alias } from "../../registry/registry.js";
import type { Ctx } from "../context.js";
import { tokenRoute } from "../auth-gate.js";
import { sendReport } from "../report-headers.js";

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

export function modelRoutes(app: FastifyInstance, ctx: Ctx): void {
  const tags = ["models"];
  app.get(
    "/v1/model",
    { schema: { tags, summary: "The served model version: card, metrics, lineage" } },
    async () => {
      const s = ctx.models.require();
      const v = s.bundle.version;
      const dir = ctx.registry.versionDir(v);
      return {
        name: s.bundle.name,
        version: v,
        follows: s.ref,
        aliases: s.summary.aliases,
        threshold: s.bundle.threshold,
        heads: Object.fromEntries(
          Object.entries(s.bundle.heads).map(([k, h]) => [k, h ? { trees: h.booster.trees.length } : null]),
        ),
        metrics: ctx.registry.readJson(v, "metrics.json"),
        lineage: ctx.registry.readJson(v, "lineage.json"),
        card: ctx.registry.readJson(v, "card.json"),
        card_markdown: readText(join(dir, "card.md")),
      };
    },
  );

  app.get(
    "/v1/models",
    { schema: { tags, summary: "All registered versions with aliases and metrics" } },
    async () => {
      const idx = ctx.registry.readIndex();
      return {
        served: ctx.models.current?.bundle.version ?? null,
        champion: idx.aliases.champion,
        challenger: idx.aliases.challenger,
        models: ctx.registry.list().map((s) => ({
          version: s.version,
          created_at: s.createdAt,
          aliases: s.aliases,
          metrics: s.metrics?.test ?? s.metrics,
          lineage: s.lineage
            ? {
                data_sha256: (s.lineage.data as Record<string, unknown> | undefined)?.sha256 ?? null,
                rows: (s.lineage.data as Record<string, unknown> | undefined)?.rows ?? null,
                failures: (s.lineage.data as Record<string, unknown> | undefined)?.failures ?? null,
                seed: s.lineage.seed ?? null,
                git_commit: s.lineage.git_commit ?? null,
              }
            : null,
        })),
      };
    },
  );

  app.get(
    "/v1/models/:version/report",
    { schema: { tags, summary: "A version's HTML evaluation report" } },
    async (req, reply) => {
      const v = ctx.registry.resolve((req.params as { version: string }).version);
      const html = readText(join(ctx.registry.versionDir(v), "report.html"));
      if (html === null) throw new MillwrightError("MW_NOT_FOUND", `version ${v} has no report`);
      return sendReport(reply, html);
    },
  );

  app.post(
    "/v1/models/:version/promote",
    tokenRoute("admin", {
      tags,
      summary: "Point an alias (default champion) at a version; needs the admin token",
      body: { type: "object", properties: { alias: { type: "string", enum: [...ALIASES] } } },
    }),
    async (req) => {
      const version = ctx.registry.resolve((req.params as { version: string }).version);
      const alias = ((req.body as { alias?: Alias } | undefined)?.alias ?? "champion") as Alias;
      await ctx.registry.setAlias(alias, version);
      req.log.info({ version, alias }, "alias moved");
      if (ctx.models.followRef === alias) ctx.models.load(alias);
      return { version, alias, served: ctx.models.current?.bundle.version ?? null };
    },
  );

  app.post(
    "/v1/admin/reload",
    tokenRoute("admin", {
      tags,
      summary: "Serve another version or alias (atomic swap, no request dropped); needs the admin token",
      body: { type: "object", properties: { model: { type: "string", description: "version or alias" } } },
    }),
    async (req) => {
      const ref = (req.body as { model?: string } | undefined)?.model ?? ctx.models.followRef;
      const before = ctx.models.current?.bundle.version ?? null;
      const s = ctx.models.load(ref);
      req.log.info({ from: before, to: s.bundle.version }, "model reloaded");
      return { from: before, to: s.bundle.version, follows: ref };
    },
  );
}
