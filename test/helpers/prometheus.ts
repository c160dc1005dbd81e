// A real Prometheus and a real Alertmanager for end-to-end tests: the Debian binaries on free
// 127.0.0.1 ports with temp dirs, Prometheus scraping Millwright every second and evaluating the
// given rules every second, Alertmanager with the given (fast) config. Stopped by PID; their logs
// are kept in the temp dir and printed by withStackLogs() when a test fails.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { freePort } from "./server-process.js";

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? "/usr/bin/prometheus-alertmanager";

export interface StackOptions {
  /** host:port of the Millwright server to scrape (job="millwright"). */
  target: string;
  /**
   * Static target groups that replace `target`: several servers, each group with its own labels
   * (the canary analysis test scrapes stable and canary servers as the Kubernetes relabelling labels them).
   */
  targetGroups?: { targets: string[]; labels?: Record<string, string> }[];
  /** Text of the rule file Prometheus loads. */
  rulesText: string;
  /** Alertmanager config; receives the directory it will live in (for credentials files). */
  alertmanagerConfig: (dir: string) => string;
}

export interface PromAlert {
  labels: Record<string, string>;
  state: "pending" | "firing" | "inactive";
  value: string;
}

export interface PrometheusStack {
  dir: string;
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** Instant query; the result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Prometheus's active alerts (pending and firing). */
  alerts(): Promise<PromAlert[]>;
  /** Alerts Alertmanager holds. */
  alertmanagerAlerts(): Promise<{ labels: Record<string, string>; status: { state: string } }[]>;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * True when both binaries exist. Otherwise skips with the reason, except under CI=true, where nothing
 * may skip: the missing binary fails the test.
 */
export function requirePrometheusStack(t: TestContext): boolean {
  const missing = [PROMETHEUS_BIN, ALERTMANAGER_BIN].filter((b) => !existsSync(b));
  if (missing.length === 0) return true;
  const reason = `${missing.join(" and ")} not installed (apt-get install -y prometheus prometheus-alertmanager)`;
  if (process.env.CI === "true") throw new Error(`${reason}; CI must install them`);
  console.log(`skip: ${reason}`);
  t.skip(reason);
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function launch(bin: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, "a");
  const child = spawn(bin, args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  child.on("error", () => {}); // a failed spawn shows as exitCode and in waitReady's message
  return child;
}

async function waitReady(
  name: string,
  url: string,
  child: ChildProcess,
  logs: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${logs()}`);
    try {
      const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${name} not ready after ${timeoutMs} ms:\n${logs()}`);
    await sleep(100);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(child.pid, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, "SIGKILL");
}

export async function startPrometheusStack(o: StackOptions): Promise<PrometheusStack> {
  const dir = mkdtempSync(join(tmpdir(), "mw-prom-"));
  const [promPort, amPort] = [await freePort(), await freePort()];
  const promLog = join(dir, "prometheus.log");
  const amLog = join(dir, "alertmanager.log");
  const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "(no log)");
  const logs = () =>
    `--- prometheus (${promLog}) ---\n${read(promLog).slice(-6000)}\n--- alertmanager (${amLog}) ---\n${read(amLog).slice(-6000)}`;

  writeFileSync(join(dir, "rules.yml"), o.rulesText);
  writeFileSync(join(dir, "alertmanager.yml"), o.alertmanagerConfig(dir));
  writeFileSync(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "rule_files:",
      `  - ${join(dir, "rules.yml")}`,
      "alerting:",
      "  alertmanagers:",
      "    - static_configs:",
      `        - targets: ["127.0.0.1:${amPort}"]`,
      "scrape_configs:",
      "  - job_name: millwright",
      "    metrics_path: /metrics",
      "    static_configs:",
      ...(o.targetGroups ?? [{ targets: [o.target] }]).map(
        (g) => `      - ${JSON.stringify({ targets: g.targets, labels: g.labels ?? {} })}`,
      ),
      "",
    ].join("\n"),
  );

  const am = launch(
    ALERTMANAGER_BIN,
    [
      `--config.file=${join(dir, "alertmanager.yml")}`,
      `--storage.path=${join(dir, "am-data")}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      "--cluster.listen-address=",
    ],
    amLog,
  );
  const prom = launch(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "prom-data")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      // Re-send firing alerts to Alertmanager every second instead of every minute.
      "--rules.alert.resend-delay=1s",
    ],
    promLog,
  );
  const prometheusUrl = `http://127.0.0.1:${promPort}`;
  const alertmanagerUrl = `http://127.0.0.1:${amPort}`;
  const stack: PrometheusStack = {
    dir,
    prometheusUrl,
    alertmanagerUrl,
    async query(expr) {
      const r = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const j = (await r.json()) as {
        status: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (j.status !== "success") throw new Error(`query ${expr}: ${JSON.stringify(j)}`);
      return j.data.result;
    },
    async alerts() {
      const r = await fetch(`${prometheusUrl}/api/v1/alerts`);
      return ((await r.json()) as { data: { alerts: PromAlert[] } }).data.alerts;
    },
    async alertmanagerAlerts() {
      const r = await fetch(`${alertmanagerUrl}/api/v2/alerts`);
      return (await r.json()) as { labels: Record<string, string>; status: { state: string } }[];
    },
    logs,
    async stop() {
      await Promise.all([stopChild(prom), stopChild(am)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all([
      waitReady("alertmanager", alertmanagerUrl, am, logs),
      waitReady("prometheus", prometheusUrl, prom, logs),
    ]);
  } catch (e) {
    await Promise.all([stopChild(prom), stopChild(am)]);
    throw e;
  }
  return stack;
}

/** Runs a test body; on failure prints Prometheus's and Alertmanager's logs before rethrowing. */
export async function withStackLogs<T>(stack: PrometheusStack, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    console.error(stack.logs());
    throw e;
  }
}
