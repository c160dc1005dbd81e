// Models page: registered versions with metrics and lineage, the aliases, each version's report,
// and promotion to champion with the admin token.
import { describeError, getJson, postJson } from "../api.js";
import { fill, h, num, section, setText, table, when } from "../dom.js";
import { isMissingEndpoint, notAvailable } from "../server.js";
import { shadowPanel } from "./models-shadow.js";
import { adminToken, tokenField } from "../token.js";
import { rollbackControl } from "./models-rollback.js";

export function modelsPage(root, _arg, ctx) {
  const msg = h("p", { class: "form-msg", id: "promote-msg", role: "alert" });
  const facts = h("dl", { class: "facts" });
  const list = h("div", {}, h("p", {}, "Loading models…"));
  const aliases = section("aliases", "Aliases", facts);
  const promotion = section(
    "promote",
    "Promotion",
    tokenField("admin-token", "Promotion and shadow mode need the admin token."),
    msg,
    rollbackControl(ctx, () => {
      last = "";
      refresh();
    }),
  );
  const versions = section("versions", "Versions", list);
  const shadow = shadowPanel(ctx, () => refresh());
  root.append(h("h1", {}, "Models"), aliases, promotion, shadow.card, versions);
  let last = "";
  /** This server has no model routes: say so once, and stop asking. */
  let missing = false;

  async function promote(version) {
    setText(msg, `Promoting ${version}…`);
    msg.className = "form-msg";
    try {
      const r = await postJson(
        `/v1/models/${encodeURIComponent(version)}/promote`,
        { alias: "champion" },
        adminToken() || undefined,
      );
      const text = `Version ${r.version} is now ${r.alias}; serving ${r.served ?? "—"}.`;
      setText(msg, text);
      msg.className = "form-msg ok";
      ctx.announce(text);
      last = "";
      await refresh();
    } catch (e) {
      setText(msg, `Promotion refused: ${describeError(e)}`);
      msg.className = "form-msg error";
    }
  }

  async function refresh() {
    if (missing) return;
    await shadow.refresh();
    let d;
    try {
      d = await getJson("/v1/models");
    } catch (e) {
      if (!isMissingEndpoint(e)) throw e;
      missing = true;
      for (const s of [aliases, promotion, versions, shadow.card]) s.hidden = true;
      root.append(notAvailable("models-na", "Model versions and promotion"));
      return;
    }
    // The versions' Shadow buttons depend on which version is in shadow: redraw when it changes.
    const key = JSON.stringify([d, shadow.version()]);
    if (key === last) return;
    last = key;
    fill(
      facts,
      fact("Champion", d.champion ?? "—"),
      fact("Challenger", d.challenger ?? "—"),
      fact("Served now", d.served ?? "—"),
    );
    const models = [...(d.models ?? [])].reverse();
    fill(
      list,
      models.length
        ? table(
            "Registered model versions, newest first",
            [
              "Version",
              "Aliases",
              "PR-AUC",
              "ROC-AUC",
              "F1",
              "Data (sha256)",
              "Rows",
              "Created",
              "Report",
              "Action",
            ],
            models.map((m) => ({
              attrs: { "data-version": m.version },
              cells: [
                m.version,
                aliasBadges(m, d),
                num(m.metrics?.pr_auc),
                num(m.metrics?.roc_auc),
                num(m.metrics?.f1),
                m.lineage?.data_sha256
                  ? h("code", { title: m.lineage.data_sha256 }, String(m.lineage.data_sha256).slice(0, 12))
                  : "—",
                m.lineage?.rows == null
                  ? "—"
                  : `${m.lineage.rows.toLocaleString("en-US")}${m.lineage.telemetry_files > 1 ? ` (${m.lineage.telemetry_files} files)` : ""}`,
                when(m.created_at),
                // A contract server's versions have a model card besides the HTML report.
                h(
                  "span",
                  {},
                  m.contract ? [versionLink(m.version, "card", "Card"), " · "] : null,
                  versionLink(m.version, "report", "Report"),
                ),
                d.champion === m.version
                  ? h("span", { class: "muted" }, "champion")
                  : h(
                      "span",
                      { class: "actions" },
                      h(
                        "button",
                        {
                          type: "button",
                          class: "primary promote",
                          "data-version": m.version,
                          onclick: () => promote(m.version),
                        },
                        "Promote",
                        h("span", { class: "sr-only" }, ` ${m.version} to champion`),
                      ),
                      shadow.button(m.version) ?? "",
                    ),
              ],
            })),
            { rowHeaders: true },
          )
        : h("p", {}, "No model is registered yet: run `millwright train`."),
    );
  }

  return { refresh };
}

function aliasBadges(m, d) {
  const names = new Set(m.aliases ?? []);
  if (d.served === m.version) names.add("served");
  if (names.size === 0) return "—";
  return h(
    "span",
    { class: "aliases" },
    [...names].map((a) => h("span", { class: `badge alias alias-${a}` }, a)),
  );
}

function fact(k, v) {
  return h("div", {}, h("dt", {}, k), h("dd", {}, v));
}

/** A link to one of a version's documents (its card or its report), opened in a new tab. */
function versionLink(version, doc, text) {
  return h(
    "a",
    { href: `/v1/models/${encodeURIComponent(version)}/${doc}`, target: "_blank", rel: "noopener" },
    text,
    h("span", { class: "sr-only" }, ` for ${version} (opens in a new tab)`),
  );
}
