// Fleet board: every machine's current risk, likeliest failure mode, trend and top reasons;
// sortable (risk, id, model) and filterable by make/model and text. The controls and table head
// are built once (on the first update, when the server's kind is known); each poll only replaces
// the rows, so focus and typed filters survive updates. On a data-contract server the columns
// are the contract's: its attributes with their words and units, its failure kinds.
import { getJson } from "../api.js";
import { h, pct, setText } from "../dom.js";
import { sparkline } from "../charts/sparkline.js";
import { serverInfo } from "../server.js";
import { downWords, riskLevel, riskPct, shopClockWords } from "../words.js";
import { AHEAD_LABEL, aheadLegend, aheadLine } from "./fleet-ahead.js";
import { layout } from "./fleet-columns.js";

const SORTS = {
  // A machine that is down comes first (it needs a repair now), not ranked by its risk from before.
  risk: {
    text: "Risk",
    cmp: (a, b) => !!a.down - !!b.down || a.failure_probability - b.failure_probability,
    firstDir: -1,
  },
  // The plan's risk by its end; a machine the plan has not seen (no plan yet) last.
  ahead: {
    text: AHEAD_LABEL,
    cmp: (a, b) => (a.plan_risk?.by_end ?? -1) - (b.plan_risk?.by_end ?? -1),
    firstDir: -1,
  },
  id: {
    text: "Machine",
    cmp: (a, b) => a.machine_id.localeCompare(b.machine_id, "en", { numeric: true }),
    firstDir: 1,
  },
  model: {
    text: "Make and model",
    cmp: (a, b) => (a.machine_model ?? "").localeCompare(b.machine_model ?? ""),
    firstDir: 1,
  },
};

export function fleetPage(root, _arg, ctx) {
  const state = { machines: null, key: "risk", dir: -1, text: "", model: "" };
  /** The columns, known on the first update (the server's kind); the table is built then. */
  let cols = null;
  const summary = h(
    "p",
    { class: "summary", "aria-live": "polite", id: "fleet-summary" },
    "Loading the fleet…",
  );
  // Under a live simulation, shop times run far ahead of the wall clock: say so above the table.
  const clock = h("p", { class: "summary", id: "fleet-clock" });
  root.append(h("h1", {}, "Fleet"), summary, clock);
  const search = h("input", {
    id: "fleet-search",
    type: "search",
    autocomplete: "off",
    placeholder: "id, model or reason",
  });
  const modelSel = h("select", { id: "fleet-model" });
  const sortSel = h("select", { id: "fleet-sort" });
  const tbody = h("tbody", {});
  // What the two risks are (fleet-ahead.js): under the table, from the plan the rows show.
  const legend = h("p", { class: "hint", id: "fleet-legend" });
  const sortButtons = {};

  function build() {
    const th = (key, text) => {
      const b = h(
        "button",
        { type: "button", class: "sort", "data-sort": key, onclick: () => setSort(key, true) },
        text,
      );
      sortButtons[key] = b;
      return h("th", { scope: "col", "data-sort-col": key }, b);
    };
    sortSel.append(
      h("option", { value: "risk" }, "Risk, highest first"),
      cols.ahead ? h("option", { value: "ahead" }, `${AHEAD_LABEL}, highest first`) : [],
      h("option", { value: "id" }, "Machine id"),
      cols.model ? h("option", { value: "model" }, cols.model.label) : [],
    );
    if (cols.model) modelSel.append(h("option", { value: "" }, cols.model.all));
    const table = h(
      "table",
      { class: "fleet" },
      h("caption", {}, "Machines, their failure risk and why"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          th("id", "Machine"),
          cols.model ? th("model", cols.model.label) : [],
          cols.extra.map((c) => h("th", { scope: "col" }, c.label)),
          th("risk", cols.riskLabel),
          h("th", { scope: "col" }, "Likeliest failure"),
          h("th", { scope: "col" }, "Trend"),
          h("th", { scope: "col" }, "Top reasons"),
          h("th", { scope: "col" }, cols.timeLabel),
        ),
      ),
      tbody,
    );
    search.addEventListener("input", () => {
      state.text = search.value.trim().toLowerCase();
      render(true);
    });
    modelSel.addEventListener("change", () => {
      state.model = modelSel.value;
      render(true);
    });
    sortSel.addEventListener("change", () => setSort(sortSel.value, false));
    root.append(
      h(
        "form",
        {
          class: "controls",
          role: "search",
          "aria-label": "Filter and sort machines",
          onsubmit: (e) => e.preventDefault(),
        },
        h("div", { class: "field" }, h("label", { for: "fleet-search" }, "Search"), search),
        cols.model
          ? h("div", { class: "field" }, h("label", { for: "fleet-model" }, cols.model.label), modelSel)
          : [],
        h("div", { class: "field" }, h("label", { for: "fleet-sort" }, "Sort by"), sortSel),
      ),
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Fleet table" }, table),
      cols.ahead ? legend : [],
    );
  }

  function setSort(key, toggle) {
    if (toggle && state.key === key) state.dir = -state.dir;
    else {
      state.key = key;
      state.dir = SORTS[key].firstDir;
    }
    sortSel.value = key;
    render(true);
  }

  function updateModels() {
    if (!cols.model) return;
    const models = [...new Set(state.machines.map((m) => m.machine_model))].sort();
    const have = [...modelSel.options].slice(1).map((o) => o.value);
    if (have.join("\n") === models.join("\n")) return;
    const keep = modelSel.value;
    modelSel.replaceChildren(
      h("option", { value: "" }, cols.model.all),
      ...models.map((m) => h("option", { value: m }, m)),
    );
    modelSel.value = models.includes(keep) ? keep : "";
    state.model = modelSel.value;
  }

  function render(userAction) {
    for (const [k, b] of Object.entries(sortButtons)) {
      const cell = b.parentElement;
      if (k === state.key) cell.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      else cell.removeAttribute("aria-sort");
      b.dataset.active = k === state.key ? "true" : "false";
    }
    if (!state.machines) return;
    const all = state.machines;
    const width = String(6 + (cols.model ? 1 : 0) + cols.extra.length);
    const shown = all
      .filter((m) => !state.model || m.machine_model === state.model)
      .filter((m) => !state.text || haystack(m, cols).includes(state.text))
      .sort((a, b) => state.dir * SORTS[state.key].cmp(a, b) || a.machine_id.localeCompare(b.machine_id));
    tbody.replaceChildren(...shown.map((m) => row(m, cols)));
    if (all.length === 0)
      tbody.append(
        h(
          "tr",
          {},
          h(
            "td",
            { colspan: width, class: "empty" },
            "No machine has reported yet: readings sent to POST /v1/predict with a machine_id appear here.",
          ),
        ),
      );
    else if (shown.length === 0)
      tbody.append(
        h("tr", {}, h("td", { colspan: width, class: "empty" }, "No machine matches the filter.")),
      );
    const high = all.filter(
      (m) => !m.down && riskLevel(m.failure_probability, m.failure_predicted).key === "high",
    ).length;
    const downs = all.filter((m) => m.down).length;
    const down = downs ? `, ${downs} down` : "";
    const text =
      shown.length === all.length
        ? `${all.length} machines, ${high} at high risk${down}.`
        : `Showing ${shown.length} of ${all.length} machines, ${high} at high risk in the fleet${down}.`;
    setText(summary, text);
    if (cols.ahead) setText(legend, aheadLegend(all, cols.horizon));
    if (userAction) ctx.announce(text);
  }

  return {
    async refresh() {
      if (!cols) {
        const info = await serverInfo();
        cols = { ...layout(info.contract), live: info.sim };
        build();
        render(false);
      }
      // The board is paged (a page costs the server one explanation per machine): follow the
      // cursor to the end, since sorting and filtering here need every machine. The shop clock
      // of a live simulation, when the server has one (GET /v1/sim).
      const sim = cols.live ? getJson("/v1/sim").catch(() => null) : null;
      const machines = [];
      let cursor = null;
      do {
        const q = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
        const data = await getJson(`/v1/fleet?limit=200${q}`);
        machines.push(...data.machines);
        cursor = data.next_cursor ?? null;
      } while (cursor !== null);
      const s = await sim;
      setText(clock, s?.running ? `Simulated fleet. ${shopClockWords(s.clock)}` : "");
      const next = JSON.stringify(machines);
      if (state.machines && JSON.stringify(state.machines) === next) return;
      state.machines = machines;
      updateModels();
      render(false);
    },
  };
}

function haystack(m, cols) {
  return [m.machine_id, m.machine_model, cols.failure(m), ...(m.reasons ?? [])].join(" ").toLowerCase();
}

function row(m, cols) {
  const lvl = riskLevel(m.failure_probability, m.failure_predicted);
  const href = `#/machine/${encodeURIComponent(m.machine_id)}`;
  const tr = h(
    "tr",
    { class: `risk-row risk-row-${m.down ? "down" : lvl.key}`, "data-machine": m.machine_id },
    h("th", { scope: "row", "data-label": "Machine" }, h("a", { href }, m.machine_id)),
    cols.model ? h("td", { "data-label": cols.model.label }, m.machine_model ?? "—") : [],
    cols.extra.map((c) => h("td", { "data-label": c.label }, c.get(m))),
    m.down
      ? h(
          "td",
          { "data-label": "Risk" },
          h("span", { class: "badge risk-down" }, "Down"),
          " ",
          h(
            "span",
            { class: "down-words" },
            `${downWords(m.down, cols.timeOf)}; was ${riskPct(m.failure_probability)}`,
          ),
        )
      : h(
          "td",
          { "data-label": "Risk" },
          h("span", { class: `badge risk-${lvl.key}` }, lvl.text),
          " ",
          h("span", { class: "risk-pct" }, riskPct(m.failure_probability)),
          // The plan's week under the next 24 h: a line, not a column (the board is full at 1,400 px).
          cols.ahead ? aheadLine(m, cols.horizon) : [],
        ),
    h("td", { "data-label": "Likeliest failure" }, cols.failure(m)),
    h(
      "td",
      { "data-label": "Trend" },
      sparkline(m.trend, `Risk trend of ${m.machine_id}: ${trendWords(m.trend)}`),
    ),
    h(
      "td",
      { "data-label": "Top reasons" },
      m.reasons?.length
        ? h(
            "ul",
            { class: "reasons" },
            m.reasons.map((r) => h("li", {}, r)),
          )
        : "—",
    ),
    h("td", { "data-label": cols.timeLabel }, cols.time(m)),
  );
  tr.addEventListener("click", (e) => {
    if (!(e.target instanceof Element && e.target.closest("a"))) location.hash = href;
  });
  return tr;
}

function trendWords(t) {
  if (!t?.length) return "no history";
  const a = t[0];
  const b = t[t.length - 1];
  const dir = b > a + 0.02 ? "rising" : b < a - 0.02 ? "falling" : "steady";
  return `${dir}, from ${pct(a)} to ${pct(b)} over the last ${t.length} readings`;
}
