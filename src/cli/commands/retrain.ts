import { join } from "node:path";
import { MillwrightError } from "../../core/errors.js";
import { Registry } from "../../registry/registry.js";
import { type RetrainDecision, retrainLocal } from "../../retrain/local.js";
import { createStore } from "../../store/index.js";
import { readConfig, sqlitePath } from "../config.js";
import { isHelpWord, DEFAULT_REGISTRY, intOpt, out, outJson, parse, outThen, outJsonThen } from "../io.js";

export const RETRAIN_HELP = `millwright retrain history [--json] [--limit N]
millwright retrain run [--registry DIR] [--seed N] [--json]

history: every alert, trigger, gate decision and promotion in the audit log, newest first.
run: trains a challenger now on the champion's data plus the labelled production data, gates it
against the champion on the most recent labelled predictions and promotes it if it wins
(exit 1 when the challenger is kept).`;

export async function retrainCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (isHelpWord(sub)) return outThen(RETRAIN_HELP, 0);
  const { values } = parse(
    rest,
    {
      json: { type: "boolean" },
      limit: { type: "string" },
      registry: { type: "string" },
      seed: { type: "string" },
    },
    RETRAIN_HELP,
  );
  if (values.help || !sub) return outThen(RETRAIN_HELP, sub ? 0 : 2);
  const cfg = readConfig();
  const store = await createStore({ databaseUrl: cfg.databaseUrl, sqlitePath: sqlitePath(cfg) });
  try {
    if (sub === "history") {
      const events = await store.listAudit(undefined, intOpt(values, "limit", 50, 1));
      if (values.json) {
        const list = events.map((e) => ({
          at: new Date(e.at).toISOString(),
          kind: e.kind,
          payload: e.payload,
        }));
        return outJsonThen({ events: list }, 0);
      }
      if (events.length === 0) return outThen("no retraining events yet", 0);
      for (const e of events) {
        const p = e.payload as Record<string, unknown>;
        const what =
          e.kind === "decision"
            ? `${String(p.verdict)}: ${String(p.reason)}`
            : e.kind === "alert"
              ? `${String(p.alertname)} ${String(p.status)}`
              : e.kind === "promotion"
                ? `${String(p.from)} → ${String(p.to)}`
                : JSON.stringify(p);
        out(`${new Date(e.at).toISOString()}  ${e.kind.padEnd(9)} ${what}`);
      }
      return 0;
    }
    if (sub === "run") {
      const registry = new Registry((values.registry as string | undefined) ?? DEFAULT_REGISTRY);
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

/** The verdict with the versions first: which model serves now is what the reader needs. */
export function decisionWords(d: RetrainDecision): string {
  const ch = d.challenger?.version;
  if (d.verdict === "promoted")
    return `promoted ${ch}: champion is now ${ch} (was ${d.champion.version}); ${d.reason}`;
  const trained = ch ? `challenger ${ch} not promoted, ` : "";
  return `${d.verdict}: champion stays ${d.champion.version}; ${trained}${d.reason}`;
}
