import { join } from "node:path";
import { MillwrightError } from "../../core/errors.js";
import { describeEvent, retrainHistory } from "../../retrain/history.js";
import { type RetrainDecision, retrainLocal } from "../../retrain/local.js";
import { createStore } from "../../store/index.js";
import { readConfig, sqlitePath } from "../config.js";
import { isHelpWord, intOpt, out, outJson, parse, outThen, outJsonThen, type Options } from "../io.js";
import { registryOpt } from "../model-opts.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { isHistoryModelJSON } from "../../train/history-model.js";
import { openContractAudit } from "../../serve/contract/audit-open.js";
import type { PredictionStore } from "../../store/types.js";

export const RETRAIN_HELP = `millwright retrain history [--json] [--limit N] [--before ID] [--alerts]
millwright retrain run [--registry DIR] [--seed N] [--json]

history: the latest gate decisions first, then triggers, decisions and promotions from the audit
log, newest first, --limit per page (default 50); --before ID shows the next older page (the command
prints it), --alerts includes the alerts themselves.
run: trains a challenger now on the champion's data plus the labelled production data, gates it
against the champion on the most recent labelled predictions and promotes it if it wins
(exit 1 when the challenger is kept). An AI4I champion only: a data-contract champion retrains in its
server (POST /v1/retrain or POST /v1/hooks/alertmanager, README "Retraining a contract model"; exit 2
here), and history then shows its server's audit.`;

const RETRAIN_OPTIONS: Options = {
  strings: ["limit", "before", "registry", "seed"],
  flags: ["json", "alerts"],
};

export async function retrainCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (isHelpWord(sub)) return outThen(RETRAIN_HELP, 0);
  const { values } = parse(rest, RETRAIN_OPTIONS, RETRAIN_HELP);
  if (values.help || !sub) return outThen(RETRAIN_HELP, sub ? 0 : 2);
  const contract = sub === "run" || sub === "history" ? contractChampion(registryOpt(values)) : null;
  if (sub === "run" && contract !== null) refuseContractChampion(contract);
  const cfg = readConfig();
  if (sub === "history" && contract !== null) {
    // A contract champion's decisions are in its server's audit, not the AI4I prediction log's.
    const audit = await openContractAudit(cfg, contract, true);
    // No audit yet (never served): the empty history, in the shape --json promises.
    if (!audit)
      return values.json
        ? outJsonThen({ decisions: [], events: [], next: null }, 0)
        : outThen("no retraining events yet", 0);
    try {
      return await printHistory(audit, values);
    } finally {
      await audit.close();
    }
  }
  const store = await createStore({ databaseUrl: cfg.databaseUrl, sqlitePath: sqlitePath(cfg) });
  try {
    if (sub === "history") return await printHistory(store, values);
    if (sub === "run") {
      const registry = registryOpt(values);
      const d = await retrainLocal({
        registry,
        store,
        workDir: join(cfg.dataDir, "retrain"),
        seed: intOpt(values, "seed", 1),
        gate: { metric: cfg.retrain.metric, margin: cfg.retrain.margin, minimum: cfg.retrain.minimum },
      });
      await store.appendAudit({ at: Date.now(), kind: "decision", payload: { ...d, trigger: "cli" } });
      if (values.json) outJson(d);
      else out(decisionWords(d));
      return d.verdict === "promoted" ? 0 : 1;
    }
    throw new MillwrightError("MW_BAD_INPUT", `unknown 'retrain ${sub}'\n\n${RETRAIN_HELP}`);
  } finally {
    await store.close();
  }
}

/** The champion's contract name when it is a data-contract model; null for an AI4I one or none. */
function contractChampion(registry: ModelRegistry): string | null {
  try {
    const { obj } = registry.readModelJson("champion");
    return isHistoryModelJSON(obj) ? ((obj as { contract?: { name?: string } }).contract?.name ?? "") : null;
  } catch {
    return null; // no champion or an unreadable one: retrainLocal says so in its own words
  }
}

/**
 * A data-contract champion retrains in its server, which holds the history log the challenger trains
 * on (README "Retraining a contract model"). This command reads the AI4I prediction log: for a
 * contract champion it found "0 labelled predictions", recorded a "kept" decision in an audit the
 * contract server never shows, and said nothing of why.
 */
function refuseContractChampion(contract: string): never {
  throw new MillwrightError(
    "MW_CONFLICT",
    `the champion is a data-contract model (contract '${contract}'): it retrains in its server, from the readings and events it logged: POST /v1/retrain (admin token; {"reason": "…"}), or an alert labelled action="retrain" to POST /v1/hooks/alertmanager (hook token), as Alertmanager sends it; the decision is in GET /v1/retrain/history and \`millwright retrain history\``,
  );
}

/** The audit's decisions and events, a page at a time (either kind of champion's audit). */
async function printHistory(
  store: Pick<PredictionStore, "pageAudit">,
  values: Record<string, unknown>,
): Promise<number> {
  const h = await retrainHistory(store, {
    limit: intOpt(values, "limit", 50, 1),
    before: values.before === undefined ? undefined : intOpt(values, "before", 1, 1),
    alerts: values.alerts === true,
  });
  if (values.json) return outJsonThen(h, 0);
  if (h.decisions.length === 0 && h.events.length === 0) return outThen("no retraining events yet", 0);
  out("latest decisions:");
  if (h.decisions.length === 0) out("  none yet");
  for (const e of h.decisions) out(`  ${describeEvent(e)}`);
  out(
    values.alerts ? "\ntriggers, decisions, promotions and alerts:" : "\ntriggers, decisions and promotions:",
  );
  for (const e of h.events) out(`  ${describeEvent(e)}`);
  if (h.next !== null)
    out(`\nolder: millwright retrain history --before ${h.next}${values.alerts ? " --alerts" : ""}`);
  return 0;
}

/** The verdict with the versions first: which model serves now is what the reader needs. */
export function decisionWords(d: RetrainDecision): string {
  const ch = d.challenger?.version;
  if (d.verdict === "promoted")
    return `promoted ${ch}: champion is now ${ch} (was ${d.champion.version}); ${d.reason}`;
  const trained = ch ? `challenger ${ch} not promoted, ` : "";
  return `${d.verdict}: champion stays ${d.champion.version}; ${trained}${d.reason}`;
}
