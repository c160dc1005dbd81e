// The Models page's shadow section (issue 19): the version scoring in shadow, its live comparison
// with the champion on the same requests (agreement, score distance, realised PR-AUC and recall of
// both once labels are in), and stopping it or starting one from the versions table (admin token).
// Both servers (AI4I and data contract) have shadow mode; one answering 404 (an older server)
// hides the section.
import { deleteJson, describeError, getJson, postJson } from "../api.js";
import { fill, h, num, pct, section, setText, table, when } from "../dom.js";
import { isMissingEndpoint } from "../server.js";
import { adminToken } from "../token.js";

/** `changed`: the page's refresh, run after a start or stop (the versions' buttons change too). */
export function shadowPanel(ctx, changed) {
  const msg = h("p", { class: "form-msg", id: "shadow-msg", role: "alert" });
  const body = h("div", { id: "shadow-body" }, h("p", {}, "Loading the shadow comparison…"));
  const card = section("shadow", "Shadow comparison", body, msg);
  const state = { available: true, version: null, champion: null };
  let last = "";

  function done(text, ok) {
    setText(msg, text);
    msg.className = `form-msg ${ok ? "ok" : "error"}`;
    if (ok) ctx.announce(text);
  }

  async function start(version) {
    setText(msg, `Starting ${version} in shadow…`);
    msg.className = "form-msg";
    try {
      const r = await postJson("/v1/models/shadow", { version }, adminToken() || undefined);
      done(`Version ${r.version} now scores every request in shadow.`, true);
      last = "";
      await changed();
    } catch (e) {
      done(`Shadow refused: ${describeError(e)}`, false);
    }
  }

  async function stop() {
    try {
      const r = await deleteJson("/v1/models/shadow", adminToken() || undefined);
      done(`Shadow ${r.stopped ?? ""} stopped.`, true);
      last = "";
      await changed();
    } catch (e) {
      done(`Stop refused: ${describeError(e)}`, false);
    }
  }

  async function refresh() {
    if (!state.available) return;
    let s;
    try {
      s = await getJson("/v1/models/shadow");
    } catch (e) {
      if (!isMissingEndpoint(e)) throw e;
      state.available = false;
      card.hidden = true;
      return;
    }
    state.version = s.version;
    state.champion = s.champion;
    const key = JSON.stringify(s);
    if (key === last) return;
    last = key;
    if (!s.active) {
      fill(
        body,
        h("p", { id: "shadow-none" }, "No model in shadow. Start one with Shadow on a version below."),
      );
      return;
    }
    const c = s.comparison ?? {};
    const q = s.queue ?? {};
    fill(
      body,
      h(
        "dl",
        { class: "facts", id: "shadow-facts" },
        fact("In shadow", s.version, "shadow-version"),
        fact("Champion", s.champion),
        fact("Since", when(s.started_at)),
        fact("Requests compared", c.n ?? 0, "shadow-n"),
        fact("Same decision", pct(c.agreement), "shadow-agreement"),
        fact("Score distance (Jensen-Shannon)", num(c.distance?.value), "shadow-distance"),
        fact(
          "Labelled (followed by a failure)",
          `${c.labelled ?? 0} (${c.positives ?? 0})`,
          "shadow-labelled",
        ),
        fact("Dropped (shadow behind)", q.dropped ?? 0, "shadow-dropped"),
      ),
      table(
        "Realised quality on the same labelled requests",
        ["Model", "PR-AUC", "Recall"],
        [
          {
            attrs: { "data-model": "champion" },
            cells: [`Champion ${s.champion}`, num(c.champion?.pr_auc), num(c.champion?.recall)],
          },
          {
            attrs: { "data-model": "shadow" },
            cells: [`Shadow ${s.version}`, num(c.shadow?.pr_auc), num(c.shadow?.recall)],
          },
        ],
        { rowHeaders: true },
      ),
      h("button", { type: "button", class: "secondary", id: "shadow-stop", onclick: stop }, "Stop shadow"),
    );
  }

  /** The versions table's button for a version that may go in shadow (null: none fits). */
  function button(version) {
    if (!state.available || version === state.champion || version === state.version) return null;
    return h(
      "button",
      {
        type: "button",
        class: "secondary shadow-start",
        "data-version": version,
        onclick: () => start(version),
      },
      "Shadow",
      h("span", { class: "sr-only" }, ` ${version} beside the champion`),
    );
  }

  return { card, refresh, button, version: () => state.version };
}

function fact(k, v, id) {
  return h("div", id ? { id } : {}, h("dt", {}, k), h("dd", {}, String(v)));
}
