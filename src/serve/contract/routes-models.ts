// Model management for a data-contract server: the served version, the registry's versions,
// promotion and reload (admin token). The same JSON shapes as the retired AI4I app's model routes
// where they fit, so its clients work unchanged. A swap keeps the history: the log is per contract, not per version, so the new model's
// fleet history is the same log replayed (ContractService.swap).
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { MAX_REASON, rollbackReason } from "../../registry/champions.js";
import type { ContractService } from "./contract-service.js";
import { tokenRoute } from "../auth-gate.js";
import { readOr } from "./routes-report.js";
import { ACCEPT_ALL, closedObject, invalid } from "../body-schema.js";
import type { AuditStore } from "../../retrain/ports.js";

type StoredFile = { role?: string; sha256?: string; rows?: number };

/**
 * A version's data in short: `rows` over every telemetry file (a shop exports one file per make), and
 * `data_sha256` the telemetry file's, or with several, the SHA-256 of their hashes in the lineage's
 * order, one a line (trials 8 and 9: it was the first file's alone, 5,501 of 12,859 rows).
 */
export function lineageOf(l: Record<string, unknown> | null | undefined) {
  if (!l) return null;
  const files = Array.isArray(l.data) ? (l.data as StoredFile[]) : [];
  const tagged = files.filter((f) => f.role === "telemetry");
  const telemetry = tagged.length > 0 ? tagged : files.slice(0, 1);
  const hashes = telemetry.map((f) => f.sha256 ?? "");
  const counted = telemetry.every((f) => typeof f.rows === "number");
  return {
    data_sha256:
      telemetry.length === 1
        ? (telemetry[0].sha256 ?? null)
        : telemetry.length > 1
          ? createHash("sha256").update(hashes.join("\n")).digest("hex")
          : null,
    rows: telemetry.length > 0 && counted ? telemetry.reduce((a, f) => a + (f.rows as number), 0) : null,
    telemetry_files: telemetry.length,
    files: files.length,
    seed: l.seed ?? null,
    git_commit: l.git_commit ?? null,
  };
}

/** Which version the server serves, and the one way to change it (swaps are one at a time). */
export class ContractModels {
  private chain: Promise<unknown> = Promise.resolve();
  /** Swaps asked for and not finished (the follower leaves the alias to them). */
  private swaps = 0;

  constructor(
    readonly registry: ModelRegistry,
    readonly service: ContractService,
    /** The alias (or version) a reload without a model follows. */
    public follows = "champion",
  ) {}

  get served(): string {
    return this.service.model.version;
  }

  /**
   * Loads and checks `ref` (a model of this server's contract) before anything moves, then swaps.
   * With `promote`, the champion alias moves only once the version has loaded (issue 18, item 3),
   * `reason` kept in the registry's champion trail.
   */
  serve(
    ref: string,
    promote: boolean | (() => Promise<unknown>) = false,
    reason: string | null = null,
  ): Promise<{ from: string; to: string }> {
    const run = async () => {
      const version = this.registry.resolve(ref);
      const model = this.registry.historyModel(version);
      const want = this.service.model.contract.name;
      if (model.contract.name !== want)
        throw new MillwrightError(
          "MW_CONFLICT",
          `version ${version} is a model for contract '${model.contract.name}'; this server serves contract '${want}': start a server for that contract instead`,
          { version, contract: model.contract.name },
        );
      const from = this.served;
      const champion = promote ? this.champion() : null;
      // A function moves the alias its own way (a rollback, recorded as one).
      if (typeof promote === "function") await promote();
      else if (promote) await this.registry.setAlias("champion", version, reason);
      const dir = this.registry.versionDir(version);
      try {
        // The service's observers (monitor, board) are restaged by the swap's replay.
        await this.service.swap(model, dir);
      } catch (e) {
        // Nothing is served but the old model: the alias goes back, or every restart would load a
        // version this server could not replay its log under (trial 5: a restart loop).
        if (champion !== null && champion !== version)
          await this.registry
            .setAlias(
              "champion",
              champion,
              `the swap to ${version} failed: ${(e as Error).message}`.slice(0, MAX_REASON),
            )
            .catch(() => {});
        throw e instanceof MillwrightError
          ? e
          : new MillwrightError(
              "MW_MODEL_CORRUPT",
              `version ${version} could not be served (its replay of the history log failed: ${(e as Error).message}); ${this.served} is still served${champion !== null ? ` and the champion alias is back on ${champion}` : ""}`,
              { version },
            );
      }
      return { from, to: version };
    };
    this.swaps++;
    const next = this.chain.then(run).finally(() => this.swaps--);
    this.chain = next.catch(() => {});
    return next;
  }

  /** The champion alias's version now, or null when it names none. */
  private champion(): string | null {
    try {
      return this.registry.resolve("champion");
    } catch {
      return null;
    }
  }

  /**
   * Follows the alias this server serves by (cluster mode: another replica's retraining, or
   * `millwright models promote`, moves it in the shared registry; without this only the replica that
   * moved it served the new version). A pinned version resolves to itself and never moves. Not
   * while a swap is under way (a promotion here moves the alias before its swap ends, and the next
   * tick would otherwise queue the same version again): a swap replays the whole log.
   */
  refresh(): Promise<{ from: string; to: string } | null> {
    if (this.swaps > 0 || this.registry.resolve(this.follows) === this.served) return Promise.resolve(null);
    return this.serve(this.follows);
  }
}

/**
 * The promotion's optional body, `{alias?, reason?}`: `alias` may only say champion (the dashboard
 * sends it; a promotion serves the version, and the retraining alone sets challenger), any other
 * field is a 400 naming it.
 */
function promoteBody(body: unknown): { reason?: unknown } {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body))
    throw invalid("body", "body: must be an object {alias?, reason?}");
  const extra = Object.keys(body).find((k) => k !== "reason" && k !== "alias");
  if (extra !== undefined)
    throw invalid(`body.${extra}`, `body.${extra}: not a field of a promotion (alias, reason)`);
  const alias = (body as { alias?: unknown }).alias;
  if (alias !== undefined && alias !== "champion")
    throw invalid(
      "body.alias",
      `body.alias: ${JSON.stringify(alias)}: a promotion makes the version champion and serves it (alias 'champion'); set another alias with millwright models promote --alias`,
    );
  return body as { reason?: unknown };
}

export function contractModelRoutes(app: FastifyInstance, models: ContractModels, audit?: AuditStore): void {
  const tags = ["models"];
  const reg = models.registry;
  app.get(
    "/v1/model",
    { schema: { tags, summary: "The served model version: contract, heads, horizon, metrics, card" } },
    async () => {
      const m = models.service.model;
      const v = m.version;
      return {
        name: m.name,
        version: v,
        contract: m.contract.name,
        follows: models.follows,
        aliases: reg.summary(v).aliases,
        threshold: m.threshold,
        heads: Object.fromEntries(m.headNames.map((h) => [h, m.heads[h] ? { trained: true } : null])),
        horizon: m.contract.failures?.horizon.label ?? null,
        metrics: reg.readJson(v, "metrics.json"),
        lineage: reg.readJson(v, "lineage.json"),
        card_url: `/v1/models/${encodeURIComponent(v)}/card`,
        card_markdown: readOr(join(reg.versionDir(v), "card.md"), (t) => t),
      };
    },
  );

  app.get(
    "/v1/models",
    { schema: { tags, summary: "All registered versions with aliases (stage) and test metrics" } },
    async () => {
      const idx = reg.readIndex();
      return {
        served: models.served,
        champion: idx.aliases.champion,
        challenger: idx.aliases.challenger,
        models: reg.list().map((s) => ({
          version: s.version,
          created_at: s.createdAt,
          aliases: s.aliases,
          stage: (["champion", "challenger"] as const).find((a) => s.aliases.includes(a)) ?? "registered",
          contract: (s.lineage?.contract as { name?: string } | undefined)?.name ?? null,
          metrics: (s.metrics?.test as object | undefined) ?? s.metrics,
          seed: s.lineage?.seed ?? null,
          // The AI4I list's lineage fields, for the dashboard's models page: the telemetry file's
          // hash and the rows of every file trained on.
          lineage: lineageOf(s.lineage),
        })),
      };
    },
  );

  app.get(
    "/v1/models/:version/card",
    { schema: { tags, summary: "A version's model card (Markdown)" } },
    async (req, reply) => {
      const v = reg.resolve((req.params as { version: string }).version);
      const md = readOr(join(reg.versionDir(v), "card.md"), (t) => t);
      if (md === null) throw new MillwrightError("MW_NOT_FOUND", `version ${v} has no model card`);
      return reply.header("x-content-type-options", "nosniff").type("text/markdown; charset=utf-8").send(md);
    },
  );

  app.post(
    "/v1/models/:version/promote",
    {
      // The schema is for the docs: a promotion without a body (curl -X POST) stays valid, which Ajv
      // would refuse, so promoteBody checks the fields (naming the one refused).
      validatorCompiler: ACCEPT_ALL,
      ...tokenRoute("admin", {
        tags,
        summary: "Make a version champion and serve it (history kept), with a reason; needs the admin token",
        body: closedObject({
          alias: { type: "string", enum: ["champion"], description: "the only alias a promotion sets" },
          reason: { type: "string", maxLength: MAX_REASON, description: "why: kept in the audit log" },
        }),
      }),
    },
    async (req) => {
      const ref = (req.params as { version: string }).version;
      // Kept as a rollback's is (trial 4: a reason sent was dropped without a word).
      const reason = rollbackReason(promoteBody(req.body).reason);
      const { from, to } = await models.serve(ref, true, reason);
      models.follows = "champion";
      // In the retraining audit, beside the loop's own promotions (trial 3: a hand promotion was missing).
      if (from !== to)
        await audit?.appendAudit({
          at: Date.now(),
          kind: "promotion",
          payload: { from, to, by: "api", ...(reason ? { reason } : {}) },
        });
      req.log.info({ reqId: req.id, from, to, reason }, "promoted and served");
      return { version: to, alias: "champion", served: models.served, from, reason };
    },
  );

  app.post(
    "/v1/admin/reload",
    tokenRoute("admin", {
      tags,
      summary: "Serve another version or alias of this contract (history kept); needs the admin token",
      body: closedObject({
        model: { type: "string", minLength: 1, maxLength: 200, description: "version or alias" },
      }),
    }),
    async (req) => {
      const ref = (req.body as { model?: string } | undefined)?.model ?? models.follows;
      const { from, to } = await models.serve(ref);
      models.follows = ref;
      return { from, to, follows: ref };
    },
  );
}
