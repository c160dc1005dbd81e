// Just enough PromQL reading to check queries against the server's metric declarations: which metric names
// an expression selects, and which labels its matchers name. Not a parser: it strips strings, matchers,
// ranges and label lists, then what is left that is not a function call or a keyword is a metric name.
import type { Registry } from "prom-client";

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
]);
for (const k of ["offset", "bool", "inf", "nan"]) KEYWORDS.add(k);

/** Labels every scraped series carries (static config, or the Prometheus Operator's ServiceMonitor). */
// role: stable or canary, relabelled from the Argo Rollouts pod label (deploy/k8s/base/monitoring/servicemonitor.yaml)
export const TARGET_LABELS = [
  "job",
  "instance",
  "namespace",
  "pod",
  "service",
  "endpoint",
  "container",
  "role",
];

/** Metric names a PromQL expression selects (function names, labels, keywords and Grafana variables excluded). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, "") // label matchers
    .replace(/\[[^\]]*\]/g, "") // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ") // label lists
    .replace(/\$\{?\w+\}?/g, " "); // Grafana variables
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w:.])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()/g)) {
    if (!KEYWORDS.has(m[1].toLowerCase())) names.add(m[1]);
  }
  return [...names].sort();
}

/** [metric, label] for every label matcher written as metric{label="..."}. */
export function matcherLabels(expr: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const sel of expr.matchAll(/([A-Za-z_:][\w:]*)\s*\{([^}]*)\}/g)) {
    for (const m of sel[2].matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"/g))
      out.push([sel[1], m[1]]);
  }
  return out;
}

/** Series name → the labels it may carry ("any" for Prometheus's ALERTS series). */
export type Contract = Map<string, Set<string> | "any">;

/**
 * The contract from the server's registry (histograms expand to _bucket/_sum/_count), plus `up`, ALERTS and
 * the recording rules of rules.yml with their own labels.
 */
export function contract(registry: Registry, recorded: Array<{ record: string; labels?: object }>): Contract {
  const out: Contract = new Map();
  for (const m of registry.getMetricsAsArray()) {
    const own = (m as unknown as { labelNames?: string[] }).labelNames ?? [];
    const names =
      String(m.type) === "histogram" ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name];
    for (const n of names)
      out.set(n, new Set([...own, ...TARGET_LABELS, ...(n.endsWith("_bucket") ? ["le"] : [])]));
  }
  out.set("up", new Set(TARGET_LABELS));
  out.set("ALERTS", "any");
  out.set("ALERTS_FOR_STATE", "any");
  for (const r of recorded) out.set(r.record, new Set(Object.keys(r.labels ?? {})));
  return out;
}

/** Unknown metric names and unknown matcher labels in one expression, each naming `where`. */
export function problems(known: Contract, where: string, expr: string): string[] {
  const found: string[] = [];
  for (const name of metricNames(expr)) if (!known.has(name)) found.push(`${where}: unknown metric ${name}`);
  for (const [metric, label] of matcherLabels(expr)) {
    const labels = known.get(metric);
    if (labels && labels !== "any" && !labels.has(label))
      found.push(`${where}: ${metric} has no label ${label}`);
  }
  return found;
}

// biome-ignore lint/suspicious/noExplicitAny: Grafana dashboard JSON
type Dashboard = any;

/** Every PromQL expression of a Grafana dashboard (panels, annotations, query variables), with where it sits. */
export function dashboardQueries(d: Dashboard): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (panels: Dashboard[]) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) out.push([`panel "${p.title}" ${t.refId}`, t.expr]);
      walk(p.panels);
    }
  };
  walk(d.panels);
  for (const a of d.annotations?.list ?? []) if (a.expr) out.push([`annotation "${a.name}"`, a.expr]);
  for (const v of d.templating?.list ?? []) {
    if (v.type !== "query") continue;
    const q = typeof v.query === "string" ? v.query : v.query?.query;
    // label_values(selector, label): the selector is the PromQL part
    const m = /^label_values\((.+),\s*\w+\)$/.exec(q ?? "");
    out.push([`variable ${v.name}`, m ? m[1] : String(q)]);
  }
  return out;
}
