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

export const RETRAIN_HELP = `millwright retrain history [--json] [--limit N] [--before ID] [--alerts]
millwright retrain run [--registry DIR] [--seed N] [--json]

history: the latest gate decisions first, then triggers, decisions and promotions from the audit
log, newest first, --limit per page (default 50); --before ID shows the next older page (the command
prints it), --alerts includes the alerts themselves.
run: trains a challenger now on the champion's data plus the labelled production data, gates it
against the champion on the most recent labelled predictions and promotes it if it wins
(exit 1 when the challenger is kept). An AI4I champion only: a data-contract champion retrains in its
server (POST /v1/hooks/alertmanager, README "Retraining a contract model"; exit 2 here).`;

const RETRAIN_OPTIONS: Options = {
  strings: ["limit", "before", "registry", "seed"],
  flags: ["json", "alerts"],
};

export async function retrainCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (isHelpWord(sub)) return outThen(RETRAIN_HELP, 0);
  const { values } = parse(rest, RETRAIN_OPTIONS, RETRAIN_HELP);
  if (values.help || !sub) return outThen(RETRAIN_HELP, sub ? 0 : 2);
  if (sub === "run") refuseContractChampion(registryOpt(values));
  const cfg = readConfig();
  const store = await createStore({ databaseUrl: cfg.databaseUrl, sqlitePath: sqlitePath(cfg) });
  try {
    if (sub === "history") {
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
        values.alerts
          ? "\ntriggers, decisions, promotions and alerts:"
          : "\ntriggers, decisions and promotions:",
      );
      for (const e of h.events) out(`  ${describeEvent(e)}`);
      if (h.next !== null)
        out(`\nolder: millwright retrain history --before ${h.next}${values.alerts ? " --alerts" : ""}`);
      return 0;
    }
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

/**
 * A data-contract champion retrains in its server, which holds the history log the challenger trains
 * on (README "Retraining a contract model"). This command reads the AI4I prediction log: for a
 * contract champion it found "0 labelled predictions", recorded a "kept" decision in an audit the
 * contract server never shows, and said nothing of why.
 */
function refuseContractChampion(registry: ModelRegistry): void {
  let contract: string | null = null;
  try {
    const { obj } = registry.readModelJson("champion");
    if (isHistoryModelJSON(obj)) contract = (obj as { contract?: { name?: string } }).contract?.name ?? "";
  } catch {
    return; // no champion or an unreadable one: retrainLocal says so in its own words
  }
  if (contract !== null)
    throw new MillwrightError(
      "MW_CONFLICT",
      `the champion is a data-contract model (contract '${contract}'): it retrains in its server, from the readings and events it logged: POST /v1/retrain (admin token; {"reason": "…"}), or an alert labelled action="retrain" to POST /v1/hooks/alertmanager (hook token), as Alertmanager sends it; the decision is in GET /v1/retrain/history`,
    );
}

/** The verdict with the versions first: which model serves now is what the reader needs. */
export function decisionWords(d: RetrainDecision): string {
  const ch = d.challenger?.version;
  if (d.verdict === "promoted")
    return `promoted ${ch}: champion is now ${ch} (was ${d.champion.version}); ${d.reason}`;
  const trained = ch ? `challenger ${ch} not promoted, ` : "";
  return `${d.verdict}: champion stays ${d.champion.version}; ${trained}${d.reason}`;
}
