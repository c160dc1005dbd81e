// Alert rules and routes, checked by the real tools (promtool, amtool), plus the one-source rule: the
// Kubernetes PrometheusRule is a fresh generation of deploy/monitoring/rules.yml.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import {
  fastAlertmanagerConfig,
  fastRules,
  PROMETHEUSRULE_PATH,
  REGENERATE_COMMAND,
  RULES_PATH,
  renderPrometheusRule,
} from "../../scripts/gen-prometheusrule.js";
import { INSTALL, repoRoot, requireTool, run } from "../helpers/exec.js";

const root = repoRoot();
const mon = (f: string) => join(root, "deploy/monitoring", f);
const PROMTOOL = INSTALL.promtool;
const AMTOOL = INSTALL.amtool;
const rulesText = readFileSync(join(root, RULES_PATH), "utf8");
const amText = readFileSync(mon("alertmanager.yml"), "utf8");
const work = mkdtempSync(join(tmpdir(), "millwright-rules-"));
after(() => rmSync(work, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
type Any = any;
const alerts: Any[] = parse(rulesText).groups.flatMap((g: Any) => g.rules.filter((r: Any) => r.alert));
const RETRAIN = [
  "MillwrightDatasetDrift",
  "MillwrightEstimatedQualityDrop",
  "MillwrightGroupDrift",
  "MillwrightQualityLow",
];
const REQUIRED = [
  ...RETRAIN,
  "MillwrightDown",
  "MillwrightHighErrorRate",
  "MillwrightHighLatency",
  "MillwrightStoreDegraded",
];

test("promtool check rules: rules.yml is clean", (t) => {
  if (!requireTool(t, "promtool", PROMTOOL)) return;
  const res = run("promtool", ["check", "rules", RULES_PATH], { cwd: root });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /SUCCESS: \d+ rules found/);
});

test("promtool test rules: every alert fires and stays silent as rules.test.yml expects", (t) => {
  if (!requireTool(t, "promtool", PROMTOOL)) return;
  const res = run("promtool", ["test", "rules", "deploy/monitoring/rules.test.yml"], { cwd: root });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /SUCCESS/);
});

test("promtool catches a broken rule: a floor changed without its test fails the unit tests", (t) => {
  if (!requireTool(t, "promtool", PROMTOOL)) return;
  writeFileSync(join(work, "rules.yml"), rulesText.replace("expr: vector(50)", "expr: vector(20)"));
  writeFileSync(join(work, "rules.test.yml"), readFileSync(mon("rules.test.yml"), "utf8"));
  const res = run("promtool", ["test", "rules", "rules.test.yml"], { cwd: work });
  assert.notEqual(res.code, 0);
  assert.match(res.stdout + res.stderr, /too few labels/);
});

test("rules.test.yml shows every alert both firing and silent", () => {
  const tests: Any[] = parse(readFileSync(mon("rules.test.yml"), "utf8")).tests;
  const cases = tests.flatMap((c: Any) => c.alert_rule_test ?? []);
  for (const a of alerts) {
    const mine = cases.filter((c: Any) => c.alertname === a.alert);
    assert.ok(
      mine.some((c: Any) => (c.exp_alerts ?? []).length > 0),
      `${a.alert} fires in a test`,
    );
    assert.ok(
      mine.some((c: Any) => (c.exp_alerts ?? []).length === 0),
      `${a.alert} stays silent in a test`,
    );
  }
});

test("every alert has service, severity, summary, description and a runbook section; retrain only on model alerts", () => {
  const names = alerts.map((a) => a.alert);
  for (const r of REQUIRED) assert.ok(names.includes(r), r);
  const runbook = readFileSync(mon("RUNBOOK.md"), "utf8");
  for (const a of alerts) {
    assert.equal(a.labels.service, "millwright", a.alert);
    assert.ok(["critical", "warning", "info"].includes(a.labels.severity), a.alert);
    assert.ok(a.annotations.summary && a.annotations.description, a.alert);
    const anchor = a.alert.toLowerCase();
    assert.equal(
      a.annotations.runbook_url,
      `https://github.com/millwright-mlops/millwright/blob/main/deploy/monitoring/RUNBOOK.md#${anchor}`,
    );
    assert.match(runbook, new RegExp(`^## ${a.alert}$`, "m"), `RUNBOOK.md has a section for ${a.alert}`);
    // production durations: a fast variant must never be committed by mistake
    assert.match(a.for, /^[0-9]+[mh]$/, `${a.alert} for: ${a.for}`);
  }
  assert.deepEqual(
    names.filter((n) => alerts.find((a) => a.alert === n).labels.action === "retrain").sort(),
    RETRAIN,
  );
});

test(`the committed PrometheusRule is a fresh generation of ${RULES_PATH}`, () => {
  const committed = readFileSync(join(root, PROMETHEUSRULE_PATH), "utf8");
  assert.ok(
    committed === renderPrometheusRule(rulesText),
    `${PROMETHEUSRULE_PATH} is stale: regenerate it with \`${REGENERATE_COMMAND}\``,
  );
  assert.match(committed, /^# GENERATED from deploy\/monitoring\/rules\.yml .*do not edit/);
  const manifest = parse(committed);
  assert.equal(manifest.kind, "PrometheusRule");
  assert.deepEqual(manifest.spec.groups, parse(rulesText).groups);
});

test("fastRules shortens every for: and changes nothing else; promtool accepts the result", (t) => {
  const fast = fastRules(rulesText, "5s");
  const slow = parse(rulesText);
  const quick = parse(fast);
  const fors = quick.groups.flatMap((g: Any) => g.rules.filter((r: Any) => r.alert).map((r: Any) => r.for));
  assert.equal(fors.length, alerts.length);
  assert.ok(fors.every((f: string) => f === "5s"));
  for (const g of slow.groups) for (const r of g.rules) if (r.alert) r.for = "5s";
  assert.deepEqual(quick, slow);
  assert.ok(fast.includes("# Millwright alert rules: THE one source."), "comments kept");
  assert.throws(() => fastRules(rulesText, "soon"), /Prometheus duration/);
  if (!requireTool(t, "promtool", PROMTOOL)) return;
  writeFileSync(join(work, "fast.yml"), fast);
  const res = run("promtool", ["check", "rules", join(work, "fast.yml")]);
  assert.equal(res.code, 0, res.stdout + res.stderr);
});

test("the generator script writes the fast variant from the command line", () => {
  const out = join(work, "cli-fast.yml");
  const script = join(root, "scripts/gen-prometheusrule.ts");
  const res = run(process.execPath, ["--import", "tsx", script, "--fast", "3s", "--out", out], { cwd: root });
  assert.equal(res.code, 0, res.stderr);
  assert.equal(readFileSync(out, "utf8"), fastRules(rulesText, "3s"));
  const check = run(process.execPath, ["--import", "tsx", script, "--check"], { cwd: root });
  assert.equal(check.code, 0, check.stderr);
});

test("promtool check config: prometheus.yml is valid and loads rules.yml", (t) => {
  if (!requireTool(t, "promtool", PROMTOOL)) return;
  const res = run("promtool", ["check", "config", "deploy/monitoring/prometheus.yml"], { cwd: root });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const config = parse(readFileSync(mon("prometheus.yml"), "utf8"));
  assert.deepEqual(config.rule_files, ["rules.yml"]);
  assert.deepEqual(
    config.scrape_configs.map((s: Any) => s.job_name),
    ["millwright"],
  );
});

test("amtool check-config: alertmanager.yml is clean", (t) => {
  if (!requireTool(t, "amtool", AMTOOL)) return;
  const res = run("amtool", ["check-config", "deploy/monitoring/alertmanager.yml"], { cwd: root });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /SUCCESS/);
});

test("routes: action=retrain goes to the webhook and on to people; the rest to people only", (t) => {
  const config = parse(amText);
  assert.deepEqual(config.route.group_by, ["alertname"]);
  for (const [receiver, ns] of [
    ["millwright-retrain", "millwright-prod"],
    ["millwright-retrain-test", "millwright-test"],
  ]) {
    const hook = config.receivers.find((r: Any) => r.name === receiver).webhook_configs[0];
    assert.equal(hook.send_resolved, false);
    assert.equal(hook.url, `http://millwright.${ns}.svc.cluster.local/v1/hooks/alertmanager`);
    assert.equal(hook.http_config.authorization.type, "Bearer");
    assert.ok(hook.http_config.authorization.credentials_file, "token read from a file");
    assert.equal(hook.http_config.authorization.credentials, undefined, "no inline token");
  }
  if (!requireTool(t, "amtool", AMTOOL)) return;
  const route = (...labels: string[]) =>
    run(
      "amtool",
      ["config", "routes", "test", "--config.file=deploy/monitoring/alertmanager.yml", ...labels],
      {
        cwd: root,
      },
    ).stdout.trim();
  for (const name of RETRAIN) {
    const labels = [`alertname=${name}`, "service=millwright", "action=retrain"];
    assert.equal(route(...labels), "millwright-retrain,default", "outside Kubernetes (no namespace)");
    assert.equal(route(...labels, "namespace=millwright-prod"), "millwright-retrain,default");
    assert.equal(route(...labels, "namespace=millwright-test"), "millwright-retrain-test,default");
  }
  assert.equal(route("alertname=MillwrightDown", "service=millwright", "severity=critical"), "default");
  assert.equal(route("alertname=Other", "action=retrain"), "default", "only Millwright's alerts retrain");
});

test("fastAlertmanagerConfig points the webhook at a local server with second-scale waits", (t) => {
  const fast = parse(
    fastAlertmanagerConfig(amText, {
      webhookUrl: "http://127.0.0.1:18080/v1/hooks/alertmanager",
      credentialsFile: join(work, "hook-token"),
    }),
  );
  assert.equal(fast.route.group_wait, "1s");
  assert.equal(fast.route.group_interval, "1s");
  for (const r of fast.route.routes.filter((x: Any) => x.receiver !== "default")) {
    assert.equal(r.group_wait, "1s");
    assert.equal(r.repeat_interval, "1m");
  }
  const hook = fast.receivers.find((r: Any) => r.name === "millwright-retrain").webhook_configs[0];
  assert.equal(hook.url, "http://127.0.0.1:18080/v1/hooks/alertmanager");
  assert.equal(hook.http_config.authorization.credentials_file, join(work, "hook-token"));
  assert.equal(hook.send_resolved, false);
  assert.throws(
    () =>
      fastAlertmanagerConfig("route: {receiver: x}\nreceivers: [{name: x}]\n", {
        webhookUrl: "http://x",
        credentialsFile: "/x",
      }),
    /no millwright-retrain webhook receiver/,
  );
  if (!requireTool(t, "amtool", AMTOOL)) return;
  writeFileSync(join(work, "hook-token"), "test-token\n");
  writeFileSync(
    join(work, "am.yml"),
    fastAlertmanagerConfig(amText, {
      webhookUrl: "http://127.0.0.1:1/v1/hooks/alertmanager",
      credentialsFile: join(work, "hook-token"),
    }),
  );
  const res = run("amtool", ["check-config", join(work, "am.yml")]);
  assert.equal(res.code, 0, res.stdout + res.stderr);
});
