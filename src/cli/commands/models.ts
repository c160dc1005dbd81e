import { auditChampionChange } from "../champion-audit.js";
import { ERROR_TABLE, type ErrorCode, MillwrightError } from "../../core/errors.js";
import { rollbackReason } from "../../registry/champions.js";
import { ALIASES, type Alias, type ModelRegistry } from "../../registry/registry.js";
import { pruneRegistry } from "../../registry/prune.js";
import { ROLLBACK_HELP, modelsRollback, sameContract } from "./models-rollback.js";
import { out, outJson, outThen, outJsonThen, parseSub } from "../io.js";
import { registryOpt } from "../model-opts.js";

const MODELS_SPEC = {
  subs: ["list", "show", "promote", "rollback", "shadow", "prune"],
  strings: ["registry", "alias", "url", "token", "reason", "keep"],
  flags: ["json", "off", "switch-contract", "dry-run"],
  positionals: true,
};

export const MODELS_HELP = `millwright models list [--registry DIR] [--json]
millwright models show [REF] [--registry DIR] [--json]       (REF: version or alias; default champion)
millwright models promote VERSION [--alias champion|challenger] [--reason TEXT] [--switch-contract] [--registry DIR]
millwright models shadow VERSION|--off [--url http://127.0.0.1:8080] [--token T]
millwright models prune [--keep 5] [--dry-run] [--registry DIR] [--json]
${ROLLBACK_HELP}

Lists the registry's versions with their aliases and test metrics, shows one version's card and
lineage, or points an alias at a version. A running server that follows the alias picks it up
within its refresh interval (or at once through POST /v1/models/{version}/promote). The champion
moves to a model of another contract (another name, so another history log) only with
--switch-contract.

\`models shadow\` tells a running server (--url, default http://127.0.0.1:$PORT or :8080) to score
every request with VERSION too, after each answer is sent, and compare it live with the champion
(GET /v1/models/shadow); --off stops it. Needs the admin token (--token or MILLWRIGHT_ADMIN_TOKEN).

\`models prune\` removes old versions (each retraining adds one, promoted or not): it keeps the
champion and challenger, the last --keep champions a rollback can return to, and the --keep newest
versions; --dry-run lists what it would remove. A server keeps serving the version it loaded.`;

export async function modelsCommand(argv: string[]): Promise<number> {
  const p = parseSub("models", argv, MODELS_SPEC, MODELS_HELP);
  if (typeof p === "number") return p;
  const { sub, values, positionals } = p;
  if (sub === "shadow") return shadowCommand(values, positionals);
  const registry = registryOpt(values);
  if (sub === "prune") return pruneCommand(registry, values);
  if (sub === "list") {
    const list = registry.list();
    if (values.json) return outJsonThen({ aliases: registry.readIndex().aliases, versions: list }, 0);
    if (list.length === 0) return outThen(`no versions in ${registry.dir}`, 0);
    out("version   created                   aliases              PR-AUC  ROC-AUC  F1      tested on");
    const periods = new Set<string>();
    for (const v of list) {
      const m = (v.metrics?.test ?? {}) as Record<string, number | null>;
      const f = (x: number | null | undefined) => (typeof x === "number" ? x.toFixed(4) : "  n/a ");
      const tested = testedOn(v.metrics?.split as SplitSummary | undefined);
      periods.add(tested);
      out(
        `${v.version.padEnd(9)} ${v.createdAt.padEnd(25)} ${v.aliases.join(",").padEnd(20)} ${f(m.pr_auc)}  ${f(m.roc_auc)}   ${f(m.f1)}  ${tested}`,
      );
    }
    // Trial 7: a retrained version looked better on its own, later test period and was worse on the
    // champion's; the retraining gate compares the two on one period.
    if (periods.size > 1)
      out(
        "the versions were tested on different periods, so their figures do not compare: the retraining gate (millwright retrain run, or the audit's decision) scores two versions on the same rows",
      );
    return 0;
  }
  if (sub === "show") {
    const v = registry.resolve(positionals[0] ?? "champion");
    const s = registry.summary(v);
    const card = registry.readJson(v, "card.json");
    if (values.json) return outJsonThen({ ...s, card }, 0);
    out(`version ${v}  aliases: ${s.aliases.join(", ") || "none"}  created ${s.createdAt}`);
    out(JSON.stringify({ metrics: s.metrics?.test, lineage: s.lineage }, null, 2));
    out(`card: ${registry.versionDir(v)}/card.md   report: ${registry.versionDir(v)}/report.html`);
    return 0;
  }
  if (sub === "promote") {
    const ref = positionals[0];
    if (!ref) throw new MillwrightError("MW_BAD_INPUT", `models promote needs a VERSION\n\n${MODELS_HELP}`);
    const alias = ((values.alias as string | undefined) ?? "champion") as Alias;
    if (!ALIASES.includes(alias))
      throw new MillwrightError("MW_BAD_INPUT", `--alias must be one of ${ALIASES.join(", ")}`);
    const v = registry.resolve(ref);
    const from = registry.readIndex().aliases.champion ?? null;
    if (alias === "champion") sameContract(registry, from, v, values);
    await registry.setAlias(alias, v, rollbackReason(values.reason));
    // A champion moved by hand goes into the retraining audit, as the server's own moves do.
    if (alias === "champion" && from !== v)
      await auditChampionChange(registry, v, "promotion", {
        from,
        to: v,
        ...(values.reason ? { reason: String(values.reason) } : {}),
      });
    if (values.json) outJson({ version: v, alias });
    else out(`${alias} → ${v}`);
    return 0;
  }
  return modelsRollback(registry, values);
}

async function pruneCommand(registry: ModelRegistry, values: Record<string, unknown>): Promise<number> {
  const keep = values.keep === undefined ? 5 : Number(values.keep);
  const r = await pruneRegistry(registry, keep, values["dry-run"] === true);
  if (values.json) return outJsonThen(r, 0);
  const mb = (b: number) => `${(b / 1_048_576).toFixed(1)} MB`;
  const verb = r.dry_run ? "would remove" : "removed";
  for (const x of r.removed) out(`${verb} ${x.version} (${mb(x.bytes)})`);
  out(
    `${verb} ${r.removed.length} version${r.removed.length === 1 ? "" : "s"}, ${mb(r.bytes)}; kept ${r.kept.map((k) => `${k.version} (${k.why})`).join(", ") || "none"}`,
  );
  return 0;
}

/** `models shadow`: the server's admin API (serve/shadow/routes.ts), as an operator would call it. */
async function shadowCommand(values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const off = values.off === true;
  const version = positionals[0];
  if (off === (version !== undefined))
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `models shadow needs a VERSION or --off (one of them)\n\n${MODELS_HELP}`,
    );
  const base = ((values.url as string | undefined) ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`).replace(
    /\/+$/,
    "",
  );
  const token = (values.token as string | undefined) ?? process.env.MILLWRIGHT_ADMIN_TOKEN;
  if (!token)
    throw new MillwrightError(
      "MW_BAD_INPUT",
      "models shadow needs the admin token: --token or MILLWRIGHT_ADMIN_TOKEN",
    );
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (!off) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(`${base}/v1/models/shadow`, {
      method: off ? "DELETE" : "POST",
      headers,
      body: off ? undefined : JSON.stringify({ version }),
    });
  } catch (e) {
    throw new MillwrightError(
      "MW_NOT_READY",
      `${base}: no server answers (${(e as Error).cause ?? (e as Error).message})`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    // The server's code when it is one this Millwright knows (a newer server may have more).
    const code = (
      typeof body.code === "string" && body.code in ERROR_TABLE ? body.code : "MW_INTERNAL"
    ) as ErrorCode;
    throw new MillwrightError(code, `${base}: ${body.detail ?? body.title ?? res.statusText}`);
  }
  if (values.json) outJson(body);
  else out(off ? `shadow stopped (${body.stopped ?? "none was running"})` : `shadow → ${body.version}`);
  return 0;
}

interface SplitSummary {
  testFrom?: number | null;
  testMachines?: string[] | null;
}

/**
 * Which rows a version's figures are on: from its test cut (an instant, or a counter's count: an
 * instant reads as a date from 2001 on, a count that large is not a machine's), or held-out machines.
 */
function testedOn(s: SplitSummary | undefined): string {
  if (!s) return "–";
  if (s.testMachines?.length) return `${s.testMachines.length} held-out machines`;
  if (typeof s.testFrom !== "number") return "–";
  return s.testFrom >= 1e12
    ? `from ${new Date(s.testFrom).toISOString().slice(0, 16)}Z`
    : `from count ${s.testFrom}`;
}
