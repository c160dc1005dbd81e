// Derives everything that is made from deploy/monitoring/rules.yml, the one source of Millwright's alerts:
// - the Kubernetes PrometheusRule (deploy/k8s/base/monitoring/prometheusrule.yaml), committed, checked by a test;
// - a fast variant for tests and the end-to-end run, whose Prometheus evaluates every second and cannot wait
//   the production `for:` minutes;
// - a fast Alertmanager config pointing the retraining webhook at a local server.
//
//   node --import tsx scripts/gen-prometheusrule.ts                 write the PrometheusRule
//   node --import tsx scripts/gen-prometheusrule.ts --check         exit 1 when the committed one is stale
//   node --import tsx scripts/gen-prometheusrule.ts --fast 5s --out FILE   write the fast rule variant
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMap, isSeq, parse, parseDocument, stringify, visit } from "yaml";
import { MillwrightError } from "../src/core/errors.js";

export const RULES_PATH = "deploy/monitoring/rules.yml";
export const PROMETHEUSRULE_PATH = "deploy/k8s/base/monitoring/prometheusrule.yaml";
export const REGENERATE_COMMAND = "node --import tsx scripts/gen-prometheusrule.ts";

const HEADER = [
  `# GENERATED from ${RULES_PATH} by scripts/gen-prometheusrule.ts: do not edit.`,
  `# Edit ${RULES_PATH}, then regenerate: ${REGENERATE_COMMAND}`,
].join("\n");

const DURATION = /^[0-9]+(ms|s|m|h)$/;

/** The repository root, found from this file whether it runs from scripts/ (tsx) or dist/scripts/. */
export function repoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, RULES_PATH))) return dir;
    const up = dirname(dir);
    if (up === dir) {
      throw new MillwrightError("MW_CONFIG", `no ${RULES_PATH} above ${start}`, { file: RULES_PATH });
    }
    dir = up;
  }
}

interface RuleFile {
  groups: Array<{ name: string; rules: Array<Record<string, unknown>> }>;
}

function parseRules(rulesText: string): RuleFile {
  const data = parse(rulesText) as unknown;
  const groups = (data as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new MillwrightError("MW_CONFIG", `${RULES_PATH}: no rule groups`, {
      file: RULES_PATH,
      key: "groups",
    });
  }
  return data as RuleFile;
}

/** The PrometheusRule manifest (text, with the "generated" header) holding exactly the groups of rules.yml. */
export function renderPrometheusRule(rulesText: string): string {
  const rules = parseRules(rulesText);
  const manifest = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: "millwright",
      labels: {
        "app.kubernetes.io/name": "millwright",
        "app.kubernetes.io/component": "monitoring",
        // kube-prometheus-stack's default ruleSelector matches its Helm release name.
        release: "kube-prometheus-stack",
      },
    },
    spec: { groups: rules.groups },
  };
  return `${HEADER}\n${stringify(manifest, { lineWidth: 0 })}`;
}

function checkDuration(value: string, key: string): void {
  if (!DURATION.test(value)) {
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `${key} must be a Prometheus duration such as 5s, got "${value}"`,
      {
        key,
        value,
      },
    );
  }
}

/** rules.yml with every alert's `for:` set to `forDuration`; comments and everything else kept. */
export function fastRules(rulesText: string, forDuration = "5s"): string {
  checkDuration(forDuration, "for");
  parseRules(rulesText);
  const doc = parseDocument(rulesText);
  let changed = 0;
  visit(doc, {
    Pair(_key, pair) {
      const k = (pair.key as { value?: unknown } | null)?.value;
      if (k === "for") {
        (pair.value as { value: unknown }).value = forDuration;
        changed++;
      }
    },
  });
  if (changed === 0) {
    throw new MillwrightError("MW_CONFIG", `${RULES_PATH}: no alert has a for: duration`, {
      file: RULES_PATH,
    });
  }
  return doc.toString({ lineWidth: 0 });
}

export interface FastAlertmanagerOptions {
  /** Where the retraining webhook really listens, e.g. http://127.0.0.1:PORT/v1/hooks/alertmanager. */
  webhookUrl: string;
  /** File holding the hook token. */
  credentialsFile: string;
  /** group_wait and group_interval of every route (default 1s). */
  wait?: string;
  /** repeat_interval of every route (default 1m). */
  repeatInterval?: string;
}

/** alertmanager.yml with second-scale waits and the retrain receiver pointed at a local webhook. */
export function fastAlertmanagerConfig(text: string, options: FastAlertmanagerOptions): string {
  const wait = options.wait ?? "1s";
  const repeat = options.repeatInterval ?? "1m";
  checkDuration(wait, "wait");
  checkDuration(repeat, "repeatInterval");
  const doc = parseDocument(text);
  const setTimings = (route: unknown): void => {
    if (!isMap(route)) return;
    for (const key of ["group_wait", "group_interval"]) if (route.has(key)) route.set(key, wait);
    if (route.has("repeat_interval")) route.set("repeat_interval", repeat);
    const children = route.get("routes");
    if (isSeq(children)) for (const child of children.items) setTimings(child);
  };
  setTimings(doc.get("route"));
  const receivers = doc.get("receivers");
  const retrain = isSeq(receivers)
    ? receivers.items.find((r) => isMap(r) && r.get("name") === "millwright-retrain")
    : undefined;
  const hooks = isMap(retrain) ? retrain.get("webhook_configs") : undefined;
  if (!isSeq(hooks) || hooks.items.length === 0) {
    throw new MillwrightError("MW_CONFIG", "alertmanager config has no millwright-retrain webhook receiver", {
      key: "receivers.millwright-retrain.webhook_configs",
    });
  }
  for (const hook of hooks.items) {
    if (!isMap(hook)) continue;
    hook.set("url", options.webhookUrl);
    hook.setIn(["http_config", "authorization", "credentials_file"], options.credentialsFile);
  }
  return doc.toString({ lineWidth: 0 });
}

function main(argv: string[]): number {
  const root = repoRoot();
  const rulesText = readFileSync(join(root, RULES_PATH), "utf8");
  const fastAt = argv.indexOf("--fast");
  if (fastAt >= 0) {
    const duration = argv[fastAt + 1] ?? "";
    const outAt = argv.indexOf("--out");
    const out = outAt >= 0 ? argv[outAt + 1] : undefined;
    if (!out) throw new MillwrightError("MW_BAD_INPUT", "--fast needs --out FILE", { key: "--out" });
    writeFileSync(resolve(out), fastRules(rulesText, duration));
    return 0;
  }
  const target = join(root, PROMETHEUSRULE_PATH);
  const fresh = renderPrometheusRule(rulesText);
  if (argv.includes("--check")) {
    const current = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (current === fresh) return 0;
    process.stderr.write(`${PROMETHEUSRULE_PATH} is stale; regenerate it: ${REGENERATE_COMMAND}\n`);
    return 1;
  }
  writeFileSync(target, fresh);
  process.stdout.write(`wrote ${PROMETHEUSRULE_PATH}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}
