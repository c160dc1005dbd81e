// Monitoring page: drift per feature with reference-vs-current histograms, realised vs estimated
// F1 over time, alerts received, retraining history with the gate's verdicts, and (when a live
// simulation runs) a switch for its drift scenario. On a data-contract server, drift is by the
// contract's readings in its words and units, quality is realised from the failures told, and the
// parts whose API that server lacks say so.
import { describeError, getJson, postJson } from "../api.js";
import { histogramPair } from "../charts/histogram.js";
import { legend, lineChart } from "../charts/line-chart.js";
import { fill, h, num, pct, section, setText, table, when } from "../dom.js";
import { isMissingEndpoint, notAvailable, serverInfo, withUnit } from "../server.js";
import { adminToken, tokenField } from "../token.js";
import { groupsSection, realisedSection } from "./monitor-contract.js";
import { FEATURE_WORDS, shopClockWords } from "../words.js";

/** A drift row's name: the contract's words and unit on a contract server, else AI4I's words. */
let featureWords = (f) => FEATURE_WORDS[f] ?? f;

export function monitorPage(root, _arg, ctx) {
  const body = h("div", { class: "stack" }, h("p", {}, "Loading monitoring…"));
  const sim = simControl(ctx);
  root.append(h("h1", {}, "Monitoring"), sim.el, body);
  let last = "";

  return {
    async refresh() {
      const { contract, sim: simulated } = await serverInfo();
      if (contract) {
        const spec = new Map(contract.readings.map((r) => [r.name, r]));
        featureWords = (f) =>
          f === "prediction" ? "predicted failure probability" : spec.has(f) ? withUnit(spec.get(f)) : f;
      }
      // Asked for once more each poll, also when the server lacks them: another may have them soon.
      const [mon, hist, retrain, alerts, simState] = await Promise.allSettled([
        getJson("/v1/monitor"),
        getJson("/v1/monitor/history?limit=100"),
        getJson("/v1/retrain/history"),
        getJson("/v1/alerts"),
        // The AI4I server, or a contract server a live simulator feeds (up --fleet ai4i-contract).
        simulated ? getJson("/v1/sim") : Promise.resolve(null),
      ]);
      // A contract server's report does not name the model: its contract does.
      if (contract && mon.status === "fulfilled") mon.value.model_version ??= contract.model?.version;
      sim.update(simState.status === "fulfilled" ? simState.value : null);
      const key = JSON.stringify(
        [mon, hist, retrain, alerts].map((r) => (r.status === "fulfilled" ? r.value : String(r.reason))),
      );
      if (key === last) return;
      last = key;
      fill(
        body,
        part(mon, driftSections),
        contract
          ? [
              part(mon, (v) => groupsSection(v, featureWords)),
              part(mon, (v) => realisedSection(v, contract)),
              // A contract server without a kept history (one built without its store) says nothing of it.
              hist.status === "fulfilled" ? qualityHistory(hist.value.points ?? []) : null,
            ]
          : part(hist, (v) => qualitySection(v, mon.status === "fulfilled" ? mon.value : null)),
        part(alerts, alertsSection, "alerts-na", "Alerts"),
        part(retrain, retrainSection, "retrain-na", "Retraining history"),
      );
    },
  };
}

function part(result, render, id, what) {
  if (result.status === "fulfilled") return render(result.value);
  if (id && isMissingEndpoint(result.reason)) return notAvailable(id, what);
  return h("p", { class: "error", role: "alert" }, describeError(result.reason));
}

function verdict(drifted) {
  return h("span", { class: `badge ${drifted ? "risk-high" : "risk-low"}` }, drifted ? "Drifted" : "Stable");
}

function driftSections(m) {
  const facts = h(
    "dl",
    { class: "facts" },
    fact("Model version", m.model_version ?? "—"),
    fact("Computed", when(m.at)),
    fact("Recent predictions compared", String(m.current_rows)),
    fact(
      "Dataset drift",
      m.drift
        ? `${m.drift.dataset_drift ? "yes" : "no"} (${pct(m.drift.drift_share, 0)} of features drifted)`
        : "not enough data",
    ),
  );
  if (!m.drift)
    return section(
      "drift",
      "Data drift",
      facts,
      h("p", {}, "Not enough recent predictions for a drift verdict yet."),
    );
  const features = [...m.drift.features, ...(m.prediction_drift ? [m.prediction_drift] : [])];
  const series = [
    { name: "Reference (training data)", cls: "ref" },
    { name: "Current (recent predictions)", cls: "cur" },
  ];
  return section(
    "drift",
    "Data drift",
    facts,
    table(
      "Drift per feature: test, score, threshold and verdict",
      ["Feature", "Test", "Score", "Threshold", "Verdict", "Rows (reference / current)"],
      features.map((f) => [
        featureWords(f.feature),
        f.test,
        num(f.score, 4),
        num(f.threshold, 4),
        verdict(f.drifted),
        `${f.n_reference} / ${f.n_current}`,
      ]),
      { rowHeaders: true, class: "drift" },
    ),
    h("h3", {}, "Reference versus current"),
    h(
      "ul",
      { class: "legend" },
      series.map((s) => h("li", {}, h("span", { class: `key key-${s.cls}`, "aria-hidden": "true" }), s.name)),
    ),
    h(
      "div",
      { class: "hist-grid" },
      features.map((f) =>
        h(
          "figure",
          {},
          histogramPair(featureWords(f.feature), f.histogram),
          h("figcaption", {}, featureWords(f.feature), " · ", verdict(f.drifted)),
        ),
      ),
    ),
  );
}

/** Realised against estimated F1, point by point of the monitor's kept history. */
function qualityChart(pts) {
  const series = [
    {
      name: "Realised F1 (from labels)",
      cls: "series-0",
      points: pts.map((p) => ({ t: Date.parse(p.at), y: p.realised_f1 })),
    },
    {
      name: "Estimated F1 (CBPE, before labels)",
      cls: "series-2",
      points: pts.map((p) => ({ t: Date.parse(p.at), y: p.estimated_f1 })),
    },
  ];
  return [
    lineChart(series, {
      width: 1000,
      height: 260,
      label: "Realised versus estimated F1 over time",
      yMin: 0,
      yMax: 1,
      format: (v) => v.toFixed(1),
    }),
    legend(series),
  ];
}

/** A contract server's history: its chart, under the realised quality of /v1/monitor. */
function qualityHistory(pts) {
  return section(
    "quality-history",
    "Quality over time",
    pts.length > 0
      ? qualityChart(pts)
      : h("p", {}, "No point kept yet: the monitor keeps one every interval, or when asked to run."),
  );
}

function qualitySection(history, mon) {
  const pts = history.points ?? [];
  const q = mon?.quality;
  const r = q?.realised?.count;
  const e = q?.estimated?.count;
  return section(
    "quality",
    "Model quality",
    q
      ? h(
          "dl",
          { class: "facts" },
          fact("Realised F1", r?.status === "ok" ? num(r.f1, 3) : `unknown: ${r?.reason ?? "no labels"}`),
          fact("Labels", `${r?.n ?? 0} (${r?.positives ?? 0} failures)`),
          fact("Estimated F1", e && !("status" in e) ? num(e.f1, 3) : `unknown: ${e?.reason ?? "no data"}`),
        )
      : null,
    qualityChart(pts),
  );
}

function alertsSection(a) {
  const list = a.alerts ?? [];
  return section(
    "alerts",
    "Alerts received",
    list.length
      ? table(
          "Alerts from Alertmanager, newest first",
          ["Received", "Alert", "Status", "Severity", "Summary"],
          list.map((x) => [
            when(x.received_at),
            x.alertname ?? "—",
            x.status ?? "—",
            x.severity ?? "—",
            x.summary ?? "",
          ]),
        )
      : h("p", {}, "No alerts received."),
  );
}

function retrainSection(r) {
  const ev = r.events ?? [];
  return section(
    "retrain",
    "Retraining history",
    h("p", {}, r.running ? "A retraining is running now." : "No retraining is running."),
    ev.length
      ? table(
          "Retraining triggers, gate verdicts and promotions, newest first",
          ["Time", "Event", "Verdict", "Details"],
          ev.map((x) => {
            const p = x.payload ?? {};
            const v = p.verdict ?? (x.kind === "promotion" ? "promoted" : "—");
            const details =
              x.kind === "promotion"
                ? `${p.from ?? "?"} → ${p.to ?? "?"}`
                : x.kind === "trigger"
                  ? `alert ${p.alertname ?? "?"} (${p.mode ?? "?"})`
                  : decisionDetails(p);
            return [when(x.at), x.kind, h("span", { class: `badge verdict-${v}` }, v), details];
          }),
        )
      : h("p", {}, "No retraining has happened yet."),
  );
}

/**
 * A decision's reason (the gate's, the kinds' and the group's: the gate alone may promote a challenger
 * a guard kept), and for a run an alert about one group of machines started, that group's figures.
 */
function decisionDetails(p) {
  const reason = p.reason ?? p.gate?.reason ?? "";
  const g = p.group;
  if (!g || typeof g !== "object") return reason;
  const figures = `PR-AUC champion ${num(g.champion?.pr_auc)}, challenger ${num(g.challenger?.pr_auc)}`;
  return `${reason} (group ${g.name ?? "?"}: ${g.failures ?? "?"} failures in the slice, ${g.judged ? figures : "not judged"})`;
}

function fact(k, v) {
  return h("div", {}, h("dt", {}, k), h("dd", {}, v));
}

/** The live simulation's scenario switch; hidden unless GET /v1/sim says a simulation is running. */
function simControl(ctx) {
  const select = h("select", { id: "sim-scenario" });
  const msg = h("p", { class: "form-msg", role: "status" });
  const form = h(
    "form",
    { class: "controls", "aria-label": "Drift scenario of the live simulation" },
    h("div", { class: "field" }, h("label", { for: "sim-scenario" }, "Scenario"), select),
    tokenField("sim-token", "Needed to switch the scenario."),
    h(
      "div",
      { class: "field field-button" },
      h("button", { type: "submit", class: "primary" }, "Switch scenario"),
    ),
    msg,
  );
  const current = h("p", { id: "sim-current", "aria-live": "polite" });
  const el = section("sim", "Live simulation", current, form);
  el.hidden = true;
  let names = "";
  // The scenario the server said last: the selector follows it when it changes (here or elsewhere,
  // e.g. by curl), and otherwise keeps what the user is choosing.
  let shown;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const scenario = select.value === "" ? null : select.value;
      await postJson("/v1/sim/scenario", { scenario }, adminToken() || undefined);
      const text = `Scenario switched to ${scenario ?? "none (baseline)"}.`;
      setText(msg, text);
      ctx.announce(text);
    } catch (err) {
      setText(msg, `Could not switch: ${describeError(err)}`);
    }
  });
  return {
    el,
    update(s) {
      el.hidden = !s?.running;
      if (!s?.running) return;
      const n = (s.scenarios ?? []).map((x) => x.name).join(",");
      if (n !== names) {
        names = n;
        select.replaceChildren(
          h("option", { value: "" }, "None (baseline)"),
          ...(s.scenarios ?? []).map((x) => h("option", { value: x.name }, `${x.name}: ${x.description}`)),
        );
        shown = undefined;
      }
      const now = s.scenario ?? null;
      if (now !== shown) {
        shown = now;
        select.value = now ?? "";
      }
      setText(current, `The fleet runs under ${now ?? "no scenario (baseline)"}. ${shopClockWords(s.clock)}`);
    },
  };
}
