import { describeEvent, retrainHistory } from "../../retrain/history.js";
import { readConfig } from "../config.js";
import { intOpt, out, outThen, outJsonThen, parseSub } from "../io.js";
import { refuseAi4iModel, registryOpt } from "../model-opts.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { isHistoryModelJSON } from "../../train/history-model.js";
import { openContractAudit } from "../../serve/contract/audit-open.js";
import type { AuditStore } from "../../retrain/ports.js";
import { retrainRun } from "./retrain-run.js";

const RETRAIN_SPEC = {
  subs: ["run", "history"],
  strings: ["limit", "before", "registry", "seed", "reason"],
  flags: ["json", "alerts"],
};

export const RETRAIN_HELP = `millwright retrain history [--json] [--limit N] [--before ID] [--alerts]
millwright retrain run [--registry DIR] [--seed N] [--reason TEXT] [--json]

history: the latest gate decisions first, then triggers, decisions and promotions from the audit
log, newest first, --limit per page (default 50); --before ID shows the next older page (the command
prints it), --alerts includes the alerts themselves. It shows the champion's server's audit.
run: the data-contract champion's retraining, run here as its server runs it: a challenger trained
on the champion's stored training files plus the history its server logged (history-<contract>.db
in MILLWRIGHT_DATA_DIR, or PostgreSQL's history_log with DATABASE_URL, read only: the server may be
running), gated against the champion by MILLWRIGHT_GATE_METRIC, _MARGIN and _MINIMUM on the same
latest slice, registered in --registry (a writable copy of the served registry) and made champion
there only when it passes. No shadow period. --seed the training seed (default 1), --reason is kept
in the champion history. Prints the decision (--json: verdict promoted or kept, reason, champion and
challenger versions and metrics, gate, slice, data). Exit 0 promoted, 1 kept, 2 no log or bad input.`;

export async function retrainCommand(argv: string[]): Promise<number> {
  const p = parseSub("retrain", argv, RETRAIN_SPEC, RETRAIN_HELP);
  if (typeof p === "number") return p;
  const { sub, values } = p;
  const registry = registryOpt(values);
  const contract = contractChampion(registry, `retrain ${sub}`);
  if (sub === "run") return retrainRun(registry, contract, values);
  // A contract champion's decisions are in its server's audit.
  const audit = await openContractAudit(readConfig(), contract, true);
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

/** The champion's contract name; a champion of the retired AI4I app is refused (exit 2). */
function contractChampion(registry: ModelRegistry, command: string): string {
  const { version, obj } = registry.readModelJson("champion");
  if (!isHistoryModelJSON(obj)) refuseAi4iModel(version, command);
  return (obj as { contract?: { name?: string } }).contract?.name ?? "";
}

/** The audit's decisions and events, a page at a time. */
async function printHistory(
  store: Pick<AuditStore, "pageAudit">,
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
