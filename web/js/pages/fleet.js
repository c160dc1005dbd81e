// Fleet board: every machine's current risk, likeliest failure mode, trend and top reasons;
// sortable (risk, id, model) and filterable by make/model and text. The controls and table head
// are built once; each poll only replaces the rows, so focus and typed filters survive updates.
import { getJson } from "../api.js";
import { h, pct, setText, when } from "../dom.js";
import { sparkline } from "../charts/sparkline.js";
import { modeWords, riskLevel, riskPct, shopClockWords } from "../words.js";

const SORTS = {
  risk: { text: "Risk", cmp: (a, b) => a.failure_probability - b.failure_probability, firstDir: -1 },
  id: {
    text: "Machine",
    cmp: (a, b) => a.machine_id.localeCompare(b.machine_id, "en", { numeric: true }),
    firstDir: 1,
  },
  model: {
    text: "Make and model",
    cmp: (a, b) => a.machine_model.localeCompare(b.machine_model),
    firstDir: 1,
  },
};

export function fleetPage(root, _arg, ctx) {
  const state = { machines: null, key: "risk", dir: -1, text: "", model: "" };

  const search = h("input", {
    id: "fleet-search",
    type: "search",
    autocomplete: "off",
    placeholder: "id, model or reason",
  });
  const modelSel = h("select", { id: "fleet-model" }, h("option", { value: "" }, "All makes and models"));
  const sortSel = h(
    "select",
    { id: "fleet-sort" },
    h("option", { value: "risk" }, "Risk, highest first"),
    h("option", { value: "id" }, "Machine id"),
    h("option", { value: "model" }, "Make and model"),
  );
  const summary = h(
    "p",
    { class: "summary", "aria-live": "polite", id: "fleet-summary" },
    "Loading the fleet…",
  );
  // Under a live simulation, shop times run far ahead of the wall clock: say so above the table.
  const clock = h("p", { class: "summary", id: "fleet-clock" });
  const tbody = h("tbody", {});
  const sortButtons = {};
  const th = (key, text) => {
    const b = h(
      "button",
      { type: "button", class: "sort", "data-sort": key, onclick: () => setSort(key, true) },
      text,
    );
    sortButtons[key] = b;
    return h("th", { scope: "col", "data-sort-col": key }, b);
  };
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
        th("model", "Make and model"),
        th("risk", "Risk"),
        h("th", { scope: "col" }, "Likeliest failure"),
        h("th", { scope: "col" }, "Trend"),
        h("th", { scope: "col" }, "Top reasons"),
        h("th", { scope: "col" }, "Last reading (shop time)"),
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

  function setSort(key, toggle) {
    if (toggle && state.key === key) state.dir = -state.dir;
    else {
      state.key = key;
      state.dir = SORTS[key].firstDir;
    }
    sortSel.value = key;
    render(true);
  }

  root.append(
    h("h1", {}, "Fleet"),
    summary,
    clock,
    h(
      "form",
      {
        class: "controls",
        role: "search",
        "aria-label": "Filter and sort machines",
        onsubmit: (e) => e.preventDefault(),
      },
      h("div", { class: "field" }, h("label", { for: "fleet-search" }, "Search"), search),
      h("div", { class: "field" }, h("label", { for: "fleet-model" }, "Make and model"), modelSel),
      h("div", { class: "field" }, h("label", { for: "fleet-sort" }, "Sort by"), sortSel),
    ),
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Fleet table" }, table),
  );

  function updateModels() {
    const models = [...new Set(state.machines.map((m) => m.machine_model))].sort();
    const have = [...modelSel.options].slice(1).map((o) => o.value);
    if (have.join("\n") === models.join("\n")) return;
    const keep = modelSel.value;
    modelSel.replaceChildren(
      h("option", { value: "" }, "All makes and models"),
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
    const shown = all
      .filter((m) => !state.model || m.machine_model === state.model)
      .filter((m) => !state.text || haystack(m).includes(state.text))
      .sort((a, b) => state.dir * SORTS[state.key].cmp(a, b) || a.machine_id.localeCompare(b.machine_id));
    tbody.replaceChildren(...shown.map(row));
    if (all.length === 0)
      tbody.append(
        h(
          "tr",
          {},
          h(
            "td",
            { colspan: "7", class: "empty" },
            "No machine has reported yet: readings sent to POST /v1/predict with a machine_id appear here.",
          ),
        ),
      );
    else if (shown.length === 0)
      tbody.append(h("tr", {}, h("td", { colspan: "7", class: "empty" }, "No machine matches the filter.")));
    const high = all.filter(
      (m) => riskLevel(m.failure_probability, m.failure_predicted).key === "high",
    ).length;
    const text =
      shown.length === all.length
        ? `${all.length} machines, ${high} at high risk.`
        : `Showing ${shown.length} of ${all.length} machines, ${high} at high risk in the fleet.`;
    setText(summary, text);
    if (userAction) ctx.announce(text);
  }

  return {
    async refresh() {
      // The board is paged (a page costs the server one explanation per machine): follow the
      // cursor to the end, since sorting and filtering here need every machine.
      const sim = getJson("/v1/sim").catch(() => null);
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

function haystack(m) {
  return [m.machine_id, m.machine_model, modeWords(m.likeliest_mode), ...(m.reasons ?? [])]
    .join(" ")
    .toLowerCase();
}

function row(m) {
  const lvl = riskLevel(m.failure_probability, m.failure_predicted);
  const href = `#/machine/${encodeURIComponent(m.machine_id)}`;
  const tr = h(
    "tr",
    { class: `risk-row risk-row-${lvl.key}`, "data-machine": m.machine_id },
    h("th", { scope: "row", "data-label": "Machine" }, h("a", { href }, m.machine_id)),
    h("td", { "data-label": "Make and model" }, m.machine_model),
    h(
      "td",
      { "data-label": "Risk" },
      h("span", { class: `badge risk-${lvl.key}` }, lvl.text),
      " ",
      h("span", { class: "risk-pct" }, riskPct(m.failure_probability)),
    ),
    h("td", { "data-label": "Likeliest failure" }, modeWords(m.likeliest_mode)),
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
    h("td", { "data-label": "Last reading (shop time)" }, when(m.last_reading_at ?? m.last_seen)),
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
